/** The SQS side of a Lambda function's dependencies: only functions whose topology entry has `sendsTo: 'batch'` import it. */
import { SQSClient } from '@aws-sdk/client-sqs';
import type { JobQueue } from '@cx/domain';
import { requiredEnv } from './lambda.js';
import { SqsJobQueue } from './sqs-queue.js';

/** The graduation-run queue at BATCH_QUEUE_URL, which the stack sets for the functions that send to it. */
export function lambdaBatchQueue<T>(): JobQueue<T> {
  return new SqsJobQueue<T>(new SQSClient({}), requiredEnv('BATCH_QUEUE_URL'));
}
