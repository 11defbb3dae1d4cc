/**
 * A thin wrapper over the DynamoDB document client for the exchange's single table:
 * the table name, paging with checked cursors, and transactions whose failed conditions
 * become domain errors. Repositories build on it; nothing else talks to DynamoDB.
 *
 * Every call made through it (repositories use `table.doc`) passes one middleware. A call
 * that ran into another transaction on the same item (TransactionConflict, which the SDK
 * does not retry) is tried again after a jittered wait. Throttling, server errors and
 * timeouts are the SDK's to retry (with jitter, keeping a transaction's ClientRequestToken);
 * retrying them here too would multiply the waits. What still fails becomes a
 * RateLimitedError (429, Retry-After) when DynamoDB is busy or contended, or a
 * DependencyError (503) when it failed or did not answer.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type BatchGetCommandInput,
  type BatchWriteCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError, retry, serviceFailure, serviceFailureError, type Change, type OnConflict, type Page, type RetryOptions } from '@cx/domain';
import { decodeCursor, encodeCursor } from './cursor.js';
import { transactItems } from './table-change.js';
import { untilProcessed } from './until-processed.js';
import type { GsiName } from './table-definition.js';
import type { ItemKey } from './keys.js';

type SdkTransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * One write of a transaction; builders fill in `TableName` from `table.name`. The SDK's
 * type has every member optional, so anything would pass for one (a TableChange, say):
 * this one needs the write.
 */
export type TransactItem = SdkTransactItem & ({ Put: object } | { Update: object } | { Delete: object } | { ConditionCheck: object });

type BatchGetRequest = NonNullable<BatchGetCommandInput['RequestItems']>;
type BatchWriteRequest = NonNullable<BatchWriteCommandInput['RequestItems']>;

export interface TableOptions {
  tableName: string;
  /** An existing client (tests, Lambda init); otherwise one is made from `clientConfig`. */
  client?: DynamoDBClient;
  clientConfig?: DynamoDBClientConfig;
  /** How calls cancelled by conflicting transactions are retried (tests shorten the waits). */
  retry?: Partial<Omit<RetryOptions, 'retryable'>>;
}

/**
 * Retries of a call that lost to another transaction on the same item: waits of up to
 * 25, 50, 100, ... 1000 ms (full jitter), eight attempts and at most 4 s in all.
 */
export const CONFLICT_RETRY: Omit<RetryOptions, 'retryable'> = { attempts: 8, budgetMs: 4000, baseDelayMs: 25, maxDelayMs: 1000 };

const conflicted = (error: unknown) => serviceFailure(error) === 'conflict';

/** Creates the document client once; callers keep the Table for the life of the process. */
export class Table {
  readonly name: string;
  readonly doc: DynamoDBDocumentClient;

  constructor(options: TableOptions) {
    this.name = options.tableName;
    const client = options.client ?? new DynamoDBClient(options.clientConfig ?? {});
    this.doc = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
    const retryOptions = { ...CONFLICT_RETRY, ...options.retry, retryable: conflicted };
    // the document client shares the client's middleware stack; by name, so one client serves several tables
    this.doc.middlewareStack.add(
      (next) => async (args) => {
        try {
          return await retry(() => next(args), retryOptions);
        } catch (error) {
          throw serviceFailureError('DynamoDB', error) ?? error;
        }
      },
      { step: 'initialize', priority: 'high', name: 'cxConflictRetryAndTypedErrors', override: true },
    );
  }

  async get<T extends Record<string, unknown>>(key: ItemKey, consistent = false): Promise<T | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.name, Key: key, ConsistentRead: consistent }));
    return out.Item as T | undefined;
  }

  /** The items with these keys (BatchGet, 100 keys a call), in no particular order; keys not found are left out. */
  async getMany(keys: ItemKey[], consistent = false): Promise<Record<string, unknown>[]> {
    const found: Record<string, unknown>[] = [];
    for (let i = 0; i < keys.length; i += 100) {
      const request: BatchGetRequest = { [this.name]: { Keys: keys.slice(i, i + 100), ConsistentRead: consistent } };
      await untilProcessed(request, async (request) => {
        const out = await this.doc.send(new BatchGetCommand({ RequestItems: request }));
        found.push(...(out.Responses?.[this.name] ?? []));
        return out.UnprocessedKeys;
      });
    }
    return found;
  }

  /** Puts the items unconditionally (BatchWrite, 25 a call). */
  async putMany(items: Record<string, unknown>[]): Promise<void> {
    for (let i = 0; i < items.length; i += 25) {
      const request: BatchWriteRequest = { [this.name]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) };
      await untilProcessed(request, async (request) => {
        const out = await this.doc.send(new BatchWriteCommand({ RequestItems: request }));
        return out.UnprocessedItems;
      });
    }
  }

  /**
   * One page of a partition of the table (`index` undefined) or of an index, in sort-key
   * order (or newest first). A cursor is accepted only if it came from the same partition.
   */
  async page(
    index: GsiName | undefined,
    partition: string,
    limit: number,
    cursor: string | undefined,
    options: { newestFirst?: boolean; sortPrefix?: string } = {},
  ): Promise<Page<Record<string, unknown>>> {
    const pk = index ? `${index}pk` : 'pk';
    const sk = index ? `${index}sk` : 'sk';
    const startKey = decodeCursor(cursor, { [pk]: partition }, [...PAGE_KEYS[index ?? 'table']]);
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.name,
        IndexName: index,
        KeyConditionExpression: options.sortPrefix ? '#pk = :pk AND begins_with(#sk, :prefix)' : '#pk = :pk',
        ExpressionAttributeNames: { '#pk': pk, ...(options.sortPrefix ? { '#sk': sk } : {}) },
        ExpressionAttributeValues: { ':pk': partition, ...(options.sortPrefix ? { ':prefix': options.sortPrefix } : {}) },
        ScanIndexForward: !options.newestFirst,
        Limit: limit,
        ExclusiveStartKey: startKey,
      }),
    );
    return { items: out.Items ?? [], nextCursor: encodeCursor(out.LastEvaluatedKey) };
  }

  /**
   * Every item of one partition of the table or an index, following LastEvaluatedKey (for
   * small, bounded partitions); optionally only sort keys with a prefix or in a range.
   */
  async queryPartition(
    index: GsiName | undefined,
    partition: string,
    options: { sortPrefix?: string; sortBetween?: [string, string]; consistent?: boolean; attributes?: string[] } = {},
  ): Promise<Record<string, unknown>[]> {
    const pk = index ? `${index}pk` : 'pk';
    const sk = index ? `${index}sk` : 'sk';
    const { sortPrefix, sortBetween, attributes } = options;
    const sortCondition = sortPrefix !== undefined ? ' AND begins_with(#sk, :from)' : sortBetween ? ' AND #sk BETWEEN :from AND :to' : '';
    const names: Record<string, string> = { '#pk': pk, ...(sortCondition ? { '#sk': sk } : {}) };
    attributes?.forEach((name, i) => (names[`#a${i}`] = name));
    const values: Record<string, unknown> = { ':pk': partition };
    if (sortPrefix !== undefined) values[':from'] = sortPrefix;
    else if (sortBetween) [values[':from'], values[':to']] = sortBetween;
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.name,
          IndexName: index,
          KeyConditionExpression: `#pk = :pk${sortCondition}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ProjectionExpression: attributes?.map((_, i) => `#a${i}`).join(', '),
          ConsistentRead: options.consistent,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  /** Writes the changes repositories of this table made, all or none (see {@link transact}). */
  async commit(changes: Change[], onConflict?: OnConflict): Promise<void> {
    // async, so that a change of another persistence rejects like any failed commit
    return this.transact(transactItems(this.name, changes), onConflict);
  }

  /**
   * Writes all items or none. When a condition fails, `onConditionFailed` names the
   * domain error for the item at that index (or undefined for a ConflictError). A
   * transaction cancelled only by other transactions on its items is retried (see above).
   */
  async transact(items: TransactItem[], onConditionFailed?: OnConflict): Promise<void> {
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons;
      if ((error as Error).name === 'TransactionCanceledException' && reasons) {
        const failed = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
        if (failed >= 0) {
          throw onConditionFailed?.(failed) ?? new ConflictError('the item changed while this request was being processed; retry', {}, { cause: error });
        }
      }
      throw error;
    }
  }
}

/** Key attribute names of the base table and of each index, as cursors must carry them. */
export const PAGE_KEYS = {
  table: ['pk', 'sk'],
  gsi1: ['pk', 'sk', 'gsi1pk', 'gsi1sk'],
  gsi2: ['pk', 'sk', 'gsi2pk', 'gsi2sk'],
  gsi3: ['pk', 'sk', 'gsi3pk', 'gsi3sk'],
} as const;
