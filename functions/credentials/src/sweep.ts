/**
 * AWS Lambda entry of the scheduled sweep of open graduation runs: chunks not counted for a
 * while are sent to the queue again, runs past their deadline are ended, finished runs closed.
 */
import { credentialServices } from '@cx/core';
import { lambdaDeps, lambdaLog, onInvocation } from '@cx/runtime/lambda';
import { lambdaStore } from '@cx/runtime/lambda-store';
import { lambdaBatchQueue, lambdaNoticeQueue } from '@cx/runtime/lambda-queue';
import { batchSweeper } from './batch-handlers.js';

const deps = lambdaDeps({ store: lambdaStore(), batchQueue: lambdaBatchQueue(), noticeQueue: lambdaNoticeQueue() });

export const handler = onInvocation(batchSweeper(credentialServices(deps).batches, lambdaLog));
