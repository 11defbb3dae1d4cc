/**
 * AWS Lambda entry of the scheduled sweep: of open graduation runs (chunks not counted for a
 * while are sent to the queue again, runs past their deadline are ended, finished runs
 * closed) and of notices that never reached the notice queue (superseded after an hour, a
 * new link sent in their place). Each runs whether or not the other failed.
 */
import type { ScheduledEvent } from 'aws-lambda';
import { credentialServices } from '@cx/core';
import { lambdaDeps, lambdaLog, onInvocation } from '@cx/runtime/lambda';
import { lambdaStore } from '@cx/runtime/lambda-store';
import { lambdaBatchQueue, lambdaNoticeQueue } from '@cx/runtime/lambda-queue';
import { batchSweeper } from './batch-handlers.js';

const deps = lambdaDeps({ store: lambdaStore(), batchQueue: lambdaBatchQueue(), noticeQueue: lambdaNoticeQueue() });
const services = credentialServices(deps);
const sweepBatches = batchSweeper(services.batches, lambdaLog);

export const handler = onInvocation(async (event?: ScheduledEvent) => {
  const [batches, notices] = await Promise.allSettled([sweepBatches(event), services.notices.sweep()]);
  if (notices.status === 'fulfilled') lambdaLog.info('swept notices never queued', { ...notices.value });
  // a failed sweep fails the invocation (its error metric), once both have run
  if (batches.status === 'rejected') throw batches.reason;
  if (notices.status === 'rejected') throw notices.reason;
  return { ...batches.value, notices: notices.value };
});
