/**
 * Table.transact on DynamoDB Local: transactions on one item that conflict, a retried
 * transaction's idempotency token, and the typed errors of whatever still fails.
 */
import { TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { ConflictError, DependencyError, RateLimitedError } from '@cx/domain';
// the fault layer lives with the runtimes that use it; store does not depend on them
import { injectFaults } from '../../runtime/src/faults.js';
import { describe, expect, inject, it } from 'vitest';
import { freshStore } from '../../../test/support/dynamo.js';
import { localClient } from './dynamodb-local.js';
import { Store } from './store.js';
import type { TransactItem } from './table.js';

const counterKey = { pk: 'test#counter', sk: 'counter' };

function increment(store: Store): TransactItem[] {
  return [
    {
      Update: {
        TableName: store.table.name,
        Key: counterKey,
        UpdateExpression: 'ADD #n :one',
        ExpressionAttributeNames: { '#n': 'n' },
        ExpressionAttributeValues: { ':one': 1 },
      },
    },
  ];
}

async function counter(store: Store): Promise<number> {
  return ((await store.table.get<{ n?: number }>(counterKey, true))?.n ?? 0) as number;
}

// DynamoDB Local runs transactions one at a time: 60 concurrent transactions on one item (with
// single writes to it in between) all succeed there, never cancelled with TransactionConflict
// as in AWS. So the conflicts are injected, as TransactionCanceledException from the SDK.
describe('concurrent transactions on one item, a third of them cancelled by TransactionConflict', () => {
  it('all take effect exactly once through Table.transact, which retries them with back-off', async () => {
    const base = await freshStore();
    const client = localClient(inject('dynamoEndpoint'));
    const stats = injectFaults(client, 'dynamodb', { rates: { dynamodb: 0.3 }, seed: 9, kinds: ['transaction-conflict'] });
    const store = new Store({ tableName: base.table.name, client });
    await Promise.all(Array.from({ length: 30 }, () => store.table.transact(increment(store))));
    expect(stats.injected.dynamodb['transaction-conflict']).toBeGreaterThan(5);
    expect(await counter(base)).toBe(30);
  });

  it('still cancelled after the retries answer RateLimitedError with Retry-After (429), not a 500', async () => {
    const base = await freshStore();
    const client = localClient(inject('dynamoEndpoint'));
    injectFaults(client, 'dynamodb', { rates: { dynamodb: 1 }, seed: 9, kinds: ['transaction-conflict'] });
    const store = new Store({ tableName: base.table.name, client, retry: { baseDelayMs: 1 } });
    const error = await store.table.transact(increment(store)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).extensions).toEqual({ retryAfterSeconds: 1 });
    expect(await counter(base)).toBe(0);
  });
});

describe('a transaction whose answer is lost (timeout after it took effect)', () => {
  it('is written once however often the SDK retries it: DynamoDB Local honours ClientRequestToken', async () => {
    const base = await freshStore();
    const client = localClient(inject('dynamoEndpoint'));
    injectFaults(client, 'dynamodb', { rates: { dynamodb: 1 }, seed: 1, kinds: ['timeout-after-effect'] });
    const store = new Store({ tableName: base.table.name, client });
    const error = await store.table.transact(increment(store)).catch((e: unknown) => e);
    // every attempt timed out, so the caller is told DynamoDB did not answer (503), with the SDK error as cause
    expect(error).toBeInstanceOf(DependencyError);
    expect((error as DependencyError).cause).toMatchObject({ name: 'TimeoutError', $metadata: { attempts: expect.any(Number) } });
    expect(((error as DependencyError).cause as { $metadata: { attempts: number } }).$metadata.attempts).toBeGreaterThan(1);
    expect(await counter(base)).toBe(1);
  }, 30_000);

  it('is recognised when sent again with the same token', async () => {
    const store = await freshStore();
    const put = () =>
      new TransactWriteItemsCommand({
        ClientRequestToken: 'the-same-token',
        TransactItems: [{ Put: { TableName: store.table.name, Item: { pk: { S: 'test#once' }, sk: { S: 'x' } }, ConditionExpression: 'attribute_not_exists(pk)' } }],
      });
    const raw = localClient(inject('dynamoEndpoint'));
    await raw.send(put());
    await expect(raw.send(put())).resolves.toBeDefined();
  });
});

describe('failed conditions', () => {
  it('are a ConflictError naming the cause, not retried', async () => {
    const store = await freshStore();
    const item: TransactItem = { Put: { TableName: store.table.name, Item: { pk: 'test#c', sk: 'x' }, ConditionExpression: 'attribute_not_exists(pk)' } };
    await store.table.transact([item]);
    const error = await store.table.transact([item]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).cause).toMatchObject({ name: 'TransactionCanceledException' });
  });
});
