/**
 * AWS Lambda entry of the graduation-run worker: each SQS message is one chunk of a batch.
 * A chunk that fails is reported back (partial batch response) and redelivered by SQS;
 * items already issued are skipped on the next delivery.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { credentialServices, type BatchChunkMessage } from '@cx/core';
import { lambdaDeps } from '@cx/runtime';

const deps = lambdaDeps();
const services = credentialServices(deps, { batchQueue: deps.batchQueue });

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      await services.batches.processChunk(JSON.parse(record.body) as BatchChunkMessage);
    } catch (error) {
      console.error(JSON.stringify({ level: 'error', message: 'batch chunk failed; SQS will redeliver it', messageId: record.messageId, error: String(error) }));
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}
