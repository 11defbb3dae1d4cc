/**
 * Fault injection on a real DynamoDB client against DynamoDB Local: the injected errors are
 * the SDK's own exceptions, retried by the SDK's retry strategy as AWS's would be, and the
 * store turns what is left into typed domain errors.
 */
import { GetItemCommand, PutItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { DependencyError, RateLimitedError } from '@cx/domain';
import { Store } from '@cx/store';
import { localClient } from '@cx/store/dynamodb-local';
import { describe, expect, inject, it } from 'vitest';
import { freshStore } from '../../../test/support/dynamo.js';
import { FaultStats, injectFaults, type FaultKind } from './faults.js';

/** A client of its own with faults of `kinds` in a share `rate` of its calls (and a table). */
async function faultyClient(kinds: FaultKind[], rate = 1) {
  const table = (await freshStore()).table.name;
  const client = localClient(inject('dynamoEndpoint'));
  const stats = injectFaults(client, 'dynamodb', { rates: { dynamodb: rate }, seed: 5, kinds });
  return { client, stats, table };
}

/** A store over such a client, with the store's back-off shortened. */
async function faultyStore(kinds: FaultKind[], rate = 1) {
  const { client, stats, table } = await faultyClient(kinds, rate);
  return { store: new Store({ tableName: table, client, retry: { baseDelayMs: 1, maxDelayMs: 2 } }), stats };
}

const key = (id: string) => ({ pk: { S: `test#${id}` }, sk: { S: 'item' } });

describe('injected DynamoDB faults', () => {
  it('are the exception AWS sends, after the SDK retried them', async () => {
    const { client, stats, table } = await faultyClient(['provisioned-throughput']);
    const error = await client.send(new GetItemCommand({ TableName: table, Key: key('a') })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ProvisionedThroughputExceededException', $metadata: { httpStatusCode: 400 } });
    const attempts = (error as { $metadata: { attempts: number } }).$metadata.attempts;
    expect(attempts).toBeGreaterThan(1);
    expect(stats.calls.dynamodb).toBe(attempts);
  }, 20_000);

  it('cancel a transaction with TransactionConflict as its reason', async () => {
    const { client, table } = await faultyClient(['transaction-conflict']);
    const error = await client
      .send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: table, Item: { ...key('b') } } }, { Put: { TableName: table, Item: { ...key('c') } } }] }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }] });
  });

  it('let a timed-out call take effect', async () => {
    const { client, stats, table } = await faultyClient(['timeout-after-effect']);
    const error = await client.send(new PutItemCommand({ TableName: table, Item: { ...key('d'), n: { N: '1' } } })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TimeoutError', $metadata: { attempts: expect.any(Number) } });
    const check = localClient(inject('dynamoEndpoint'));
    expect((await check.send(new GetItemCommand({ TableName: table, Key: key('d'), ConsistentRead: true }))).Item?.n).toEqual({ N: '1' });
    // the SDK retried the call, which took effect each time
    expect(stats.injected.dynamodb['timeout-after-effect']).toBe((error as { $metadata: { attempts: number } }).$metadata.attempts);
  }, 20_000);

  it('count nothing and change nothing at rate 0', async () => {
    const client = localClient(inject('dynamoEndpoint'));
    const stats = injectFaults(client, 'dynamodb', { rates: { dynamodb: 0 }, seed: 1 }, new FaultStats());
    expect(stats.total()).toBe(0);
  });
});

describe('the store under persistent faults', () => {
  it('answers a throttled read with RateLimitedError and Retry-After', async () => {
    const { store } = await faultyStore(['throttling']);
    const error = await store.table.get({ pk: 'test#e', sk: 'item' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).extensions).toEqual({ retryAfterSeconds: 1 });
    expect((error as RateLimitedError).cause).toMatchObject({ name: 'ThrottlingException' });
  }, 60_000);

  it('answers a transaction that always conflicts with RateLimitedError, after retrying it', async () => {
    const { store, stats } = await faultyStore(['transaction-conflict']);
    const error = await store.table.transact([{ Put: { TableName: store.table.name, Item: { pk: 'test#f', sk: 'item' } } }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    // eight attempts of the store's back-off; the SDK does not retry a cancelled transaction
    expect(stats.calls.dynamodb).toBe(8);
  });

  it('answers a failing DynamoDB with DependencyError', async () => {
    const { store } = await faultyStore(['internal-error']);
    const error = await store.table.get({ pk: 'test#g', sk: 'item' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyError);
  }, 20_000);

  it('succeeds when the faults are occasional', async () => {
    // the 10%: at 30% the SDK's own throttling back-off (up to seconds) can use up the
    // conflict retry's time budget before its first conflict, which is the budget working as meant
    const { store, stats } = await faultyStore(['throttling', 'transaction-conflict', 'provisioned-throughput'], 0.1);
    for (let i = 0; i < 20; i++) {
      await store.table.transact([{ Put: { TableName: store.table.name, Item: { pk: `test#h${i}`, sk: 'item' } } }]);
    }
    expect(stats.total()).toBeGreaterThan(0);
  }, 60_000);
});
