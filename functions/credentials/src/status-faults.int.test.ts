/**
 * Status changes while DynamoDB and KMS fail as AWS does (the CX_FAULTS layer, 10% of calls
 * on both): concurrent revocations of credentials sharing one list each take effect once,
 * a client that retries what answered 429 or 503 ends with 200, and nothing is written twice.
 */
import { decodeList, readMessageStatus } from '@cx/credentials';
import { FaultStats, faultyKeyVault, injectFaults } from '@cx/runtime';
import { Store } from '@cx/store';
import { localClient } from '@cx/store/dynamodb-local';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { componentBody } from '../../catalogue/src/fixtures.js';
import { issueBody } from './fixtures.js';

type Json = Record<string, any>;

let cx: TestExchange;
let faulty: TestExchange;
let apiKey: string;
const stats = new FaultStats();

beforeAll(async () => {
  cx = await testExchange();
  apiKey = (await cx.onboard('uni-a')).apiKey;
  expect((await cx.request('PUT', '/v1/institutions/uni-a/components/ML-1', { key: apiKey, body: componentBody() })).status).toBe(201);
  // the same table and keys, reached through clients that fail
  const client = localClient(inject('dynamoEndpoint'));
  const spec = { rates: { dynamodb: 0.1, kms: 0.1 }, seed: 7 };
  faulty = await testExchange({ store: new Store({ tableName: cx.deps.store.table.name, client }), keyVault: faultyKeyVault(cx.deps.keyVault, spec, stats) });
  injectFaults(client, 'dynamodb', spec, stats);
});

async function issue(i: number): Promise<{ id: string; credential: Json }> {
  const response = await cx.request('POST', '/v1/institutions/uni-a/credentials', { key: apiKey, body: issueBody({ recipient: { name: `F${i}`, email: `fault${i}@example.org` } }) });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as { id: string; credential: Json };
}

/** A careful client: retries 429 and 503 (which say nothing was decided) a few times. */
async function revokeRetrying(id: string): Promise<{ statuses: number[]; body: Json }> {
  const statuses: number[] = [];
  for (;;) {
    const response = await faulty.request('POST', `/v1/institutions/uni-a/credentials/${id}/status`, { key: apiKey, body: { status: 'revoked', reason: 'fault drill' } });
    statuses.push(response.status);
    if ((response.status !== 429 && response.status !== 503) || statuses.length >= 8) return { statuses, body: (await response.json()) as Json };
    if (response.status === 429) expect(response.headers.get('retry-after')).toBe('1');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function revocationBit(credential: Json): Promise<boolean> {
  // the one `message` entry: revoked is its value 0x1
  const entry = credential.credentialStatus;
  const list = (await (await cx.request('GET', new URL(entry.statusListCredential).pathname)).json()) as Json;
  return readMessageStatus(decodeList(list.credentialSubject.encodedList), Number(entry.statusListIndex)) === 'revoked';
}

describe('20 concurrent revocations with 10% of DynamoDB and KMS calls failing', () => {
  it('all take effect exactly once, and every answer is 200, 429 or 503 (never 500)', async () => {
    const issued = [];
    for (let i = 0; i < 20; i++) issued.push(await issue(i));

    const outcomes = await Promise.all(issued.map(({ id }) => revokeRetrying(id)));

    expect(stats.total()).toBeGreaterThan(0);
    for (const { statuses } of outcomes) {
      expect(statuses.every((s) => s === 200 || s === 429 || s === 503), statuses.join(',')).toBe(true);
      expect(statuses.at(-1)).toBe(200);
    }
    expect(outcomes.map(({ body }) => body.status)).toEqual(Array(20).fill('revoked'));
    for (const { id, credential } of issued) {
      expect(await revocationBit(credential), id).toBe(true);
      const record = (await (await cx.request('GET', `/v1/institutions/uni-a/credentials/${id}`, { key: apiKey })).json()) as Json;
      expect(record.status).toBe('revoked');
    }
    // one audit record per credential: no change was written twice
    const audit = await cx.deps.store.audit.list({ institution: 'uni-a' }, 1000);
    const revokes = audit.items.filter((r) => r.action === 'credential.revoke').map((r) => r.target);
    expect(revokes.sort()).toEqual(issued.map(({ id }) => `institutions/uni-a/credentials/${id}`).sort());
  }, 180_000);
});

describe('a revocation whose every answer is lost after it took effect', () => {
  it('answers 503; the client’s retry answers 200 with the revoked record, and it was written once', async () => {
    const { id, credential } = await issue(100);
    const client = localClient(inject('dynamoEndpoint'));
    const lossy = await testExchange({ store: new Store({ tableName: cx.deps.store.table.name, client }), keyVault: cx.deps.keyVault });
    injectFaults(client, 'dynamodb', { rates: { dynamodb: 1 }, seed: 1, kinds: ['timeout-after-effect'], operations: ['TransactWriteItems'] });
    const change = (exchange: TestExchange) =>
      exchange.request('POST', `/v1/institutions/uni-a/credentials/${id}/status`, { key: apiKey, body: { status: 'revoked', reason: 'lost answer' } });

    const lost = await change(lossy);
    expect(lost.status).toBe(503);
    expect(await lost.json()).toMatchObject({ type: '/problems/dependency-failed' });

    const retried = await change(cx);
    expect(retried.status).toBe(200);
    expect(await retried.json()).toMatchObject({ id, status: 'revoked', statusReason: 'lost answer' });
    expect(await revocationBit(credential)).toBe(true);
    const audit = await cx.deps.store.audit.list({ institution: 'uni-a' }, 1000);
    expect(audit.items.filter((r) => r.action === 'credential.revoke' && r.target === `institutions/uni-a/credentials/${id}`)).toHaveLength(1);
  }, 60_000);
});
