/**
 * Micro-degrees: they stack components, possibly of partner institutions, which must exist
 * and be active; their requirement must be satisfiable; and `component=` finds every
 * micro-degree a component counts towards.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tableSnapshot } from '../../../test/support/dynamo.js';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { expectProblem, fieldsOf } from '../../../test/support/problem.js';
import { componentBody, degreeBody } from './fixtures.js';

let cx: TestExchange;
const key: Record<string, string> = {};

const ML = { institution: 'uni-a', code: 'ML-1' }; // 5 ECTS
const DE = { institution: 'uni-b', code: 'DE-1' }; // 7.5 ECTS
const STATS = { institution: 'uni-b', code: 'STATS-1' }; // 2.5 ECTS
const OLD = { institution: 'uni-b', code: 'OLD-1' }; // withdrawn

beforeAll(async () => {
  cx = await testExchange();
  for (const id of ['uni-a', 'uni-b']) key[id] = (await cx.onboard(id)).apiKey;
  const publish = async (ref: { institution: string; code: string }, ects: number) => {
    const response = await cx.request('PUT', `/v1/institutions/${ref.institution}/components/${ref.code}`, { key: key[ref.institution], body: componentBody({ ects }) });
    expect(response.status).toBe(201);
  };
  await publish(ML, 5);
  await publish(DE, 7.5);
  await publish(STATS, 2.5);
  await publish(OLD, 5);
  expect((await cx.request('DELETE', `/v1/institutions/uni-b/components/${OLD.code}`, { key: key['uni-b'] })).status).toBe(200);
});

let n = 0;
const putDegree = (body: unknown, institution = 'uni-a', code = `MD-${++n}`) =>
  cx.request('PUT', `/v1/institutions/${institution}/micro-degrees/${code}`, { key: key[institution], body });

/** Sends a degree that must be refused with 400 naming `field`, and checks that nothing was written. */
async function expectRefused(body: unknown, field: string) {
  const before = await tableSnapshot(cx.deps.store);
  const problem = await expectProblem(await putDegree(body), 400);
  expect(fieldsOf(problem)).toEqual([field]);
  expect(await tableSnapshot(cx.deps.store)).toEqual(before);
}

describe('PUT /v1/institutions/{id}/micro-degrees/{code}', () => {
  it('stacks components of two institutions and totals their ECTS', async () => {
    const response = await putDegree(degreeBody([ML, DE]));
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ components: [ML, DE], requirement: { type: 'all' }, totalEcts: 12.5, version: 1, status: 'active' });
  });

  it('accepts requirements that the listed components just satisfy', async () => {
    for (const requirement of [{ type: 'at-least', count: 3 }, { type: 'min-ects', ects: 15 }]) {
      const response = await putDegree(degreeBody([ML, DE, STATS], { requirement }));
      expect(response.status, JSON.stringify(requirement)).toBe(201);
      expect(await response.json()).toMatchObject({ requirement, totalEcts: 15 });
    }
  });

  it('refuses a component that does not exist, naming its position', () =>
    expectRefused(degreeBody([ML, { institution: 'uni-b', code: 'NOPE' }]), 'components.1'));

  it('refuses a component of an institution that is not a member', () =>
    expectRefused(degreeBody([{ institution: 'uni-x', code: 'ML-1' }, ML]), 'components.0'));

  it('refuses a withdrawn component, naming its position', () => expectRefused(degreeBody([ML, DE, OLD]), 'components.2'));

  it('refuses a component listed twice', () => expectRefused(degreeBody([ML, DE, ML]), 'components.2'));

  it('refuses an at-least requirement asking for more components than are listed', () =>
    expectRefused(degreeBody([ML, DE], { requirement: { type: 'at-least', count: 3 } }), 'requirement'));

  it('refuses a min-ects requirement above the components’ total', () =>
    expectRefused(degreeBody([ML, DE], { requirement: { type: 'min-ects', ects: 13 } }), 'requirement'));

  it('refuses a requirement of an unknown type', () => expectRefused(degreeBody([ML], { requirement: { type: 'any' } }), 'requirement.type'));

  it('refuses a micro-degree without components', () => expectRefused(degreeBody([]), 'components'));

  it('refuses a malformed component reference', () => expectRefused(degreeBody([{ institution: 'Uni A', code: 'ML-1' }]), 'components.0.institution'));

  it('makes a new version with the new total when a component is added', async () => {
    const code = `MD-${++n}`;
    await putDegree(degreeBody([ML]), 'uni-a', code);
    const response = await putDegree(degreeBody([ML, STATS]), 'uni-a', code);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ version: 2, totalEcts: 7.5 });
  });
});

describe('GET /v1/micro-degrees?component=institution/code', () => {
  interface Degree {
    institution: string;
    code: string;
    status: string;
  }
  const codesOf = async (response: Response) => {
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: Degree[] }).items.map((d) => `${d.institution}/${d.code}`).sort();
  };

  let fresh: TestExchange;
  let keys: Record<string, string>;
  beforeAll(async () => {
    // a table of its own, so that the degrees above do not count here
    fresh = await testExchange();
    keys = { 'uni-a': (await fresh.onboard('uni-a')).apiKey, 'uni-b': (await fresh.onboard('uni-b')).apiKey };
    for (const ref of [ML, DE, STATS]) {
      await fresh.request('PUT', `/v1/institutions/${ref.institution}/components/${ref.code}`, { key: keys[ref.institution], body: componentBody() });
    }
    const degree = (institution: string, code: string, components: unknown[], eqfLevel = 6) =>
      fresh.request('PUT', `/v1/institutions/${institution}/micro-degrees/${code}`, { key: keys[institution], body: degreeBody(components as never, { eqfLevel }) });
    expect((await degree('uni-a', 'DATA', [ML, DE])).status).toBe(201);
    expect((await degree('uni-b', 'ENGINEERING', [DE, STATS], 7)).status).toBe(201);
    expect((await degree('uni-b', 'AI', [ML])).status).toBe(201);
    expect((await degree('uni-a', 'RETIRED', [DE])).status).toBe(201);
    expect((await fresh.request('DELETE', '/v1/institutions/uni-a/micro-degrees/RETIRED', { key: keys['uni-a'] })).status).toBe(200);
    // MOVED listed DE in version 1 but not in version 2
    expect((await degree('uni-b', 'MOVED', [DE])).status).toBe(201);
    expect((await degree('uni-b', 'MOVED', [STATS])).status).toBe(200);
  });

  it('finds every active micro-degree, of any institution, that a component counts towards', async () => {
    expect(await codesOf(await fresh.request('GET', '/v1/micro-degrees?component=uni-b/DE-1'))).toEqual(['uni-a/DATA', 'uni-b/ENGINEERING']);
    expect(await codesOf(await fresh.request('GET', '/v1/micro-degrees?component=uni-a/ML-1'))).toEqual(['uni-a/DATA', 'uni-b/AI']);
  });

  it('finds withdrawn micro-degrees only when status=withdrawn is asked for', async () => {
    expect(await codesOf(await fresh.request('GET', '/v1/micro-degrees?component=uni-b/DE-1&status=withdrawn'))).toEqual(['uni-a/RETIRED']);
  });

  it('forgets a micro-degree that no longer lists the component in its latest version', async () => {
    expect(await codesOf(await fresh.request('GET', '/v1/micro-degrees?component=uni-b/STATS-1'))).toEqual(['uni-b/ENGINEERING', 'uni-b/MOVED']);
    expect(await codesOf(await fresh.request('GET', '/v1/micro-degrees?component=uni-b/DE-1'))).not.toContain('uni-b/MOVED');
  });

  it('applies the other filters too', async () => {
    expect(await codesOf(await fresh.request('GET', '/v1/micro-degrees?component=uni-b/DE-1&institution=uni-b'))).toEqual(['uni-b/ENGINEERING']);
    expect(await codesOf(await fresh.request('GET', '/v1/micro-degrees?component=uni-b/DE-1&eqfLevel=6'))).toEqual(['uni-a/DATA']);
    expect(await codesOf(await fresh.request('GET', '/v1/micro-degrees?component=uni-b/DE-1&q=data+science'))).toEqual(['uni-a/DATA', 'uni-b/ENGINEERING']);
  });

  it('pages through the micro-degrees of a component, each exactly once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const response = await fresh.request('GET', `/v1/micro-degrees?component=uni-b/DE-1&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      const page = (await response.json()) as { items: Degree[]; nextCursor?: string };
      seen.push(...page.items.map((d) => `${d.institution}/${d.code}`));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(['uni-a/DATA', 'uni-b/ENGINEERING']);
  });

  it('answers an empty list for a component nobody stacks', async () => {
    expect(await codesOf(await fresh.request('GET', '/v1/micro-degrees?component=uni-a/UNKNOWN'))).toEqual([]);
  });

  it('answers 400 naming component for a reference that is not institution/code', async () => {
    const problem = await expectProblem(await fresh.request('GET', '/v1/micro-degrees?component=DE-1'), 400);
    expect(fieldsOf(problem)).toEqual(['component']);
  });
});
