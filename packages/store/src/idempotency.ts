/**
 * Idempotency records: the first request with a key claims it, with a hash of its body;
 * retries with the same body get the same result, other bodies a 422. Records expire
 * (DynamoDB TTL) after a day.
 */
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { IDEMPOTENCY_TTL_SECONDS, type IdempotencyRecord, type IdempotencyRepository } from '@cx/domain';
import { TTL_ATTRIBUTE } from './table-definition.js';
import { entities } from './entities.js';
import { stripKeys } from './keys.js';
import { TableChange } from './table-change.js';
import type { Table } from './table.js';

const { idempotency } = entities;

export class Idempotency implements IdempotencyRepository {
  constructor(private readonly table: Table) {}

  /**
   * Claims the key; answers undefined when this call claimed it, else the existing record.
   * A record given up between the failed claim and the read is claimed again.
   */
  async claim(scope: string, record: IdempotencyRecord): Promise<IdempotencyRecord | undefined> {
    for (;;) {
      try {
        await this.table.doc.send(
          new PutCommand({
            TableName: this.table.name,
            Item: {
              ...idempotency.key({ scope, key: record.key }),
              ...idempotency.metadata,
              ...record,
              [TTL_ATTRIBUTE]: Math.floor(Date.parse(record.createdAt) / 1000) + IDEMPOTENCY_TTL_SECONDS,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return undefined;
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
        const existing = await this.get(scope, record.key);
        // our own claim, written by an attempt whose answer was lost (the SDK retried a timeout)
        if (existing && existing.state === 'pending' && existing.resultId === record.resultId && existing.createdAt === record.createdAt) return undefined;
        if (existing) return existing;
      }
    }
  }

  /**
   * Takes over a pending claim whose holder is presumed dead: it becomes the caller's (its
   * `createdAt` now `at`), keeping its request hash and result id. False when the claim
   * changed since it was read (another caller took it over, or it completed).
   */
  async takeOver(scope: string, key: string, readCreatedAt: string, at: string): Promise<boolean> {
    try {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: idempotency.key({ scope, key }),
          UpdateExpression: 'SET createdAt = :at',
          ConditionExpression: '#state = :pending AND createdAt = :read',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':at': at, ':read': readCreatedAt, ':pending': 'pending' },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  /**
   * Closes a key for good unless it already completed: a claim still pending can then never
   * complete (its holder's transaction needs it pending), and a later request with the key
   * gets a 422. Answers undefined when the key is closed, else the completed record, whose
   * result stands. For giving up on work that may still be in flight (a batch item).
   */
  async fence(scope: string, key: string, at: string): Promise<IdempotencyRecord | undefined> {
    try {
      await this.table.doc.send(
        new PutCommand({
          TableName: this.table.name,
          Item: {
            ...idempotency.key({ scope, key }),
            ...idempotency.metadata,
            key,
            requestHash: 'fenced',
            resultId: '',
            state: 'done',
            createdAt: at,
            [TTL_ATTRIBUTE]: Math.floor(Date.parse(at) / 1000) + IDEMPOTENCY_TTL_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR #state = :pending',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':pending': 'pending' },
        }),
      );
      return undefined;
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      return this.get(scope, key);
    }
  }

  async get(scope: string, key: string): Promise<IdempotencyRecord | undefined> {
    const item = await this.table.get(idempotency.key({ scope, key }), true);
    return item ? stripKeys<IdempotencyRecord>({ ...item, [TTL_ATTRIBUTE]: undefined }) : undefined;
  }

  /** Marks the claim done, in the same transaction as what it produced. */
  complete(scope: string, key: string): TableChange {
    return new TableChange(idempotency.name, {
      Update: {
        TableName: this.table.name,
        Key: idempotency.key({ scope, key }),
        UpdateExpression: 'SET #state = :done',
        ConditionExpression: '#state = :pending',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':done': 'done', ':pending': 'pending' },
      },
    });
  }

  /**
   * Gives the key up after a failure, so a retry can start over. With `claimedAt`, only the
   * claim made (or taken over) at that time: a claim another caller has taken over stays.
   */
  async release(scope: string, key: string, claimedAt?: string): Promise<void> {
    await this.table.doc.send(
      new DeleteCommand({
        TableName: this.table.name,
        Key: idempotency.key({ scope, key }),
        ConditionExpression: claimedAt === undefined ? '#state = :pending' : '#state = :pending AND createdAt = :claimedAt',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':pending': 'pending', ...(claimedAt === undefined ? {} : { ':claimedAt': claimedAt }) },
      }),
    ).catch(() => undefined);
  }
}
