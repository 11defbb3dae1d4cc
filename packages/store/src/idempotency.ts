/**
 * Idempotency records: the first request with a key claims it, with a hash of its body;
 * retries with the same body get the same result, other bodies a 422. Records expire
 * (DynamoDB TTL) after a day.
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { TTL_ATTRIBUTE } from './table-definition.js';
import { keys, stripKeys } from './keys.js';
import type { Table, TransactItem } from './table.js';

export interface IdempotencyRecord {
  key: string;
  requestHash: string;
  /** The id the first request reserved for what it creates. */
  resultId: string;
  state: 'pending' | 'done';
  createdAt: string;
}

const TTL_SECONDS = 24 * 3600;

export class Idempotency {
  constructor(private readonly table: Table) {}

  /** Claims the key; answers undefined when this call claimed it, else the existing record. */
  async claim(scope: string, record: IdempotencyRecord): Promise<IdempotencyRecord | undefined> {
    try {
      await this.table.doc.send(
        new PutCommand({
          TableName: this.table.name,
          Item: {
            ...keys.idempotency(scope, record.key),
            entity: 'idempotency',
            schemaVersion: 1,
            ...record,
            [TTL_ATTRIBUTE]: Math.floor(Date.parse(record.createdAt) / 1000) + TTL_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return undefined;
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      return this.get(scope, record.key);
    }
  }

  async get(scope: string, key: string): Promise<IdempotencyRecord | undefined> {
    const item = await this.table.get(keys.idempotency(scope, key), true);
    return item ? stripKeys<IdempotencyRecord>({ ...item, [TTL_ATTRIBUTE]: undefined }) : undefined;
  }

  /** Marks the claim done, in the same transaction as what it produced. */
  complete(scope: string, key: string): TransactItem {
    return {
      Update: {
        TableName: this.table.name,
        Key: keys.idempotency(scope, key),
        UpdateExpression: 'SET #state = :done',
        ConditionExpression: '#state = :pending',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':done': 'done', ':pending': 'pending' },
      },
    };
  }

  /** Gives the key up after a failure, so a retry can start over. */
  async release(scope: string, key: string): Promise<void> {
    await this.table.doc.send(
      new DeleteCommand({
        TableName: this.table.name,
        Key: keys.idempotency(scope, key),
        ConditionExpression: '#state = :pending',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':pending': 'pending' },
      }),
    ).catch(() => undefined);
  }
}
