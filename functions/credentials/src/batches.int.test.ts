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

async function submit(items: unknown[]): Promise<Json> {
  const response = await cx.request('POST', '/v1/institutions/uni-a/credential-batches', { key, body: { items } });
  expect(response.status, await response.clone().text()).toBe(202);
  expect(response.headers.get('location')).toMatch(/^\/v1\/institutions\/uni-a\/credential-batches\/[0-9a-f-]{36}$/);
  return (await response.json()) as Json;
}

async function view(id: string): Promise<Json> {
  const response = await cx.request('GET', `/v1/institutions/uni-a/credential-batches/${id}`, { key });
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
});

describe('a graduation run of 300 items, three of them invalid', () => {
  const INVALID: Record<number, { body: unknown; status: number }> = {
    7: { body: issueBody({ recipient: { name: 'No Email', email: 'not-an-email' } }), status: 400 },
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
    expect(errors[0].problem.errors.map((e: Json) => e.field)).toEqual(['recipient.email']);
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
