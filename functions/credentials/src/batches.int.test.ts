/**
 * Graduation runs over HTTP: POST /v1/institutions/{id}/credential-batches answers 202 at
 * once, the in-process queue runs the worker, and GET .../credential-batches/{batchId} shows
 * the run go from queued or running to done, with each invalid item reported by its index.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tableSnapshot } from '../../../test/support/dynamo.js';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { expectProblem } from '../../../test/support/problem.js';
import { componentBody } from '../../catalogue/src/fixtures.js';
import { issueBody } from './fixtures.js';

type Json = Record<string, any>;

let cx: TestExchange;
let key: string;
let suspendedKey: string;

beforeAll(async () => {
  cx = await testExchange();
  key = (await cx.onboard('uni-a')).apiKey;
  suspendedKey = (await cx.onboard('uni-s')).apiKey;
  for (const code of ['ML-1', 'GONE-1']) {
    expect((await cx.request('PUT', `/v1/institutions/uni-a/components/${code}`, { key, body: componentBody() })).status).toBe(201);
  }
  expect((await cx.request('DELETE', '/v1/institutions/uni-a/components/GONE-1', { key })).status).toBe(200);
  expect((await cx.request('POST', '/v1/institutions/uni-s/suspend', { key: cx.adminKey })).status).toBe(200);
});

async function submit(items: unknown[], headers: Record<string, string> = {}): Promise<Json> {
  const response = await cx.request('POST', '/v1/institutions/uni-a/credential-batches', { key, headers, body: { items } });
  expect(response.status, await response.clone().text()).toBe(202);
  expect(response.headers.get('location')).toMatch(/^\/v1\/institutions\/uni-a\/credential-batches\/[0-9a-f-]{36}$/);
  return (await response.json()) as Json;
}

async function view(id: string, query = ''): Promise<Json> {
  const response = await cx.request('GET', `/v1/institutions/uni-a/credential-batches/${id}${query}`, { key });
  expect(response.status).toBe(200);
  return (await response.json()) as Json;
}

/** Polls the batch until it is done, answering every view seen on the way. */
async function followToTheEnd(id: string, timeoutMs = 120_000): Promise<Json[]> {
  const seen: Json[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await view(id);
    seen.push(current);
    if (current.status === 'done' || current.status === 'done-with-errors') return seen;
    if (Date.now() > deadline) throw new Error(`batch ${id} still ${current.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** How many credentials uni-a lists for each student id `${run}-${i}`, i < count. */
async function credentialsPerStudent(run: string, count: number): Promise<number[]> {
  const counts: number[] = [];
  for (let i = 0; i < count; i += 20) {
    const slice = Array.from({ length: Math.min(20, count - i) }, async (_, j) => {
      const response = await cx.request('GET', `/v1/institutions/uni-a/credentials?recipient=${run}-${i + j}&limit=100`, { key });
      return ((await response.json()) as Json).items.length as number;
    });
    counts.push(...(await Promise.all(slice)));
  }
  return counts;
}

const student = (run: string, i: number) => ({ name: `Student ${i}`, email: `${run}-${i}@example.org`, studentId: `${run}-${i}` });

// first, while the table is small enough for one snapshot
describe('refusals', () => {
  it('refuses a suspended institution with 403, writing nothing', async () => {
    const before = await tableSnapshot(cx.deps.store);
    const response = await cx.request('POST', '/v1/institutions/uni-s/credential-batches', { key: suspendedKey, body: { items: [issueBody()] } });
    await expectProblem(response, 403);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('refuses a run with an invalid item with 400 naming the item index and field, writing nothing', async () => {
    const before = await tableSnapshot(cx.deps.store);
    const items = Array.from({ length: 5 }, (_, i) => issueBody({ recipient: i === 3 ? { name: 'No Email', email: 'not-an-email' } : student('refused', i) }));
    const response = await cx.request('POST', '/v1/institutions/uni-a/credential-batches', { key, body: { items } });
    const problem = await expectProblem(response, 400);
    expect(problem.errors?.map((e) => e.field)).toEqual(['items.3.recipient.email']);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('refuses an item nested 40,000 levels deep with 400, writing nothing', async () => {
    const before = await tableSnapshot(cx.deps.store);
    const deep = `${'['.repeat(40_000)}${']'.repeat(40_000)}`;
    const body = `{"items":[${JSON.stringify(issueBody({ recipient: student('deep', 0) })).slice(0, -1)},"result":${deep}}]}`;
    const response = await cx.request('POST', '/v1/institutions/uni-a/credential-batches', { key, body });
    await expectProblem(response, 400);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('refuses another body under an Idempotency-Key already used with 422, starting nothing', async () => {
    const headers = { 'idempotency-key': 'refusal-run' };
    const first = await cx.request('POST', '/v1/institutions/uni-a/credential-batches', { key, headers, body: { items: [issueBody({ recipient: student('key-body', 0) })] } });
    expect(first.status).toBe(202);
    const other = await cx.request('POST', '/v1/institutions/uni-a/credential-batches', { key, headers, body: { items: [issueBody({ recipient: student('key-body', 1) })] } });
    await expectProblem(other, 422);
  });
});

describe('a graduation run of 300 items, three of them invalid', () => {
  const INVALID: Record<number, { body: unknown; status: number }> = {
    7: { body: issueBody({ recipient: student('grad', 7), validUntil: '2001-01-01T00:00:00Z' }), status: 400 },
    150: { body: issueBody({ code: 'NO-SUCH', recipient: student('grad', 150) }), status: 404 },
    299: { body: issueBody({ code: 'GONE-1', recipient: student('grad', 299) }), status: 409 },
  };
  let accepted: Json;
  let views: Json[];

  beforeAll(async () => {
    const items = Array.from({ length: 300 }, (_, i) => INVALID[i]?.body ?? issueBody({ recipient: student('grad', i) }));
    accepted = await submit(items);
    views = await followToTheEnd(accepted.id);
  }, 180_000);

  it('is accepted at once: 202 with its id, queued, and the total', () => {
    expect(accepted).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), status: 'queued', total: 300 });
  });

  it('shows progress: queued or running, counts that only grow, then done-with-errors', () => {
    expect(['queued', 'running']).toContain(views[0]!.status);
    for (const [previous, next] of views.slice(1).map((v, i) => [views[i]!, v])) {
      expect(next.issued + next.failed).toBeGreaterThanOrEqual(previous!.issued + previous!.failed);
    }
    expect(views.at(-1)).toMatchObject({ id: accepted.id, status: 'done-with-errors', total: 300, issued: 297, failed: 3 });
  });

  it('reports each invalid item by its index, with a problem', () => {
    const errors = [...views.at(-1)!.errors].sort((a: Json, b: Json) => a.index - b.index);
    expect(errors.map((e: Json) => [e.index, e.problem.status])).toEqual([
      [7, 400],
      [150, 404],
      [299, 409],
    ]);
    expect(errors[0].problem.errors.map((e: Json) => e.field)).toEqual(['validUntil']);
    for (const error of errors) expect(error.problem.detail).toEqual(expect.any(String));
  });

  it('issues every valid item exactly once', async () => {
    const counts = await credentialsPerStudent('grad', 300);
    expect(counts).toEqual(Array.from({ length: 300 }, (_, i) => (i in INVALID ? 0 : 1)));
  });

  it('issues credentials that verify', async () => {
    const response = await cx.request('GET', '/v1/institutions/uni-a/credentials?recipient=grad-0', { key });
    const [record] = ((await response.json()) as Json).items;
    const verified = await cx.request('POST', '/v1/credentials/verify', { body: { verifiableCredential: record.credential } });
    expect(await verified.json()).toMatchObject({ verified: true });
  });
});

describe('a run without invalid items', () => {
  it('ends done with no errors', async () => {
    const { id } = await submit(Array.from({ length: 5 }, (_, i) => issueBody({ recipient: student('clean', i) })));
    expect((await followToTheEnd(id)).at(-1)).toMatchObject({ status: 'done', total: 5, issued: 5, failed: 0, errors: [] });
  });
});

describe('a run started twice with one Idempotency-Key', () => {
  it('answers the first run (202, the same id) and issues every student one credential', async () => {
    const items = Array.from({ length: 20 }, (_, i) => issueBody({ recipient: student('twice', i) }));
    const headers = { 'idempotency-key': 'graduation-2025' };
    const [first, second] = await Promise.all([submit(items, headers), submit(items, headers)]);
    expect(second.id).toBe(first.id);
    const third = await submit(items, headers);
    expect(third.id).toBe(first.id);
    expect((await followToTheEnd(first.id)).at(-1)).toMatchObject({ status: 'done', issued: 20, failed: 0 });
    expect(await credentialsPerStudent('twice', 20)).toEqual(Array(20).fill(1));
  });
});

describe('a run of 100 items with 4,200-character narratives (more than one DynamoDB item holds)', () => {
  it('is accepted and issues every item', { timeout: 120_000 }, async () => {
    const evidence = [{ name: 'Thesis', narrative: 'a'.repeat(4200) }];
    const { id } = await submit(Array.from({ length: 100 }, (_, i) => issueBody({ recipient: student('long', i), evidence })));
    expect((await followToTheEnd(id)).at(-1)).toMatchObject({ status: 'done', total: 100, issued: 100, failed: 0 });
  });
});

describe('the errors of a run', () => {
  it('come in pages (limit, cursor) that together name every failed item once', async () => {
    const { id } = await submit(Array.from({ length: 25 }, (_, i) => issueBody({ code: 'NO-SUCH', recipient: student('paged', i) })));
    const last = (await followToTheEnd(id)).at(-1)!;
    expect(last).toMatchObject({ status: 'done-with-errors', failed: 25 });
    const seen: number[] = [];
    let query = '?limit=10';
    for (let page = 0; page < 5; page++) {
      const current = await view(id, query);
      expect(current.errors.length).toBeLessThanOrEqual(10);
      seen.push(...current.errors.map((e: Json) => e.index));
      if (!current.nextCursor) break;
      query = `?limit=10&cursor=${encodeURIComponent(current.nextCursor)}`;
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  it('refuses a cursor it did not give with 400', async () => {
    const { id } = await submit([issueBody({ code: 'NO-SUCH', recipient: student('bad-cursor', 0) })]);
    const response = await cx.request('GET', `/v1/institutions/uni-a/credential-batches/${id}?cursor=bm9wZQ`, { key });
    await expectProblem(response, 400);
  });
});

describe('a run where every Sign fails', () => {
  it('ends done-with-errors with every item reported', { timeout: 120_000 }, async () => {
    const failing = await testExchange({
      keyVault: {
        createKey: (labels) => cx.deps.keyVault.createKey(labels),
        publicKey: (ref) => cx.deps.keyVault.publicKey(ref),
        discardKey: (ref) => cx.deps.keyVault.discardKey(ref),
        sign: async () => Promise.reject(Object.assign(new Error('KMS is down'), { name: 'KMSInternalException', $metadata: { httpStatusCode: 500 } })),
      },
    });
    const failingKey = (await failing.onboard('uni-f')).apiKey;
    expect((await failing.request('PUT', '/v1/institutions/uni-f/components/ML-1', { key: failingKey, body: componentBody() })).status).toBe(201);
    const items = Array.from({ length: 12 }, (_, i) => issueBody({ recipient: student('unsigned', i) }));
    const started = await failing.request('POST', '/v1/institutions/uni-f/credential-batches', { key: failingKey, body: { items } });
    expect(started.status).toBe(202);
    const { id } = (await started.json()) as Json;
    const deadline = Date.now() + 100_000;
    let current: Json;
    do {
      await new Promise((r) => setTimeout(r, 200));
      current = (await (await failing.request('GET', `/v1/institutions/uni-f/credential-batches/${id}`, { key: failingKey })).json()) as Json;
    } while (current.status !== 'done-with-errors' && Date.now() < deadline);
    expect(current).toMatchObject({ status: 'done-with-errors', total: 12, issued: 0, failed: 12 });
    expect(current.errors.map((e: Json) => e.index)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    for (const error of current.errors) expect(error.problem).toMatchObject({ status: 503, detail: expect.stringContaining('not issued') });
  });
});
