/**
 * Micro-degrees stack across institutions: issuing one counts the institution's own component
 * credentials for the recipient and the partner components recognised for that student
 * through decided transfers (as themselves, and as the own component they were recognised
 * as), and names every credential it was built from. Pending or refused items, other
 * students' and other institutions' recognitions do not count.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { expectProblem } from '../../../test/support/problem.js';
import { badgeBody, componentBody, degreeBody } from '../../catalogue/src/fixtures.js';
import { agreementBody, recognise, reject, rule, transferBody } from './fixtures.js';

type Json = Record<string, any>;

let cx: TestExchange;
const key: Record<string, string> = {};
let students = 0;

beforeAll(async () => {
  cx = await testExchange();
  for (const id of ['uni-a', 'uni-b', 'uni-c']) key[id] = (await cx.onboard(id)).apiKey;
  const put = async (path: string, institution: string, body: unknown) => {
    const response = await cx.request('PUT', path, { key: key[institution], body });
    expect(response.status, await response.clone().text()).toBe(201);
  };
  await put('/v1/institutions/uni-a/components/ML-1', 'uni-a', componentBody({ ects: 5 }));
  await put('/v1/institutions/uni-a/components/DE-1', 'uni-a', componentBody({ ects: 4 }));
  await put('/v1/institutions/uni-a/components/VIS-1', 'uni-a', componentBody({ ects: 3 }));
  await put('/v1/institutions/uni-a/badges/MENTOR', 'uni-a', badgeBody());
  await put('/v1/institutions/uni-b/components/OWN-1', 'uni-b', componentBody({ ects: 6 }));
  await put('/v1/institutions/uni-b/components/OWN-2', 'uni-b', componentBody({ ects: 4 }));
  await put('/v1/institutions/uni-c/components/C-1', 'uni-c', componentBody({ ects: 2 }));
  // ADS: A's ML-1 and B's OWN-1; DATA: B's OWN-1 and OWN-2 (which A's DE-1 is recognised as)
  await put('/v1/institutions/uni-b/micro-degrees/ADS', 'uni-b', degreeBody([{ institution: 'uni-a', code: 'ML-1' }, { institution: 'uni-b', code: 'OWN-1' }]));
  await put('/v1/institutions/uni-b/micro-degrees/DATA', 'uni-b', degreeBody([{ institution: 'uni-b', code: 'OWN-1' }, { institution: 'uni-b', code: 'OWN-2' }]));
  // VISUAL: A's VIS-1, which no rule covers, and B's OWN-1
  await put('/v1/institutions/uni-b/micro-degrees/VISUAL', 'uni-b', degreeBody([{ institution: 'uni-a', code: 'VIS-1' }, { institution: 'uni-b', code: 'OWN-1' }]));
  await put('/v1/institutions/uni-b/agreements/ab', 'uni-b', agreementBody('uni-a', [rule('ML-1'), rule('DE-1', { component: 'OWN-2', ects: 4 })]));
  await put('/v1/institutions/uni-c/agreements/ca', 'uni-c', agreementBody('uni-a', [rule('ML-1')]));
});

/** A new student, identified by email, or by DID when `did` is set. */
function newStudent(did = false): Json {
  const n = ++students;
  return did ? { name: `Student ${n}`, did: `did:example:student-${n}` } : { name: `Student ${n}`, email: `student-${n}@example.org` };
}

async function issue(institution: string, type: string, code: string, recipient: Json): Promise<{ id: string; credential: Json; status: number; body: Json }> {
  const response = await cx.request('POST', `/v1/institutions/${institution}/credentials`, { key: key[institution], body: { achievement: { type, code }, recipient } });
  const body = (await response.json()) as Json;
  return { id: body.id, credential: body.credential, status: response.status, body };
}

async function issued(institution: string, type: string, code: string, recipient: Json): Promise<Json> {
  const result = await issue(institution, type, code, recipient);
  expect(result.status, JSON.stringify(result.body)).toBe(201);
  return result.credential;
}

async function transfer(institution: string, credentials: Json[], student: Json): Promise<Json> {
  const response = await cx.request('POST', `/v1/institutions/${institution}/transfers`, { key: key[institution], body: transferBody(credentials, student) });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as Json;
}

describe('a micro-degree', () => {
  it('is built from a partner component recognised by a rule and an own component, naming both credentials', async () => {
    const student = newStudent();
    const partner = await issued('uni-a', 'component', 'ML-1', student);
    expect((await transfer('uni-b', [partner], student)).status).toBe('decided');
    const own = await issued('uni-b', 'component', 'OWN-1', student);
    const degree = await issue('uni-b', 'micro-degree', 'ADS', student);
    expect(degree.status, JSON.stringify(degree.body)).toBe(201);
    expect(degree.credential.evidence.map((e: Json) => e.id).sort()).toEqual([partner.id, own.id].sort());
    const record = (await (await cx.request('GET', `/v1/institutions/uni-b/credentials/${degree.id}`, { key: key['uni-b'] })).json()) as Json;
    expect(record.builtFrom.sort()).toEqual([partner.id, own.id].sort());
  });

  it('counts a partner component recognised by a reviewer', async () => {
    const student = newStudent();
    const partner = await issued('uni-a', 'component', 'VIS-1', student);
    const pending = await transfer('uni-b', [partner], student);
    expect(pending.status).toBe('pending-review');
    expect((await cx.request('POST', `/v1/institutions/uni-b/transfers/${pending.id}/decisions`, { key: key['uni-b'], body: recognise(partner.id) })).status).toBe(200);
    await issued('uni-b', 'component', 'OWN-1', student);
    expect((await issue('uni-b', 'micro-degree', 'VISUAL', student)).status).toBe(201);
  });

  it('counts a partner component recognised as an own component towards that own component', async () => {
    const student = newStudent();
    const partner = await issued('uni-a', 'component', 'DE-1', student);
    expect((await transfer('uni-b', [partner], student)).items[0]).toMatchObject({ outcome: 'recognised', recognisedAs: 'OWN-2' });
    const own = await issued('uni-b', 'component', 'OWN-1', student);
    const degree = await issue('uni-b', 'micro-degree', 'DATA', student);
    expect(degree.status, JSON.stringify(degree.body)).toBe(201);
    expect(degree.credential.evidence.map((e: Json) => e.id).sort()).toEqual([partner.id, own.id].sort());
  });

  it('counts recognitions of a student identified by DID', async () => {
    const student = newStudent(true);
    await transfer('uni-b', [await issued('uni-a', 'component', 'ML-1', student)], student);
    await issued('uni-b', 'component', 'OWN-1', student);
    expect((await issue('uni-b', 'micro-degree', 'ADS', student)).status).toBe(201);
  });

  it('is refused (422) while the partner item is still pending', async () => {
    const student = newStudent();
    const partner = await issued('uni-a', 'component', 'VIS-1', student);
    expect((await transfer('uni-b', [partner], student)).status).toBe('pending-review');
    await issued('uni-b', 'component', 'OWN-1', student);
    const problem = await expectProblem(await cx.request('POST', '/v1/institutions/uni-b/credentials', { key: key['uni-b'], body: { achievement: { type: 'micro-degree', code: 'VISUAL' }, recipient: student } }), 422);
    expect(problem).toMatchObject({ missing: ['uni-a/VIS-1'] });
  });

  it('is refused (422) when the partner item was refused', async () => {
    const student = newStudent();
    const partner = await issued('uni-a', 'component', 'VIS-1', student);
    const pending = await transfer('uni-b', [partner], student);
    expect((await cx.request('POST', `/v1/institutions/uni-b/transfers/${pending.id}/decisions`, { key: key['uni-b'], body: reject(partner.id) })).status).toBe(200);
    await issued('uni-b', 'component', 'OWN-1', student);
    expect((await issue('uni-b', 'micro-degree', 'VISUAL', student)).status).toBe(422);
  });

  it('does not count a recognition at another institution', async () => {
    const student = newStudent();
    expect((await transfer('uni-c', [await issued('uni-a', 'component', 'ML-1', student)], student)).status).toBe('decided');
    await issued('uni-b', 'component', 'OWN-1', student);
    const degree = await issue('uni-b', 'micro-degree', 'ADS', student);
    expect(degree.status).toBe(422);
    expect(degree.body.missing).toEqual(['uni-a/ML-1']);
  });

  it('does not count another student’s recognition', async () => {
    const [ada, bob] = [newStudent(), newStudent()];
    await transfer('uni-b', [await issued('uni-a', 'component', 'ML-1', ada)], ada);
    await issued('uni-b', 'component', 'OWN-1', bob);
    expect((await issue('uni-b', 'micro-degree', 'ADS', bob)).status).toBe(422);
  });

  it('is still issued when the student also had a partner badge recognised, which does not stack', async () => {
    const student = newStudent();
    const badge = await issued('uni-a', 'badge', 'MENTOR', student);
    const pending = await transfer('uni-b', [badge], student);
    expect((await cx.request('POST', `/v1/institutions/uni-b/transfers/${pending.id}/decisions`, { key: key['uni-b'], body: recognise(badge.id, { ects: 1 }) })).status).toBe(200);
    const partner = await issued('uni-a', 'component', 'ML-1', student);
    await transfer('uni-b', [partner], student);
    await issued('uni-b', 'component', 'OWN-1', student);
    const degree = await issue('uni-b', 'micro-degree', 'ADS', student);
    expect(degree.status, JSON.stringify(degree.body)).toBe(201);
    expect(degree.credential.evidence.map((e: Json) => e.id)).not.toContain(badge.id);
  });
});
