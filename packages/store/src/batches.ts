/**
 * Graduation runs. A batch is stored as a head (total, chunk count, who asked), chunks of
 * items cut by size, one outcome item per item (DONE#<i> or FAIL#<i>, written once, never
 * both) and one small counter per chunk (COUNT#<n>). Workers never write the head per
 * item: a chunk's counter is recounted from its outcome items, so it is right however
 * often a chunk runs, and a run's progress is the sum of its chunks' counters.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, chunkItems, type BatchFailure, type BatchProgress, type BatchRecord, type BatchRepository, type ChunkCount, type Page } from '@cx/domain';
import { entities } from './entities.js';
import { stripKeys } from './keys.js';
import { TableChange } from './table-change.js';
import type { Table } from './table.js';

const { batch: batchHead, batchChunk, batchDone, batchFailure, batchCount } = entities;

export class Batches implements BatchRepository {
  constructor(private readonly table: Table) {}

  /**
   * Stores the items in chunks, then the head: a batch exists only once all its items do.
   * Safe to repeat with the same id and items (a retried start): chunks are written again
   * as they were, and a head that exists already is kept.
   */
  async create(batch: Omit<BatchRecord, 'chunks'>, items: unknown[]): Promise<BatchRecord> {
    const chunks = chunkItems(items);
    await this.table.putMany(
      chunks.map((chunk, n) => ({ ...batchChunk.key({ ...batch, chunk: n }), ...batchChunk.metadata, first: chunk.first, items: chunk.items })),
    );
    const record: BatchRecord = { ...batch, chunks: chunks.length };
    try {
      await this.table.transact([
        {
          Put: {
            TableName: this.table.name,
            Item: { ...batchHead.key(batch), ...batchHead.index('gsi1', batch), ...batchHead.metadata, ...record },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ]);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      return (await this.get(batch.institution, batch.id))!;
    }
    return record;
  }

  /** Notes when the first worker started (once per chunk delivery at most, never per item). */
  async started(institution: string, id: string, at: string): Promise<void> {
    await this.table.doc.send(
      new UpdateCommand({
        TableName: this.table.name,
        Key: batchHead.key({ institution, id }),
        UpdateExpression: 'SET startedAt = if_not_exists(startedAt, :at)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }

  /** Takes a finished batch out of the open-batches index (idempotent). */
  async close(institution: string, id: string, at: string): Promise<void> {
    await this.table.doc.send(
      new UpdateCommand({
        TableName: this.table.name,
        Key: batchHead.key({ institution, id }),
        UpdateExpression: 'REMOVE gsi1pk, gsi1sk SET finishedAt = if_not_exists(finishedAt, :at)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }

  /** Batches not yet finished, oldest first (a bounded list: batches finish). */
  async open(): Promise<BatchRecord[]> {
    return (await this.table.queryPartition('gsi1', batchHead.indexPartition('gsi1', {}))).map((item) => stripKeys<BatchRecord>(item));
  }

  async get(institution: string, id: string): Promise<BatchRecord | undefined> {
    const item = await this.table.get(batchHead.key({ institution, id }), true);
    return item ? stripKeys<BatchRecord>(item) : undefined;
  }

  async chunk(institution: string, id: string, n: number): Promise<{ first: number; items: unknown[] } | undefined> {
    const item = await this.table.get<{ first: number; items: unknown[] }>(batchChunk.key({ institution, id, chunk: n }), true);
    return item && { first: item.first, items: item.items };
  }

  /** The outcome "issued" of an item, to commit with its credential: fails when the item has either outcome. */
  issued(institution: string, id: string, index: number, credentialId: string): TableChange[] {
    return [
      new TableChange(batchDone.name, {
        Put: {
          TableName: this.table.name,
          Item: { ...batchDone.key({ institution, id, index }), ...batchDone.metadata, index, credentialId },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      }),
      new TableChange(batchFailure.name, {
        ConditionCheck: { TableName: this.table.name, Key: batchFailure.key({ institution, id, index }), ConditionExpression: 'attribute_not_exists(pk)' },
      }),
    ];
  }

  /**
   * Records an item's outcome once; false when it already has one. An item is never both
   * issued and failed: the outcome is written only if the other one is absent.
   */
  async record(institution: string, id: string, index: number, outcome: { credentialId: string } | BatchFailure): Promise<boolean> {
    const [written, other] = 'credentialId' in outcome ? [batchDone, batchFailure] : [batchFailure, batchDone];
    try {
      await this.table.transact(
        [
          {
            Put: {
              TableName: this.table.name,
              Item: {
                ...written.key({ institution, id, index }),
                ...written.metadata,
                index,
                ...outcome,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            ConditionCheck: {
              TableName: this.table.name,
              Key: other.key({ institution, id, index }),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
        () => new ConflictError(`item ${index} of batch ${id} already has an outcome`),
      );
      return true;
    } catch (error) {
      if (error instanceof ConflictError) return false;
      throw error;
    }
  }

  /** The indexes in [first, first + size) that have an outcome (a rerun skips them). */
  async recordedIn(institution: string, id: string, first: number, size: number): Promise<Set<number>> {
    const [done, failed] = await Promise.all([
      this.outcomeIndexes(institution, id, batchDone, first, size),
      this.outcomeIndexes(institution, id, batchFailure, first, size),
    ]);
    return new Set([...done, ...failed]);
  }

  /**
   * Counts the outcomes of a chunk from its outcome items and stores the count. Counts
   * only grow: a slower worker's older count never replaces a newer one.
   */
  async count(institution: string, id: string, chunk: number, first: number, size: number, at: string): Promise<ChunkCount> {
    const [issued, failed] = await Promise.all([
      this.outcomeIndexes(institution, id, batchDone, first, size).then((found) => found.length),
      this.outcomeIndexes(institution, id, batchFailure, first, size).then((found) => found.length),
    ]);
    const count: ChunkCount = { chunk, first, size, issued, failed, countedAt: at };
    try {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: batchCount.key({ institution, id, chunk }),
          UpdateExpression: 'SET entity = :entity, schemaVersion = :v, #chunk = :chunk, #first = :first, #size = :size, issued = :issued, failed = :failed, countedAt = :at',
          ConditionExpression: 'attribute_not_exists(pk) OR (issued <= :issued AND failed <= :failed)',
          ExpressionAttributeNames: { '#chunk': 'chunk', '#first': 'first', '#size': 'size' },
          ExpressionAttributeValues: { ':entity': batchCount.model.entity, ':v': batchCount.model.schemaVersion, ':chunk': chunk, ':first': first, ':size': size, ':issued': issued, ':failed': failed, ':at': at },
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
    return count;
  }

  /** The run's outcomes so far: the sum of its chunks' counts. */
  async progress(institution: string, id: string): Promise<BatchProgress> {
    const items = await this.table.queryPartition(undefined, batchCount.partition({ institution, id }), {
      sortPrefix: batchCount.sortPrefix({}),
      consistent: true,
    });
    const counts = items.map((item) => stripKeys<ChunkCount>(item));
    return { issued: counts.reduce((sum, c) => sum + c.issued, 0), failed: counts.reduce((sum, c) => sum + c.failed, 0), counts };
  }

  /** One page of the run's failures, by item index. */
  async failures(institution: string, id: string, limit: number, cursor?: string): Promise<Page<BatchFailure>> {
    const page = await this.table.page(undefined, batchFailure.partition({ institution, id }), limit, cursor, { sortPrefix: batchFailure.sortPrefix({}) });
    return { items: page.items.map((item) => ({ index: item.index as number, problem: item.problem as BatchFailure['problem'] })), nextCursor: page.nextCursor };
  }

  private async outcomeIndexes(
    institution: string,
    id: string,
    outcome: typeof batchDone | typeof batchFailure,
    first: number,
    size: number,
  ): Promise<number[]> {
    const items = await this.table.queryPartition(undefined, outcome.partition({ institution, id }), {
      sortBetween: [outcome.key({ institution, id, index: first }).sk, outcome.key({ institution, id, index: first + size - 1 }).sk],
      attributes: ['index'],
      consistent: true,
    });
    const found = items.map((item) => item.index as number);
    return found;
  }
}
