/**
 * The graduation-run functions that no HTTP route reaches, as handlers of the batch runner:
 * the worker (one SQS message per chunk), the dead-letter consumer (a chunk SQS gave up on
 * is given up by the run too: its remaining items are reported failed) and the scheduled
 * sweep (stale chunks sent again, runs past their deadline ended). The Lambda entry files
 * only build the services once and hand them in.
 */
import type { ScheduledEvent, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { BatchChunkMessage, BatchRunner, SweepResult } from '@cx/core';
import { consoleLog, type Log } from '@cx/domain';

/** Handles each record, reporting those that failed so that only they come back (partial batch response). */
async function eachRecord(event: SQSEvent, handle: (message: BatchChunkMessage, record: SQSRecord) => Promise<void>, failed: string, log: Log): Promise<SQSBatchResponse> {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      await handle(JSON.parse(record.body) as BatchChunkMessage, record);
    } catch (error) {
      log.error(failed, { messageId: record.messageId, error });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}

/** The worker: a chunk that fails is reported back and SQS delivers it again (and dead-letters it in the end). */
export function chunkWorker(batches: BatchRunner, log: Log = consoleLog): (event: SQSEvent) => Promise<SQSBatchResponse> {
  return (event) => eachRecord(event, (message) => batches.processChunk(message), 'batch chunk failed; SQS will redeliver it', log);
}

/** The dead-letter consumer: every item of the chunk without an outcome is reported failed. */
export function deadLetterConsumer(batches: BatchRunner, log: Log = consoleLog): (event: SQSEvent) => Promise<SQSBatchResponse> {
  return (event) =>
    eachRecord(
      event,
      async (message, record) => {
        const receives = Number(record.attributes?.ApproximateReceiveCount ?? 0);
        await batches.failChunk(message, `not issued: the chunk kept failing and was given up${receives ? ` after ${receives} deliveries to the dead-letter consumer` : ''}`);
        log.info('dead-lettered batch chunk given up; its remaining items are reported failed', { ...message });
      },
      'giving up a dead-lettered chunk failed; SQS will deliver it again',
      log,
    );
}

/** The scheduled sweep over open runs. */
export function batchSweeper(batches: BatchRunner, log: Log = consoleLog): (event?: ScheduledEvent) => Promise<SweepResult> {
  return async () => {
    const result = await batches.sweep();
    log.info('swept open graduation runs', { ...result });
    return result;
  };
}
