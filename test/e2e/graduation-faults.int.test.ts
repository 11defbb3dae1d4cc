/**
 * The issue's done criterion: a 2,000-item graduation run with 10% of DynamoDB and KMS calls
 * failing as AWS fails them (CX_FAULTS=dynamodb=0.1,kms=0.1) ends with every credential
 * issued exactly once. The exchange runs with faults; the counting afterwards reads the same
 * table through a client of its own, without faults.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalExchange, type LocalExchange } from '@cx/local';
import { Store } from '@cx/store';
import { localClient } from '@cx/store/dynamodb-local';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { componentBody } from '../../functions/catalogue/src/fixtures.js';
import { issueBody } from '../../functions/credentials/src/fixtures.js';

type Json = Record<string, any>;

const ITEMS = 2_000;
let exchange: LocalExchange;
let dataDir: string;
let clean: Store;

/** A request retried, as a client should, while the exchange answers 429 or 503 (with the same Idempotency-Key). */
async function send(method: string, path: string, key: string | undefined, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const response = await exchange.fetch(
      new Request(`${exchange.url}${path}`, {
        method,
        headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
    if ((response.status !== 429 && response.status !== 503) || attempt >= 20) return response;
    await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
  }
}

beforeAll(async () => {
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  dataDir = mkdtempSync(join(tmpdir(), 'cx-faults-'));
  const tableName = `faults-${randomUUID()}`;
  exchange = await startLocalExchange({ port: 0, dataDir, dynamoEndpoint: inject('dynamoEndpoint'), tableName, faults: { rates: { dynamodb: 0.1, kms: 0.1 }, seed: 7 } });
  clean = new Store({ tableName, client: localClient(inject('dynamoEndpoint')) });
});

afterAll(async () => {
  await exchange?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

describe('a 2,000-item graduation run with 10% faults on DynamoDB and KMS', () => {
  it('ends done with every credential issued exactly once', { timeout: 240_000 }, async () => {
    const onboarded = await send('POST', '/v1/institutions', exchange.generatedAdminKey, { id: 'uni-f', name: 'University F', country: 'NL', homepage: 'https://uni-f.example.edu' }, { 'idempotency-key': 'onboard-uni-f' });
    expect(onboarded.status, await onboarded.clone().text()).toBe(201);
    const key = ((await onboarded.json()) as Json).apiKey as string;
    expect((await send('PUT', '/v1/institutions/uni-f/components/ML-1', key, componentBody())).status).toBe(201);

    const items = Array.from({ length: ITEMS }, (_, i) => issueBody({ recipient: { name: `Student ${i}`, email: `f-${i}@example.org`, studentId: `F-${i}` } }));
    const started = await send('POST', '/v1/institutions/uni-f/credential-batches', key, { items }, { 'idempotency-key': 'graduation-faults' });
    expect(started.status, await started.clone().text()).toBe(202);
    const { id } = (await started.json()) as Json;

    let view: Json = {};
    const deadline = Date.now() + 230_000;
    while (Date.now() < deadline) {
      const response = await send('GET', `/v1/institutions/uni-f/credential-batches/${id}?limit=10`, key);
      if (response.status === 200) view = (await response.json()) as Json;
      if (view.status === 'done' || view.status === 'done-with-errors') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(exchange.faultStats!.total('dynamodb')).toBeGreaterThan(0);
    expect(exchange.faultStats!.total('kms')).toBeGreaterThan(0);
    expect(view).toMatchObject({ status: 'done', total: ITEMS, issued: ITEMS, failed: 0, errors: [] });

    const perItem: number[] = new Array(ITEMS).fill(0);
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let i = next++; i < ITEMS; i = next++) perItem[i] = (await clean.credentials.allForRecipient('uni-f', { kind: 'sid', studentId: `F-${i}` })).length;
      }),
    );
    expect({ lost: perItem.filter((n) => n === 0).length, duplicates: perItem.filter((n) => n > 1).length }).toEqual({ lost: 0, duplicates: 0 });
  });
});
