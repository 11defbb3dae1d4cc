/**
 * Withdrawal and the audit trail: a withdrawn entry stays readable but leaves the default
 * searches, and every catalogue write (publish, change, withdraw, batch) is audited.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tableSnapshot } from '../../../test/support/dynamo.js';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { expectProblem } from '../../../test/support/problem.js';
import { badgeBody, componentBody, degreeBody } from './fixtures.js';

let cx: TestExchange;
let key: string;

beforeAll(async () => {
  cx = await testExchange();
  key = (await cx.onboard('uni-a')).apiKey;
  expect((await cx.request('PUT', '/v1/institutions/uni-a/components/PART-1', { key, body: componentBody() })).status).toBe(201);
});

const KINDS = [
  { plural: 'components', body: () => componentBody() },
  { plural: 'micro-degrees', body: () => degreeBody([{ institution: 'uni-a', code: 'PART-1' }]) },
  { plural: 'badges', body: () => badgeBody() },
];

interface Entry {
  code: string;
  version: number;
  status: string;
}

async function searchCodes(plural: string, query = ''): Promise<string[]> {
  const response = await cx.request('GET', `/v1/${plural}?institution=uni-a&limit=100${query}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { items: Entry[] }).items.map((e) => e.code);
}

describe.each(KINDS)('withdrawing $plural', ({ plural, body }) => {
  let n = 0;
  /** Publishes a new entry (twice, so that it has two versions) and returns its path and code. */
  async function published(): Promise<{ path: string; code: string }> {
    const code = `W-${++n}`;
    const path = `/v1/institutions/uni-a/${plural}/${code}`;
    expect((await cx.request('PUT', path, { key, body: body() })).status).toBe(201);
    const changed = { ...body(), description: 'A second version of the description.' };
    expect((await cx.request('PUT', path, { key, body: changed })).status).toBe(200);
    return { path, code };
  }

  it('answers 200 with the entry marked withdrawn and its version kept', async () => {
    const { path } = await published();
    const response = await cx.request('DELETE', path, { key });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'withdrawn', version: 2, description: 'A second version of the description.' });
  });

  it('keeps the entry and its versions readable, marked withdrawn', async () => {
    const { path } = await published();
    await cx.request('DELETE', path, { key });
    const latest = await cx.request('GET', path);
    expect(latest.status).toBe(200);
    expect(await latest.json()).toMatchObject({ status: 'withdrawn', version: 2 });
    const first = await cx.request('GET', `${path}/versions/1`);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ version: 1, description: body().description, status: 'withdrawn' });
  });

  it('removes the entry from the default search and lists it under status=withdrawn', async () => {
    const { path, code } = await published();
    expect(await searchCodes(plural)).toContain(code);
    await cx.request('DELETE', path, { key });
    expect(await searchCodes(plural)).not.toContain(code);
    expect(await searchCodes(plural, '&status=withdrawn')).toContain(code);
    expect(await searchCodes(plural, '&status=active')).not.toContain(code);
  });

  it('answers a second withdrawal with the same entry and writes nothing', async () => {
    const { path } = await published();
    const first = await (await cx.request('DELETE', path, { key })).json();
    const before = await tableSnapshot(cx.deps.store);
    const again = await cx.request('DELETE', path, { key });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(first);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('answers 404 to withdrawing an entry that does not exist, and writes nothing', async () => {
    const before = await tableSnapshot(cx.deps.store);
    await expectProblem(await cx.request('DELETE', `/v1/institutions/uni-a/${plural}/NEVER`, { key }), 404);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('makes a withdrawn entry active again when its owner publishes it again', async () => {
    const { path, code } = await published();
    await cx.request('DELETE', path, { key });
    const response = await cx.request('PUT', path, { key, body: { ...body(), description: 'Back, with a third version.' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'active', version: 3 });
    expect(await searchCodes(plural)).toContain(code);
    expect(await searchCodes(plural, '&status=withdrawn')).not.toContain(code);
  });
});

describe('the audit trail of catalogue writes', () => {
  interface AuditRecord {
    action: string;
    target: string;
    institution: string;
    actor: { kind: string; id: string };
    details: { version: number };
  }

  async function auditOf(target: string): Promise<AuditRecord[]> {
    const response = await cx.request('GET', '/v1/audit?institution=uni-a&limit=100', { key: cx.adminKey });
    expect(response.status).toBe(200);
    const records = ((await response.json()) as { items: AuditRecord[] }).items;
    // newest first: turned round to read as a history
    return records.filter((r) => r.target === target).reverse();
  }

  it.each([
    ['components', 'component', componentBody],
    ['micro-degrees', 'micro-degree', () => degreeBody([{ institution: 'uni-a', code: 'PART-1' }])],
    ['badges', 'badge', badgeBody],
  ] as const)('records who published, changed and withdrew %s, and nothing for an unchanged PUT', async (plural, kind, body) => {
    const path = `/v1/institutions/uni-a/${plural}/AUDITED`;
    await cx.request('PUT', path, { key, body: body() });
    await cx.request('PUT', path, { key, body: body() });
    await cx.request('PUT', path, { key, body: { ...body(), description: 'Changed.' } });
    await cx.request('DELETE', path, { key });

    const records = await auditOf(`institutions/uni-a/${plural}/AUDITED`);
    expect(records.map((r) => [r.action, r.details.version])).toEqual([
      [`catalogue.${kind}.publish`, 1],
      [`catalogue.${kind}.publish`, 2],
      [`catalogue.${kind}.withdraw`, 2],
    ]);
    for (const record of records) expect(record).toMatchObject({ institution: 'uni-a', actor: { kind: 'institution', id: 'uni-a' } });
  });

  it('records every entry a batch import creates or changes, and none it leaves unchanged', async () => {
    const items = [
      { code: 'BATCH-A', ...componentBody() },
      { code: 'BATCH-B', ...componentBody() },
    ];
    await cx.request('POST', '/v1/institutions/uni-a/components:batch', { key, body: { items } });
    await cx.request('POST', '/v1/institutions/uni-a/components:batch', {
      key,
      body: { items: [items[0], { ...items[1], title: 'Changed in the second import' }] },
    });
    expect((await auditOf('institutions/uni-a/components/BATCH-A')).map((r) => r.details.version)).toEqual([1]);
    expect((await auditOf('institutions/uni-a/components/BATCH-B')).map((r) => r.details.version)).toEqual([1, 2]);
  });
});
