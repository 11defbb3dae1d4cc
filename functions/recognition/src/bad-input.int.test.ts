/**
 * Bad input on every recognition route: each refusal is a 400 naming the field, and nothing
 * is written (not even a rate-limit count or an audit record).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tableSnapshot } from '../../../test/support/dynamo.js';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { expectProblem, fieldsOf } from '../../../test/support/problem.js';
import { componentBody } from '../../catalogue/src/fixtures.js';
import { ADA, agreementBody, reject, rule, transferBody } from './fixtures.js';

type Json = Record<string, any>;

let cx: TestExchange;
const key: Record<string, string> = {};
let transfer: Json;
let credential: Json;

beforeAll(async () => {
  cx = await testExchange();
  for (const id of ['uni-a', 'uni-b']) key[id] = (await cx.onboard(id)).apiKey;
  await cx.onboard('uni-s');
  expect((await cx.request('POST', '/v1/institutions/uni-s/suspend', { key: cx.adminKey })).status).toBe(200);
  for (const [id, code] of [['uni-a', 'ML-1'], ['uni-b', 'OWN-1']] as const) {
    expect((await cx.request('PUT', `/v1/institutions/${id}/components/${code}`, { key: key[id], body: componentBody() })).status).toBe(201);
  }
  const issued = await cx.request('POST', '/v1/institutions/uni-a/credentials', { key: key['uni-a'], body: { achievement: { type: 'component', code: 'ML-1' }, recipient: ADA } });
  credential = ((await issued.json()) as Json).credential;
  transfer = (await (await cx.request('POST', '/v1/institutions/uni-b/transfers', { key: key['uni-b'], body: transferBody([credential]) })).json()) as Json;
  expect(transfer.status).toBe('pending-review');
});

/** Sends a request that must be refused with 400 naming exactly `fields`, and checks nothing was written. */
async function expectInvalid(method: string, path: string, body: unknown, fields: string[], apiKey: string | undefined = key['uni-b']) {
  const before = await tableSnapshot(cx.deps.store);
  const problem = await expectProblem(await cx.request(method, path, { key: apiKey, body }), 400);
  expect(fieldsOf(problem)).toEqual(fields);
  expect(await tableSnapshot(cx.deps.store)).toEqual(before);
}

describe('PUT /v1/institutions/{id}/agreements/{agreementId}', () => {
  const putAgreement = (body: unknown, fields: string[], id = 'bad') => expectInvalid('PUT', `/v1/institutions/uni-b/agreements/${id}`, body, fields);

  it.each([
    ['a partner that is not a member', agreementBody('uni-z', [rule('ML-1')]), ['partner', 'rules.0.partnerComponent']],
    ['a suspended partner', agreementBody('uni-s', [rule('ML-1')]), ['partner', 'rules.0.partnerComponent']],
    ['the institution itself as partner', agreementBody('uni-b', [rule('OWN-1')]), ['partner']],
    ['a partner component that does not exist', agreementBody('uni-a', [rule('ML-1'), rule('NOPE-1')]), ['rules.1.partnerComponent']],
    ['a reviewed version above the current one', agreementBody('uni-a', [rule('ML-1', { reviewedVersion: 2 })]), ['rules.0.reviewedVersion']],
    ['an own component that does not exist', agreementBody('uni-a', [rule('ML-1', { component: 'NOPE-1' })]), ['rules.0.recognisedAs.component']],
    ['validUntil before validFrom', agreementBody('uni-a', [rule('ML-1')], { validFrom: '2026-06-01', validUntil: '2026-05-31' }), ['validUntil']],
    ['an unknown field', { ...agreementBody('uni-a', [rule('ML-1')]), colour: 'blue' }, ['colour']],
    ['an unknown field in a rule', agreementBody('uni-a', [{ ...rule('ML-1'), weight: 2 }]), ['rules.0.weight']],
    ['no rules', agreementBody('uni-a', []), ['rules']],
    ['two rules for one partner component', agreementBody('uni-a', [rule('ML-1'), rule('ML-1', { ects: 2 })]), ['rules.1.partnerComponent']],
    ['a reviewed version of 0', agreementBody('uni-a', [rule('ML-1', { reviewedVersion: 0 })]), ['rules.0.reviewedVersion']],
    ['negative ECTS', agreementBody('uni-a', [rule('ML-1', { ects: -1 })]), ['rules.0.recognisedAs.ects']],
    ['a maxAgeYears of 0', agreementBody('uni-a', [rule('ML-1', { maxAgeYears: 0 })]), ['rules.0.maxAgeYears']],
    ['a validFrom that is not a date', agreementBody('uni-a', [rule('ML-1')], { validFrom: 'next week' }), ['validFrom']],
    ['no partner', { validFrom: '2026-01-01', rules: [rule('ML-1')] }, ['partner']],
  ])('refuses %s', async (_case, body, fields) => {
    await putAgreement(body, fields);
  });

  it('refuses an agreement id that is not a slug, naming agreementId', async () => {
    await putAgreement(agreementBody('uni-a', [rule('ML-1')]), ['agreementId'], '-bad%20id');
  });

  it('refuses a body that is not JSON', async () => {
    const before = await tableSnapshot(cx.deps.store);
    await expectProblem(await cx.request('PUT', '/v1/institutions/uni-b/agreements/bad', { key: key['uni-b'], body: '{"partner":', headers: { 'content-type': 'application/json' } }), 400);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });
});

describe('GET agreement and transfer lists', () => {
  it.each([
    ['/v1/agreements?colour=blue', ['colour']],
    ['/v1/agreements?partner=NOT_AN_ID', ['partner']],
    ['/v1/agreements?limit=0', ['limit']],
    ['/v1/agreements?cursor=not-a-cursor', ['cursor']],
    ['/v1/institutions/uni-b/agreements?colour=blue', ['colour']],
    ['/v1/institutions/uni-b/transfers?status=lost', ['status']],
    ['/v1/institutions/uni-b/transfers?cursor=not-a-cursor', ['cursor']],
    ['/v1/institutions/uni-b/transfers/not-a-uuid', ['transferId']],
  ])('refuses %s', async (path, fields) => {
    const problem = await expectProblem(await cx.request('GET', path, { key: key['uni-b'] }), 400);
    expect(fieldsOf(problem)).toEqual(fields);
  });
});

describe('POST /v1/institutions/{id}/transfers', () => {
  const many = (n: number) => Array.from({ length: n }, () => ({}));

  it.each([
    ['no credentials', transferBody([]), ['credentials']],
    ['51 credentials', transferBody(many(51)), ['credentials']],
    ['a student without email or DID', transferBody([{}], { name: 'Ada Lovelace', studentId: 'S-1' }), ['student.email']],
    ['a student without a name', transferBody([{}], { email: 'ada@example.org' }), ['student.name']],
    ['an invalid email', transferBody([{}], { name: 'Ada', email: 'ada-at-example' }), ['student.email']],
    ['an invalid DID', transferBody([{}], { name: 'Ada', did: 'not a did' }), ['student.did']],
    ['an unknown field', { ...transferBody([{}]), priority: 'high' }, ['priority']],
    ['an unknown field on the student', transferBody([{}], { ...ADA, nickname: 'Ada' }), ['student.nickname']],
    ['no student', { credentials: [{}] }, ['student']],
    ['credentials that are not a list', { student: ADA, credentials: {} }, ['credentials']],
  ])('refuses %s, from the institution', async (_case, body, fields) => {
    await expectInvalid('POST', '/v1/institutions/uni-b/transfers', body, fields);
  });

  it('refuses a bad body from a student without a key, counting nothing against the rate limit', async () => {
    await expectInvalid('POST', '/v1/institutions/uni-b/transfers', transferBody([]), ['credentials'], undefined);
  });

  it('accepts 50 credentials, each judged on its own', async () => {
    const response = await cx.request('POST', '/v1/institutions/uni-b/transfers', { key: key['uni-b'], body: transferBody([credential, ...many(49)]) });
    expect(response.status).toBe(201);
    const body = (await response.json()) as Json;
    expect(body.items).toHaveLength(50);
    expect(body.items.slice(1).every((i: Json) => i.outcome === 'rejected')).toBe(true);
  });

  it('rejects an item that is not a credential with a reason, keeping the others', async () => {
    const response = await cx.request('POST', '/v1/institutions/uni-b/transfers', { key: key['uni-b'], body: transferBody(['a string', 42, null]) });
    expect(response.status, await response.clone().text()).toBe(201);
    const body = (await response.json()) as Json;
    expect(body.items.map((i: Json) => [i.credentialId, i.outcome])).toEqual([
      ['credentials.0', 'rejected'],
      ['credentials.1', 'rejected'],
      ['credentials.2', 'rejected'],
    ]);
    expect(body.items[0].reason).toMatch(/^not verified: /);
    // the record names them by their place in the transfer
    expect(body.recognitionCredential.credentialSubject.rejectedItems.map((i: Json) => i.originalCredential)).toEqual(
      [0, 1, 2].map((n) => `http://exchange.test:8080/v1/transfers/${body.id}#credentials.${n}`),
    );
  });
});

describe('POST /v1/institutions/{id}/transfers/{transferId}/decisions', () => {
  const decide = (body: unknown, fields: string[]) => expectInvalid('POST', `/v1/institutions/uni-b/transfers/${transfer.id}/decisions`, body, fields);

  it.each([
    ['a rejection without the substantial difference', { credentialId: 'x', outcome: 'rejected', justification: { explanation: 'No.' } }, ['justification.difference']],
    ['a difference the convention does not name', { ...reject('x'), justification: { difference: 'price', explanation: 'Too cheap.' } }, ['justification.difference']],
    ['no justification', { credentialId: 'x', outcome: 'recognised' }, ['justification']],
    ['an empty explanation', { credentialId: 'x', outcome: 'recognised', justification: { explanation: '  ' } }, ['justification.explanation']],
    ['an outcome other than recognised or rejected', { credentialId: 'x', outcome: 'pending', justification: { explanation: 'Later.' } }, ['outcome']],
    ['negative ECTS', { credentialId: 'x', outcome: 'recognised', ects: -5, justification: { explanation: 'Fine.' } }, ['ects']],
    ['no credential id', { outcome: 'recognised', justification: { explanation: 'Fine.' } }, ['credentialId']],
    ['an unknown field', { ...reject('x'), comment: 'hm' }, ['comment']],
    ['an unknown field in the justification', { credentialId: 'x', outcome: 'recognised', justification: { explanation: 'Fine.', mood: 'good' } }, ['justification.mood']],
  ])('refuses %s', async (_case, body, fields) => {
    await decide(body, fields);
  });

  it('refuses a transfer id that is not a UUID', async () => {
    await expectInvalid('POST', '/v1/institutions/uni-b/transfers/123/decisions', reject('x'), ['transferId']);
  });
});

describe('POST /v1/institutions/{id}/transfers/{transferId}/appeals', () => {
  const appeal = (body: unknown, fields: string[]) => expectInvalid('POST', `/v1/institutions/uni-b/transfers/${transfer.id}/appeals`, body, fields);

  it.each([
    ['no grounds', { credentialId: 'x' }, ['grounds']],
    ['empty grounds', { credentialId: 'x', grounds: ' ' }, ['grounds']],
    ['no credential id', { grounds: 'Unfair.' }, ['credentialId']],
    ['an unknown field', { credentialId: 'x', grounds: 'Unfair.', urgent: true }, ['urgent']],
  ])('refuses %s', async (_case, body, fields) => {
    await appeal(body, fields);
  });
});
