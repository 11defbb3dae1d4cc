/**
 * AWS Lambda entry of the graduation-run worker: each SQS message is one chunk of a batch.
 * A chunk that fails is reported back (partial batch response) and redelivered by SQS;
 * items already issued are skipped on the next delivery. After the queue's last delivery
 * the chunk goes to the dead-letter queue, whose consumer (dead-letters.ts) ends it.
 */
import { credentialServices } from '@cx/core';
import { lambdaDeps, lambdaLog, onInvocation } from '@cx/runtime/lambda';
import { lambdaStore } from '@cx/runtime/lambda-store';
import { lambdaKeyVault } from '@cx/runtime/lambda-keys';
import { lambdaNoticeQueue } from '@cx/runtime/lambda-queue';
import { chunkWorker } from './batch-handlers.js';

const deps = lambdaDeps({ store: lambdaStore(), keyVault: lambdaKeyVault(), noticeQueue: lambdaNoticeQueue() });

export const handler = onInvocation(chunkWorker(credentialServices(deps).batches, lambdaLog));
