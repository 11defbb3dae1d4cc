/**
 * BatchGet and BatchWrite answer what DynamoDB did not get to (the table was busy) as
 * UnprocessedKeys / UnprocessedItems, with no error, so the SDK does not retry them. This
 * sends what is left again, with the exchange's one back-off (the domain `retry`), until
 * nothing is; when the attempts are spent it is a RateLimitedError (429), as for any busy table.
 */
import { BUSY_RETRY_AFTER_SECONDS, RateLimitedError, retry, type RetryOptions } from '@cx/domain';

/** Waits of up to 50, 100, 200, ... 1000 ms (full jitter), ten attempts in all. */
export const UNPROCESSED_RETRY: Omit<RetryOptions, 'retryable'> = { attempts: 10, baseDelayMs: 50, maxDelayMs: 1000 };

/** Thrown inside the retry loop only: something was left unprocessed. */
class Unprocessed extends Error {}

/**
 * Sends `request`, then whatever `send` answers is left of it, until nothing is.
 *
 * @example
 * await untilProcessed({ [table]: puts }, async (request) => (await doc.send(new BatchWriteCommand({ RequestItems: request }))).UnprocessedItems);
 */
export async function untilProcessed<R extends Record<string, unknown>>(
  request: R,
  send: (request: R) => Promise<R | undefined>,
  options: Omit<RetryOptions, 'retryable'> = UNPROCESSED_RETRY,
): Promise<void> {
  let remaining = request;
  try {
    await retry(
      async () => {
        const left = await send(remaining);
        if (left && Object.keys(left).length > 0) {
          remaining = left;
          throw new Unprocessed();
        }
      },
      { ...options, retryable: (error) => error instanceof Unprocessed },
    );
  } catch (error) {
    if (error instanceof Unprocessed) throw new RateLimitedError('DynamoDB is busy; retry shortly', { retryAfterSeconds: BUSY_RETRY_AFTER_SECONDS });
    throw error;
  }
}
