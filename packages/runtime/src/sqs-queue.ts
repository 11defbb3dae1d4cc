/** The SQS adapter of the job queue port: messages as JSON, ten per SendMessageBatch call. */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DependencyError, retry, serviceFailureError, type JobQueue, type RetryOptions } from '@cx/domain';

/** Entries of a batch SQS did not take; sent again after a jittered wait. */
class PartlyRefused extends Error {}

export class SqsJobQueue<T> implements JobQueue<T> {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly retryOptions: Partial<Omit<RetryOptions, 'retryable'>> = {},
  ) {}

  async send(messages: T[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      const attempts = this.retryOptions.attempts ?? 5;
      let entries = messages.slice(i, i + 10).map((message, n) => ({ Id: String(n), MessageBody: JSON.stringify(message) }));
      try {
        await retry(
          async () => {
            const out = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }));
            const failed = new Set((out.Failed ?? []).map((f) => f.Id));
            entries = entries.filter((entry) => failed.has(entry.Id));
            if (entries.length > 0) throw new PartlyRefused(`SQS refused ${entries.length} messages`);
          },
          { baseDelayMs: 100, maxDelayMs: 2000, ...this.retryOptions, attempts, retryable: (error) => error instanceof PartlyRefused },
        );
      } catch (error) {
        if (error instanceof PartlyRefused) throw new DependencyError(`${error.message} after ${attempts} attempts; retry later`, {}, { cause: error });
        throw serviceFailureError('SQS', error) ?? error;
      }
    }
  }
}
