/**
 * Graduation runs. A batch is stored as a head (totals, counters) and chunks of items;
 * workers record each item's outcome once (a DONE#/FAIL# item written with the counter
 * in one transaction), so a worker that is retried or runs twice never counts twice.
 */
import { BatchWriteCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, type Actor } from '@cx/domain';
import { keys, stripKeys } from './keys.js';
import type { Table } from './table.js';

export const BATCH_CHUNK_SIZE = 100;

export interface BatchRecord {
  id: string;
  institution: string;
  total: number;
  chunks: number;
  issued: number;
  failed: number;
  createdAt: string;
  createdBy: Actor;
  requestId?: string;
  startedAt?: string;
  finishedAt?: string;
}

export interface BatchFailure {
  index: number;
  problem: { status: number; title: string; detail: string; errors?: unknown[] };
}

export class Batches {
  constructor(private readonly table: Table) {}

  /** Stores the items in chunks, then the head: a batch exists only once all its items do. */
  async create(batch: Omit<BatchRecord, 'issued' | 'failed' | 'chunks'>, items: unknown[]): Promise<BatchRecord> {
    const chunks: unknown[][] = [];
    for (let i = 0; i < items.length; i += BATCH_CHUNK_SIZE) chunks.push(items.slice(i, i + BATCH_CHUNK_SIZE));
    const puts = chunks.map((chunk, n) => ({
      PutRequest: { Item: { ...keys.batchChunk(batch.institution, batch.id, n), entity: 'batch-chunk', schemaVersion: 1, first: n * BATCH_CHUNK_SIZE, items: chunk } },
    }));
    for (let i = 0; i < puts.length; i += 25) {
      let request: Record<string, unknown[]> | undefined = { [this.table.name]: puts.slice(i, i + 25) };
      for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** attempt)));
        const out = await this.table.doc.send(new BatchWriteCommand({ RequestItems: request as never }));
        request = out.UnprocessedItems as typeof request;
      }
    }
    const record: BatchRecord = { ...batch, chunks: chunks.length, issued: 0, failed: 0 };
    await this.table.transact([
      {
        Put: {
          TableName: this.table.name,
          Item: {
            ...keys.batch(batch.institution, batch.id),
            ...keys.openBatchIndexes(batch.institution, batch.id, batch.createdAt),
            entity: 'batch',
            schemaVersion: 1,
            ...record,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]);
    return record;
  }

  /** Takes a finished batch out of the open-batches index (idempotent). */
  async close(institution: string, id: string, at: string): Promise<void> {
    await this.table.doc.send(
      new UpdateCommand({
        TableName: this.table.name,
        Key: keys.batch(institution, id),
        UpdateExpression: 'REMOVE gsi1pk, gsi1sk SET finishedAt = if_not_exists(finishedAt, :at)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }

  /** Batches not yet finished, oldest first (a bounded list: batches finish). */
  async open(): Promise<BatchRecord[]> {
    return (await this.table.queryPartition('gsi1', keys.openBatchesPartition)).map((item) => stripKeys<BatchRecord>(item));
  }

  async get(institution: string, id: string): Promise<BatchRecord | undefined> {
    const item = await this.table.get(keys.batch(institution, id), true);
    return item ? stripKeys<BatchRecord>(item) : undefined;
  }

  async chunk(institution: string, id: string, n: number): Promise<{ first: number; items: unknown[] } | undefined> {
    return this.table.get<{ first: number; items: unknown[] }>(keys.batchChunk(institution, id, n), true);
  }

  /** Records an item's outcome once; false when it was already recorded. */
  async record(institution: string, id: string, index: number, outcome: { credentialId: string } | BatchFailure, at: string): Promise<boolean> {
    const done = 'credentialId' in outcome;
    try {
      await this.table.transact([
        {
          Put: {
            TableName: this.table.name,
            Item: {
              ...(done ? keys.batchDone(institution, id, index) : keys.batchFailure(institution, id, index)),
              entity: done ? 'batch-done' : 'batch-failure',
              schemaVersion: 1,
              index,
              ...outcome,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Update: {
            TableName: this.table.name,
            Key: keys.batch(institution, id),
            UpdateExpression: `ADD ${done ? 'issued' : 'failed'} :one SET startedAt = if_not_exists(startedAt, :at)`,
            ExpressionAttributeValues: { ':one': 1, ':at': at },
          },
        },
      ]);
      return true;
    } catch (error) {
      if (error instanceof ConflictError) return false;
      throw error;
    }
  }

  /** Whether an item already has an outcome (a rerun skips it). */
  async recorded(institution: string, id: string, index: number): Promise<boolean> {
    const [done, failed] = await Promise.all([
      this.table.get(keys.batchDone(institution, id, index), true),
      this.table.get(keys.batchFailure(institution, id, index), true),
    ]);
    return Boolean(done || failed);
  }

  async failures(institution: string, id: string, limit = 1000): Promise<BatchFailure[]> {
    const out = await this.table.doc.send(
      new QueryCommand({
        TableName: this.table.name,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :fail)',
        ExpressionAttributeValues: { ':pk': keys.batchPartition(institution, id), ':fail': 'FAIL#' },
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((item) => ({ index: item.index as number, problem: item.problem as BatchFailure['problem'] }));
  }
}
