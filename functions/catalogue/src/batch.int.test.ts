/**
 * Batch import of components: a result per item, valid items stored even when others
 * fail, a retry that changes nothing, and the limits on items and body size.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tableSnapshot } from '../../../test/support/dynamo.js';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { expectProblem, fieldsOf } from '../../../test/support/problem.js';
import { componentBody } from './fixtures.js';

let cx: TestExchange;
let key: string;

beforeAll(async () => {
  cx = await testExchange();
  key = (await cx.onboard('uni-a')).apiKey;
});

interface BatchResult {
  results: Array<{ index: number; code?: string; outcome: string; version?: number; problem?: { detail: string; errors?: Array<{ field: string }> } }>;
  summary: Record<string, number>;
}

const importBatch = (items: unknown[]) => cx.request('POST', '/v1/institutions/uni-a/components:batch', { key, body: { items } });

async function imported(items: unknown[]): Promise<BatchResult> {
  const response = await importBatch(items);
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return JSON.parse(text) as BatchResult;
}

const item = (code: string, overrides: Record<string, unknown> = {}) => ({ code, ...componentBody(overrides) });

// tableSnapshot reads one Scan page (1 MB): the "writes nothing" tests run before the large imports
describe('POST /v1/institutions/{id}/components:batch', () => {
  const mixed = [
    item('MIX-1'),
    item('MIX-2', { ects: 0.3 }),
    item('MIX-3', { title: 'Second valid item' }),
    { ...item('MIX-4'), iscedField: '9999', languages: ['xx'] },
    item('bad code!'),
    item('MIX-1', { title: 'Same code again' }),
    { code: 'MIX-7', title: 'Only a title' },
    item('MIX-8', { colour: 'blue' }),
  ];

  it('stores the valid items of a mixed batch and answers an outcome and field errors per item', async () => {
    const body = await imported(mixed);
    const byIndex = (index: number) => body.results.find((r) => r.index === index)!;
    expect(body.results.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(byIndex(0)).toMatchObject({ code: 'MIX-1', outcome: 'created', version: 1 });
    expect(byIndex(2)).toMatchObject({ code: 'MIX-3', outcome: 'created', version: 1 });
    const fields = (index: number) => [...new Set(byIndex(index).problem?.errors?.map((e) => e.field))];
    expect(byIndex(1)).toMatchObject({ code: 'MIX-2', outcome: 'invalid' });
    expect(fields(1)).toEqual(['ects']);
    expect(fields(3)).toEqual(['iscedField', 'languages.0']);
    expect(fields(4)).toEqual(['code']);
    expect(byIndex(5)).toMatchObject({ code: 'MIX-1', outcome: 'invalid' });
    expect(fields(5)).toEqual(['code']);
    expect(fields(6)).toEqual(expect.arrayContaining(['description', 'learningOutcomes', 'ects', 'eqfLevel', 'iscedField', 'languages', 'assessment', 'participation', 'qualityAssurance']));
    expect(fields(7)).toEqual(['colour']);
    expect(body.summary).toEqual({ created: 2, updated: 0, unchanged: 0, invalid: 6, failed: 0 });

    expect(await (await cx.request('GET', '/v1/institutions/uni-a/components/MIX-1')).json()).toMatchObject({ title: componentBody().title, version: 1 });
    expect((await cx.request('GET', '/v1/institutions/uni-a/components/MIX-3')).status).toBe(200);
    for (const code of ['MIX-2', 'MIX-4', 'MIX-7', 'MIX-8']) expect((await cx.request('GET', `/v1/institutions/uni-a/components/${code}`)).status).toBe(404);
  });

  it('changes nothing when the same request is sent again', async () => {
    const before = await tableSnapshot(cx.deps.store);
    const body = await imported(mixed);
    expect(body.results.map((r) => r.outcome)).toEqual(['unchanged', 'invalid', 'unchanged', 'invalid', 'invalid', 'invalid', 'invalid', 'invalid']);
    expect(body.results[0]).toMatchObject({ version: 1 });
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('answers updated with the new version for items whose content changed', async () => {
    await imported([item('UPD-1'), item('UPD-2')]);
    const body = await imported([item('UPD-1', { ects: 10 }), item('UPD-2'), item('UPD-3')]);
    expect(body.results.map((r) => [r.code, r.outcome, r.version])).toEqual([
      ['UPD-1', 'updated', 2],
      ['UPD-2', 'unchanged', 1],
      ['UPD-3', 'created', 1],
    ]);
  });

  it('refuses 501 items with 400 naming items, and writes nothing', async () => {
    const items = Array.from({ length: 501 }, (_, i) => item(`OVER-${i}`));
    const before = await tableSnapshot(cx.deps.store);
    const problem = await expectProblem(await importBatch(items), 400);
    expect(fieldsOf(problem)).toEqual(['items']);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('accepts 500 items in one call', async () => {
    const items = Array.from({ length: 500 }, (_, i) => item(`FULL-${i}`, { ects: 0.5 + (i % 10) }));
    const body = await imported(items);
    expect(body.results).toHaveLength(500);
    expect(body.summary).toEqual({ created: 500, updated: 0, unchanged: 0, invalid: 0, failed: 0 });
    expect(await (await cx.request('GET', '/v1/institutions/uni-a/components/FULL-499')).json()).toMatchObject({ ects: 9.5 });
  });

  it('refuses an empty batch with 400 naming items', async () => {
    expect(fieldsOf(await expectProblem(await importBatch([]), 400))).toEqual(['items']);
  });

  it('accepts a body larger than the usual 256 KB limit', async () => {
    const long = 'A description long enough to make the batch body large. '.repeat(16);
    const items = Array.from({ length: 400 }, (_, i) => item(`BIG-${i}`, { description: long }));
    expect(JSON.stringify({ items }).length).toBeGreaterThan(256 * 1024);
    const body = await imported(items);
    expect(body.summary.created).toBe(400);
  });

  it('still limits a single PUT to 256 KB', async () => {
    const huge = componentBody({ learningOutcomes: Array.from({ length: 30 }, () => 'x'.repeat(9_000)) });
    expect(JSON.stringify(huge).length).toBeGreaterThan(256 * 1024);
    await expectProblem(await cx.request('PUT', '/v1/institutions/uni-a/components/HUGE', { key, body: huge }), 413);
  });

  it('answers 413 to a batch body above the batch limit', async () => {
    const items = Array.from({ length: 500 }, (_, i) => item(`TOO-BIG-${i}`, { learningOutcomes: Array.from({ length: 15 }, () => 'y'.repeat(1000)) }));
    expect(JSON.stringify({ items }).length).toBeGreaterThan(5 * 1024 * 1024);
    await expectProblem(await importBatch(items), 413);
    expect((await cx.request('GET', '/v1/institutions/uni-a/components/TOO-BIG-0')).status).toBe(404);
  });
});
