/**
 * Agreements are versioned like catalogue entries: ETags, If-Match (412 when stale, also when
 * losing a race), no new version for an unchanged body, one partner per agreement, and an
 * audit record of every published version.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tableSnapshot } from '../../../test/support/dynamo.js';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { expectProblem, fieldsOf } from '../../../test/support/problem.js';
import { componentBody } from '../../catalogue/src/fixtures.js';
import { agreementBody, rule } from './fixtures.js';

type Json = Record<string, any>;

let cx: TestExchange;
const key: Record<string, string> = {};
let n = 0;

beforeAll(async () => {
  cx = await testExchange();
  for (const id of ['uni-a', 'uni-b', 'uni-c']) key[id] = (await cx.onboard(id)).apiKey;
  for (const [id, code] of [['uni-a', 'ML-1'], ['uni-a', 'DE-1'], ['uni-c', 'ML-1'], ['uni-b', 'OWN-1']] as const) {
    expect((await cx.request('PUT', `/v1/institutions/${id}/components/${code}`, { key: key[id], body: componentBody() })).status).toBe(201);
  }
});

const put = (id: string, body: unknown, headers: Record<string, string> = {}) =>
  cx.request('PUT', `/v1/institutions/uni-b/agreements/${id}`, { key: key['uni-b'], body, headers });

async function created(body: unknown = agreementBody('uni-a', [rule('ML-1')])): Promise<{ id: string; etag: string; agreement: Json }> {
  const id = `agr-${++n}`;
  const response = await put(id, body);
  expect(response.status, await response.clone().text()).toBe(201);
  return { id, etag: response.headers.get('etag')!, agreement: (await response.json()) as Json };
}

describe('PUT /v1/institutions/{id}/agreements/{agreementId}', () => {
  it('creates version 1 with an ETag, the rules flagged against the partner’s current versions', async () => {
    const { id, etag, agreement } = await created(agreementBody('uni-a', [rule('ML-1', { component: 'OWN-1', ects: 4, minGrade: 'B', maxAgeYears: 5 })], { notes: 'Erasmus+ 2026' }));
    expect(etag).toBe('"1"');
    expect(agreement).toEqual({
      institution: 'uni-b',
      id,
      partner: 'uni-a',
      validFrom: '2026-01-01',
      notes: 'Erasmus+ 2026',
      rules: [{ partnerComponent: 'ML-1', reviewedVersion: 1, recognisedAs: { component: 'OWN-1', ects: 4 }, minGrade: 'B', maxAgeYears: 5, needsReview: false, currentVersion: 1 }],
      version: 1,
      updatedAt: expect.any(String),
    });
  });

  it('answers 200 with the same version for an unchanged body, writing nothing', async () => {
    const { id } = await created();
    const before = await tableSnapshot(cx.deps.store);
    const response = await put(id, agreementBody('uni-a', [rule('ML-1')]));
    expect(response.status).toBe(200);
    expect(((await response.json()) as Json).version).toBe(1);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('makes version 2 of a changed body when If-Match names version 1', async () => {
    const { id, etag } = await created();
    const response = await put(id, agreementBody('uni-a', [rule('ML-1'), rule('DE-1', { ects: 3 })]), { 'if-match': etag });
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('"2"');
    expect(((await response.json()) as Json).rules).toHaveLength(2);
  });

  it('answers 412 to a stale If-Match, writing nothing', async () => {
    const { id, etag } = await created();
    expect((await put(id, agreementBody('uni-a', [rule('DE-1')]), { 'if-match': etag })).status).toBe(200);
    const before = await tableSnapshot(cx.deps.store);
    const problem = await expectProblem(await put(id, agreementBody('uni-a', [rule('ML-1', { ects: 1 })]), { 'if-match': etag }), 412);
    expect(problem).toMatchObject({ currentVersion: 2 });
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('answers 412 to If-Match on an agreement that does not exist yet', async () => {
    await expectProblem(await put('never-made', agreementBody('uni-a', [rule('ML-1')]), { 'if-match': '"1"' }), 412);
  });

  it('lets exactly one of two changes with the same If-Match through; the other gets 412', async () => {
    const { id, etag } = await created();
    const answers = await Promise.all([
      put(id, agreementBody('uni-a', [rule('ML-1', { ects: 2 })]), { 'if-match': etag }),
      put(id, agreementBody('uni-a', [rule('ML-1', { ects: 3 })]), { 'if-match': etag }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 412]);
  });

  it('refuses to move an agreement to another partner, naming partner', async () => {
    const { id } = await created();
    const problem = await expectProblem(await put(id, agreementBody('uni-c', [rule('ML-1')])), 400);
    expect(fieldsOf(problem)).toEqual(['partner']);
  });

  it('records every published version in the audit log with who published it', async () => {
    const { id, etag } = await created();
    await put(id, agreementBody('uni-a', [rule('DE-1')]), { 'if-match': etag });
    const page = (await (await cx.request('GET', '/v1/audit?institution=uni-b&limit=100', { key: cx.adminKey })).json()) as Json;
    const records = (page.items as Json[]).filter((r) => r.target === `institutions/uni-b/agreements/${id}`);
    expect(records.map((r) => [r.action, r.actor.id, r.details.version])).toEqual([
      ['agreement.publish', 'uni-b', 2],
      ['agreement.publish', 'uni-b', 1],
    ]);
  });
});

describe('GET /v1/institutions/{id}/agreements[/{agreementId}]', () => {
  it('answers one agreement with its ETag', async () => {
    const { id } = await created();
    const response = await cx.request('GET', `/v1/institutions/uni-b/agreements/${id}`, { key: key['uni-b'] });
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('"1"');
    expect(((await response.json()) as Json).id).toBe(id);
  });

  it('answers 404 for an agreement that does not exist', async () => {
    await expectProblem(await cx.request('GET', '/v1/institutions/uni-b/agreements/nope', { key: key['uni-b'] }), 404);
  });

  it('lists the institution’s agreements in pages', async () => {
    const { id } = await created();
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const response = await cx.request('GET', `/v1/institutions/uni-b/agreements?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { key: key['uni-b'] });
      expect(response.status).toBe(200);
      const page = (await response.json()) as Json;
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((a: Json) => a.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toContain(id);
    expect(new Set(seen).size).toBe(seen.length);
  });
});
