/** The SQS side of a Lambda function's dependencies: only functions whose topology entry has `sendsTo` import it. */
import { SQSClient } from '@aws-sdk/client-sqs';
import type { JobQueue } from '@cx/domain';
import { requiredEnv } from './lambda.js';
import { SqsJobQueue } from './sqs-queue.js';

/** One SQS client for the container, whichever queues its function sends to. */
let sqs: SQSClient | undefined;

function queueAt<T>(urlVariable: string): JobQueue<T> {
  sqs ??= new SQSClient({});
  return new SqsJobQueue<T>(sqs, requiredEnv(urlVariable));
}

/** The graduation-run queue at BATCH_QUEUE_URL, which the stack sets for the functions that send to it. */
export function lambdaBatchQueue<T>(): JobQueue<T> {
  return queueAt<T>('BATCH_QUEUE_URL');
}

/** The notice queue at NOTICE_QUEUE_URL (consumed by the notice-sender function), which the stack sets for the functions that send to it. */
export function lambdaNoticeQueue<T>(): JobQueue<T> {
  return queueAt<T>('NOTICE_QUEUE_URL');
}
