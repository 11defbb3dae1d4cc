/**
 * The SQS queues the topology names (`consumes.queue`, `sendsTo`): one queue per name,
 * each with a dead-letter queue for messages that keep failing, which a function of the
 * topology may consume (`consumes.deadLetters`).
 */
import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FunctionSpec } from '@cx/runtime/topology';

/** Deliveries of a message before it is parked in the dead-letter queue. */
const MAX_RECEIVES = 5;

/** `batch` -> `BATCH_QUEUE_URL`, the variable a sender reads the queue's URL from. */
export function queueUrlVariable(queue: string): string {
  return `${queue.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_QUEUE_URL`;
}

/** Every queue name the topology mentions, in order of first mention. */
export function queueNames(functions: readonly FunctionSpec[]): string[] {
  return [...new Set(functions.flatMap((spec) => [spec.consumes?.queue, ...(spec.sendsTo ?? [])].filter((name): name is string => !!name)))];
}

export interface ExchangeQueuesProps {
  functions: readonly FunctionSpec[];
  /** The longest timeout of a function consuming a queue: SQS must not redeliver a message still being processed. */
  consumerTimeout: Duration;
}

export class ExchangeQueues extends Construct {
  private readonly queues = new Map<string, Queue>();
  private readonly deadLetterQueues = new Map<string, Queue>();

  constructor(scope: Construct, id: string, props: ExchangeQueuesProps) {
    super(scope, id);
    for (const name of queueNames(props.functions)) {
      const consumed = props.functions.some((spec) => spec.consumes?.queue === name && !spec.consumes.deadLetters);
      if (!consumed) throw new Error(`queue ${name}: functions send to it but none consumes it`);
      const deadLetters = new Queue(this, `${name}DeadLetters`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
        // its consumer (which gives the message up for good) may take as long as any consumer
        visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * 6),
      });
      this.deadLetterQueues.set(name, deadLetters);
      this.queues.set(
        name,
        new Queue(this, name, {
          encryption: QueueEncryption.SQS_MANAGED,
          enforceSSL: true,
          // AWS's advice for Lambda event sources: six times the function's timeout
          visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * 6),
          retentionPeriod: Duration.days(4),
          deadLetterQueue: { queue: deadLetters, maxReceiveCount: MAX_RECEIVES },
        }),
      );
    }
  }

  get(name: string): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`no queue named ${name}`);
    return queue;
  }

  /** The dead-letter queue of queue `name`: where its messages go after MAX_RECEIVES deliveries. */
  deadLetters(name: string): Queue {
    const queue = this.deadLetterQueues.get(name);
    if (!queue) throw new Error(`no queue named ${name}`);
    return queue;
  }
}
