/**
 * Who may write a catalogue, and what a write must look like: only the owning, active
 * institution writes; every malformed field is a 400 naming it; refused writes write nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tableSnapshot } from '../../../test/support/dynamo.js';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { expectProblem, fieldsOf } from '../../../test/support/problem.js';
import { badgeBody, componentBody, degreeBody } from './fixtures.js';

let cx: TestExchange;
const key: Record<string, string> = {};
const PART = { institution: 'uni-a', code: 'PART-1' };

beforeAll(async () => {
  cx = await testExchange();
  for (const id of ['uni-a', 'uni-b', 'uni-s']) key[id] = (await cx.onboard(id)).apiKey;
  expect((await cx.request('PUT', '/v1/institutions/uni-a/components/PART-1', { key: key['uni-a'], body: componentBody() })).status).toBe(201);
  // uni-s publishes one entry of each kind, then is suspended
  const s = key['uni-s'];
  expect((await cx.request('PUT', '/v1/institutions/uni-s/components/S-1', { key: s, body: componentBody({ iscedField: '0231' }) })).status).toBe(201);
  expect((await cx.request('PUT', '/v1/institutions/uni-s/micro-degrees/S-1', { key: s, body: degreeBody([PART]) })).status).toBe(201);
  expect((await cx.request('PUT', '/v1/institutions/uni-s/badges/S-1', { key: s, body: badgeBody() })).status).toBe(201);
  expect((await cx.request('POST', '/v1/institutions/uni-s/suspend', { key: cx.adminKey })).status).toBe(200);
});

interface Write {
  name: string;
  method: string;
  path: (institution: string) => string;
  body?: unknown;
}

const WRITES: Write[] = [
  { name: 'PUT a component', method: 'PUT', path: (id) => `/v1/institutions/${id}/components/NEW-1`, body: componentBody() },
  { name: 'DELETE a component', method: 'DELETE', path: (id) => `/v1/institutions/${id}/components/S-1` },
  { name: 'PUT a micro-degree', method: 'PUT', path: (id) => `/v1/institutions/${id}/micro-degrees/NEW-1`, body: degreeBody([PART]) },
  { name: 'DELETE a micro-degree', method: 'DELETE', path: (id) => `/v1/institutions/${id}/micro-degrees/S-1` },
  { name: 'PUT a badge', method: 'PUT', path: (id) => `/v1/institutions/${id}/badges/NEW-1`, body: badgeBody() },
  { name: 'DELETE a badge', method: 'DELETE', path: (id) => `/v1/institutions/${id}/badges/S-1` },
  { name: 'POST a batch', method: 'POST', path: (id) => `/v1/institutions/${id}/components:batch`, body: { items: [{ code: 'NEW-1', ...componentBody() }] } },
];

/** Sends `write` on `institution`'s catalogue and checks the refusal and that nothing was written. */
async function expectRefused(write: Write, institution: string, authorization: string | undefined, status: number, body = write.body) {
  const before = await tableSnapshot(cx.deps.store);
  const response = await cx.request(write.method, write.path(institution), { body, headers: authorization ? { authorization } : {} });
  await expectProblem(response, status);
  expect(await tableSnapshot(cx.deps.store)).toEqual(before);
}

describe.each(WRITES)('$name', (write) => {
  it('answers 401 without a key', () => expectRefused(write, 'uni-s', undefined, 401));

  it("answers 403 to another institution's key", () => expectRefused(write, 'uni-s', `Bearer ${key['uni-a']}`, 403));

  it('answers 403 to the admin key: admins do not publish for an institution', () => expectRefused(write, 'uni-s', `Bearer ${cx.adminKey}`, 403));

  it('answers 403 to a suspended institution on its own catalogue', () => expectRefused(write, 'uni-s', `Bearer ${key['uni-s']}`, 403));
});

describe.each(WRITES.filter((write) => write.body !== undefined))('$name with an invalid body', (write) => {
  it("answers 403 to another institution's key, before looking at the body", () => expectRefused(write, 'uni-s', `Bearer ${key['uni-a']}`, 403, { title: 42 }));
});

describe('a suspended institution', () => {
  it.each(['components', 'micro-degrees', 'badges'])('keeps its %s readable', async (plural) => {
    expect((await cx.request('GET', `/v1/institutions/uni-s/${plural}/S-1`)).status).toBe(200);
    expect((await cx.request('GET', `/v1/institutions/uni-s/${plural}/S-1/versions/1`)).status).toBe(200);
    const search = (await (await cx.request('GET', `/v1/${plural}?institution=uni-s`)).json()) as { items: Array<{ code: string; status: string }> };
    expect(search.items).toEqual([expect.objectContaining({ code: 'S-1', status: 'active' })]);
  });

  it('publishes again once reinstated', async () => {
    const exchange = await testExchange();
    const { apiKey } = await exchange.onboard('uni-r');
    await exchange.request('POST', '/v1/institutions/uni-r/suspend', { key: exchange.adminKey });
    await expectProblem(await exchange.request('PUT', '/v1/institutions/uni-r/components/R-1', { key: apiKey, body: componentBody() }), 403);
    await exchange.request('POST', '/v1/institutions/uni-r/reinstate', { key: exchange.adminKey });
    expect((await exchange.request('PUT', '/v1/institutions/uni-r/components/R-1', { key: apiKey, body: componentBody() })).status).toBe(201);
  });
});

/** Sends a PUT that must be refused with 400 naming exactly `fields`, and checks that nothing was written. */
async function expectInvalid(plural: string, body: unknown, fields: string[]) {
  const before = await tableSnapshot(cx.deps.store);
  const problem = await expectProblem(await cx.request('PUT', `/v1/institutions/uni-a/${plural}/BAD-1`, { key: key['uni-a'], body }), 400);
  expect([...new Set(fieldsOf(problem))].sort()).toEqual([...fields].sort());
  for (const error of problem.errors ?? []) expect(error.message.length).toBeGreaterThan(0);
  expect(await tableSnapshot(cx.deps.store)).toEqual(before);
}

const without = (body: Record<string, unknown>, field: string) => {
  const copy = { ...body };
  delete copy[field];
  return copy;
};

describe('PUT /v1/institutions/{id}/components/{code} with a bad body', () => {
  const c = componentBody();
  const cases: Array<[string, unknown, string[]]> = [
    ['title missing', without(c, 'title'), ['title']],
    ['title empty', componentBody({ title: '' }), ['title']],
    ['title blank', componentBody({ title: '   ' }), ['title']],
    ['title a number', componentBody({ title: 5 }), ['title']],
    ['title of 301 characters', componentBody({ title: 'x'.repeat(301) }), ['title']],
    ['description empty', componentBody({ description: '' }), ['description']],
    ['description missing', without(c, 'description'), ['description']],
    ['learningOutcomes empty', componentBody({ learningOutcomes: [] }), ['learningOutcomes']],
    ['learningOutcomes with 31 items', componentBody({ learningOutcomes: Array.from({ length: 31 }, (_, i) => `Outcome ${i}`) }), ['learningOutcomes']],
    ['learningOutcomes with an empty item', componentBody({ learningOutcomes: ['Fine', ''] }), ['learningOutcomes.1']],
    ['learningOutcomes a string', componentBody({ learningOutcomes: 'Explain things' }), ['learningOutcomes']],
    ['ects 0', componentBody({ ects: 0 }), ['ects']],
    ['ects 0.3', componentBody({ ects: 0.3 }), ['ects']],
    ['ects 5.25', componentBody({ ects: 5.25 }), ['ects']],
    ['ects 60.5', componentBody({ ects: 60.5 }), ['ects']],
    ['ects 61', componentBody({ ects: 61 }), ['ects']],
    ['ects "5"', componentBody({ ects: '5' }), ['ects']],
    ['ects missing', without(c, 'ects'), ['ects']],
    ['eqfLevel 0', componentBody({ eqfLevel: 0 }), ['eqfLevel']],
    ['eqfLevel 9', componentBody({ eqfLevel: 9 }), ['eqfLevel']],
    ['eqfLevel 2.5', componentBody({ eqfLevel: 2.5 }), ['eqfLevel']],
    ['eqfLevel "6"', componentBody({ eqfLevel: '6' }), ['eqfLevel']],
    ['iscedField "061" (narrow, not detailed)', componentBody({ iscedField: '061' }), ['iscedField']],
    ['iscedField "9999"', componentBody({ iscedField: '9999' }), ['iscedField']],
    ['iscedField "0614" (no such field)', componentBody({ iscedField: '0614' }), ['iscedField']],
    ['iscedField "abcd"', componentBody({ iscedField: 'abcd' }), ['iscedField']],
    ['iscedField 613', componentBody({ iscedField: 613 }), ['iscedField']],
    ['languages ["xx"]', componentBody({ languages: ['xx'] }), ['languages.0']],
    ['languages ["en", "EN"]', componentBody({ languages: ['en', 'EN'] }), ['languages.1']],
    ['languages []', componentBody({ languages: [] }), ['languages']],
    ['languages listing en twice', componentBody({ languages: ['en', 'en'] }), ['languages']],
    ['languages "en"', componentBody({ languages: 'en' }), ['languages']],
    ['assessment.type unknown', componentBody({ assessment: { type: 'essay', supervision: 'supervised' } }), ['assessment.type']],
    ['assessment.supervision unknown', componentBody({ assessment: { type: 'project', supervision: 'proctored' } }), ['assessment.supervision']],
    ['assessment missing', without(c, 'assessment'), ['assessment']],
    ['assessment with an unknown field', componentBody({ assessment: { type: 'project', supervision: 'supervised', weight: 1 } }), ['assessment.weight']],
    ['participation unknown', componentBody({ participation: 'hybrid' }), ['participation']],
    ['qualityAssurance missing', without(c, 'qualityAssurance'), ['qualityAssurance']],
    ['qualityAssurance empty', componentBody({ qualityAssurance: '' }), ['qualityAssurance']],
    ['prerequisites empty', componentBody({ prerequisites: '' }), ['prerequisites']],
    ['stackableTowards with a bad institution', componentBody({ stackableTowards: [{ institution: 'Uni A', code: 'MD-1' }] }), ['stackableTowards.0.institution']],
    ['stackableTowards without a code', componentBody({ stackableTowards: [{ institution: 'uni-b' }] }), ['stackableTowards.0.code']],
    ['stackableTowards with a bad code', componentBody({ stackableTowards: [{ institution: 'uni-b', code: '-x' }] }), ['stackableTowards.0.code']],
    ['stackableTowards with an unknown field', componentBody({ stackableTowards: [{ institution: 'uni-b', code: 'MD-1', kind: 'md' }] }), ['stackableTowards.0.kind']],
    ['stackableTowards listing a reference twice', componentBody({ stackableTowards: [{ institution: 'uni-b', code: 'MD-1' }, { institution: 'uni-b', code: 'MD-1' }] }), ['stackableTowards.1']],
    ['stackableTowards a string', componentBody({ stackableTowards: 'uni-b/MD-1' }), ['stackableTowards']],
    ['url "ftp://x"', componentBody({ url: 'ftp://x' }), ['url']],
    ['url not a URL', componentBody({ url: 'course page' }), ['url']],
    ['validFrom not a date', componentBody({ validFrom: '01/09/2026' }), ['validFrom']],
    ['validFrom a date that does not exist', componentBody({ validFrom: '2026-02-30' }), ['validFrom']],
    ['validFrom a timestamp', componentBody({ validFrom: '2026-09-01T00:00:00Z' }), ['validFrom']],
    ['validUntil before validFrom', componentBody({ validFrom: '2026-09-01', validUntil: '2026-08-31' }), ['validUntil']],
    ['an unknown field', componentBody({ colour: 'blue' }), ['colour']],
    ['two unknown fields', componentBody({ colour: 'blue', size: 'L' }), ['colour', 'size']],
    ['a field the exchange sets (version)', componentBody({ version: 7 }), ['version']],
    ['a field the exchange sets (institution)', componentBody({ institution: 'uni-b' }), ['institution']],
  ];

  it.each(cases)('answers 400 for %s, naming the field', (_name, body, fields) => expectInvalid('components', body, fields));

  it('names every bad field at once', () =>
    expectInvalid('components', componentBody({ ects: 0, eqfLevel: 9, languages: ['xx'] }), ['ects', 'eqfLevel', 'languages.0']));

  it('answers 400 for a body that is not an object', () => expectInvalid('components', [componentBody()], ['(body)']));

  it('accepts every optional field when it is well formed', async () => {
    const body = componentBody({
      prerequisites: 'Linear algebra',
      stackableTowards: [{ institution: 'uni-b', code: 'MD-1' }],
      url: 'https://uni-a.example.edu/courses/ml',
      validFrom: '2026-09-01',
      validUntil: '2026-09-01',
      ects: 60,
      eqfLevel: 8,
    });
    const response = await cx.request('PUT', '/v1/institutions/uni-a/components/GOOD-1', { key: key['uni-a'], body });
    expect(response.status, await response.clone().text()).toBe(201);
    expect(await response.json()).toMatchObject(body);
  });
});

describe('PUT /v1/institutions/{id}/micro-degrees/{code} with a bad body', () => {
  const d = degreeBody([PART]);
  it.each<[string, unknown, string[]]>([
    ['title missing', without(d, 'title'), ['title']],
    ['eqfLevel 9', degreeBody([PART], { eqfLevel: 9 }), ['eqfLevel']],
    ['learningOutcomes empty', degreeBody([PART], { learningOutcomes: [] }), ['learningOutcomes']],
    ['components a string', degreeBody([PART], { components: 'uni-a/PART-1' }), ['components']],
    ['a component without a code', degreeBody([{ institution: 'uni-a' } as never]), ['components.0.code']],
    ['requirement missing', without(d, 'requirement'), ['requirement']],
    ['requirement of an unknown type', degreeBody([PART], { requirement: { type: 'most' } }), ['requirement.type']],
    ['an at-least requirement without a count', degreeBody([PART], { requirement: { type: 'at-least' } }), ['requirement.count']],
    ['an at-least requirement of 0', degreeBody([PART], { requirement: { type: 'at-least', count: 0 } }), ['requirement.count']],
    ['a min-ects requirement of 0', degreeBody([PART], { requirement: { type: 'min-ects', ects: 0 } }), ['requirement.ects']],
    ['a requirement with an unknown field', degreeBody([PART], { requirement: { type: 'all', count: 2 } }), ['requirement.count']],
    ['totalEcts (the exchange computes it)', degreeBody([PART], { totalEcts: 5 }), ['totalEcts']],
    ['an unknown field', degreeBody([PART], { ects: 5 }), ['ects']],
  ])('answers 400 for %s, naming the field', (_name, body, fields) => expectInvalid('micro-degrees', body, fields));
});

describe('PUT /v1/institutions/{id}/badges/{code} with a bad body', () => {
  const b = badgeBody();
  it.each<[string, unknown, string[]]>([
    ['name missing', without(b, 'name'), ['name']],
    ['criteria empty', badgeBody({ criteria: '' }), ['criteria']],
    ['category unknown', badgeBody({ category: 'sports' }), ['category']],
    ['category missing', without(b, 'category'), ['category']],
    ['an alignment with a bad targetUrl', badgeBody({ alignments: [{ targetName: 'Mentoring', targetUrl: 'esco:skill/123' }] }), ['alignments.0.targetUrl']],
    ['an alignment without a targetName', badgeBody({ alignments: [{ targetUrl: 'http://data.europa.eu/esco/skill/1' }] }), ['alignments.0.targetName']],
    ['alignments an object', badgeBody({ alignments: { targetName: 'x', targetUrl: 'https://x.example' } }), ['alignments']],
    ['evidenceRequired "yes"', badgeBody({ evidenceRequired: 'yes' }), ['evidenceRequired']],
    ['an unknown field', badgeBody({ title: 'Peer Mentor' }), ['title']],
  ])('answers 400 for %s, naming the field', (_name, body, fields) => expectInvalid('badges', body, fields));
});

describe('bad paths', () => {
  it.each([
    ['/v1/institutions/uni-a/components/-starts-with-a-hyphen', 'code'],
    ['/v1/institutions/uni-a/components/has%20space', 'code'],
    [`/v1/institutions/uni-a/components/${'x'.repeat(65)}`, 'code'],
    ['/v1/institutions/uni-a/badges/a%2Fb', 'code'],
  ])('PUT %s answers 400 naming %s', async (path, field) => {
    const problem = await expectProblem(await cx.request('PUT', path, { key: key['uni-a'], body: componentBody() }), 400);
    expect(fieldsOf(problem)).toEqual([field]);
  });

  it('GET of a version that is not a positive number answers 400 naming n', async () => {
    for (const n of ['0', 'latest', '1.5']) {
      const problem = await expectProblem(await cx.request('GET', `/v1/institutions/uni-a/components/PART-1/versions/${n}`), 400);
      expect(fieldsOf(problem)).toEqual(['n']);
    }
  });
});
