/**
 * The one retry loop of the exchange: exponential back-off with full jitter (a random wait
 * between 0 and min(maxDelayMs, baseDelayMs * 2^attempt)), within an attempt budget and/or
 * a time budget. Contenders for one item spread out instead of colliding again in step.
 * Clock, sleep and randomness are injectable so tests run without waiting.
 */

export interface RetryOptions {
  /** Whether a failure is worth another attempt; anything else is thrown at once. */
  retryable: (error: unknown) => boolean;
  /** Attempts in all, the first included (default 5). */
  attempts?: number;
  /** No retry starts once this many milliseconds have passed since the first attempt. */
  budgetMs?: number;
  /** Upper bound of the first wait (default 25 ms); it doubles with every attempt. */
  baseDelayMs?: number;
  /** Upper bound of any one wait (default 1,000 ms). */
  maxDelayMs?: number;
  /** Called before each wait, with the failure and the number of the attempt that failed (0-based). */
  onRetry?: (error: unknown, attempt: number) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1); Math.random by default. */
  random?: () => number;
}

export const sleepMs = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The full-jitter wait before retry number `attempt + 1`. */
export function backoffDelay(attempt: number, options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'random'> = {}): number {
  const cap = Math.min(options.maxDelayMs ?? 1000, (options.baseDelayMs ?? 25) * 2 ** attempt);
  return (options.random ?? Math.random)() * cap;
}

/**
 * Runs `operation` until it succeeds, fails with an error `retryable` rejects, or the
 * budget is spent (then the last error is thrown, unchanged).
 *
 * @example
 * await retry(() => table.send(command), { retryable: isTransactionConflict, attempts: 8 });
 */
export async function retry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? sleepMs;
  const attempts = options.attempts ?? (options.budgetMs === undefined ? 5 : Number.POSITIVE_INFINITY);
  const started = now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!options.retryable(error) || attempt + 1 >= attempts) throw error;
      const delay = backoffDelay(attempt, options);
      if (options.budgetMs !== undefined && now() + delay - started > options.budgetMs) throw error;
      options.onRetry?.(error, attempt);
      await sleep(delay);
    }
  }
}
