/**
 * Versions and ETags of catalogue entries, for each kind: a change of content makes a new
 * version, an identical PUT writes nothing, every version stays readable, and If-Match
 * keeps two editors from overwriting each other.
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
  // components the micro-degrees below are made of
  for (const code of ['PART-1', 'PART-2']) {
    expect((await cx.request('PUT', `/v1/institutions/uni-a/components/${code}`, { key, body: componentBody() })).status).toBe(201);
  }
});

const parts = [
  { institution: 'uni-a', code: 'PART-1' },
  { institution: 'uni-a', code: 'PART-2' },
];

/** Three successive contents of an entry of each kind, and the field that tells them apart. */
const KINDS = [
  {
    plural: 'components',
    versions: [componentBody({ title: 'Databases I' }), componentBody({ title: 'Databases II' }), componentBody({ title: 'Databases III', ects: 6 })],
    field: 'title',
  },
  {
    plural: 'micro-degrees',
    versions: [degreeBody(parts, { title: 'Data I' }), degreeBody(parts, { title: 'Data II' }), degreeBody(parts.slice(0, 1), { title: 'Data III' })],
    field: 'title',
  },
  {
    plural: 'badges',
    versions: [badgeBody({ name: 'Mentor I' }), badgeBody({ name: 'Mentor II' }), badgeBody({ name: 'Mentor III', evidenceRequired: true })],
    field: 'name',
  },
];

describe.each(KINDS)('versions of $plural', ({ plural, versions, field }) => {
  let n = 0;
  /** A path for an entry no other test uses. */
  const freshPath = () => `/v1/institutions/uni-a/${plural}/V-${++n}`;
  const put = (path: string, body: unknown, headers: Record<string, string> = {}) => cx.request('PUT', path, { key, body, headers });

  it('creates the entry as version 1 with 201 and ETag "1"', async () => {
    const path = freshPath();
    const response = await put(path, versions[0]);
    expect(response.status).toBe(201);
    expect(response.headers.get('etag')).toBe('"1"');
    const entry = (await response.json()) as Record<string, unknown>;
    expect(entry).toMatchObject({ ...versions[0], institution: 'uni-a', code: path.split('/').at(-1), version: 1, status: 'active' });
    expect(Date.parse(entry.updatedAt as string)).not.toBeNaN();
  });

  it('serves the latest version with its ETag on GET', async () => {
    const path = freshPath();
    await put(path, versions[0]);
    await put(path, versions[1]);
    const response = await cx.request('GET', path);
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('"2"');
    expect(await response.json()).toMatchObject({ [field]: (versions[1] as Record<string, unknown>)[field], version: 2 });
  });

  it('answers an identical PUT with 200, keeps version 1 and writes nothing', async () => {
    const path = freshPath();
    const created = (await (await put(path, versions[0])).json()) as Record<string, unknown>;
    const before = await tableSnapshot(cx.deps.store);
    const response = await put(path, versions[0]);
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('"1"');
    expect(await response.json()).toEqual(created);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('treats the same content with its keys in another order as identical', async () => {
    const path = freshPath();
    await put(path, versions[0]);
    const reordered = Object.fromEntries(Object.entries(versions[0]!).reverse());
    const response = await put(path, reordered);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { version: number }).version).toBe(1);
  });

  it('makes version 2 with 200 and ETag "2" when the content changes', async () => {
    const path = freshPath();
    await put(path, versions[0]);
    const response = await put(path, versions[1]);
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('"2"');
    expect(await response.json()).toMatchObject({ ...versions[1], version: 2, status: 'active' });
  });

  it('keeps every earlier version readable with its own content', async () => {
    const path = freshPath();
    for (const body of versions) await put(path, body);
    for (const [index, body] of versions.entries()) {
      const response = await cx.request('GET', `${path}/versions/${index + 1}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toContain('immutable');
      const entry = (await response.json()) as Record<string, unknown>;
      expect(entry).toMatchObject({ ...body, version: index + 1 });
      if (plural === 'components') expect(entry.ects).toBe((body as { ects: number }).ects);
    }
  });

  it('answers 404 for a version that was never made', async () => {
    const path = freshPath();
    await put(path, versions[0]);
    await expectProblem(await cx.request('GET', `${path}/versions/2`), 404);
  });

  it('answers 404 for an entry that does not exist', async () => {
    await expectProblem(await cx.request('GET', freshPath()), 404);
  });

  it('changes the entry when If-Match names the current version', async () => {
    const path = freshPath();
    await put(path, versions[0]);
    const response = await put(path, versions[1], { 'if-match': '"1"' });
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('"2"');
  });

  it('changes an existing entry under If-Match: *', async () => {
    const path = freshPath();
    await put(path, versions[0]);
    expect((await put(path, versions[1], { 'if-match': '*' })).status).toBe(200);
  });

  it('answers 412 to a stale If-Match and writes nothing', async () => {
    const path = freshPath();
    await put(path, versions[0]);
    await put(path, versions[1]);
    const before = await tableSnapshot(cx.deps.store);
    await expectProblem(await put(path, versions[2], { 'if-match': '"1"' }), 412);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
    expect(((await (await cx.request('GET', path)).json()) as { version: number }).version).toBe(2);
  });

  it('answers 412 to If-Match on an entry that does not exist, and creates nothing', async () => {
    const path = freshPath();
    const before = await tableSnapshot(cx.deps.store);
    await expectProblem(await put(path, versions[0], { 'if-match': '"1"' }), 412);
    await expectProblem(await put(path, versions[0], { 'if-match': '*' }), 412);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
    await expectProblem(await cx.request('GET', path), 404);
  });

  it('lets exactly one of two editors holding the same ETag make the next version', async () => {
    const path = freshPath();
    await put(path, versions[0]);
    const answers = await Promise.all([put(path, versions[1], { 'if-match': '"1"' }), put(path, versions[2], { 'if-match': '"1"' })]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 412]);
    const winner = answers.find((r) => r.status === 200)!;
    const current = (await (await cx.request('GET', path)).json()) as Record<string, unknown>;
    expect(current).toEqual(await winner.json());
    expect(current.version).toBe(2);
    await expectProblem(await cx.request('GET', `${path}/versions/3`), 404);
  });
});
