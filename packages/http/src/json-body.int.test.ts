/**
 * Every JSON body is parsed once with bounds, before any route sees it: nesting too deep and
 * `__proto__` members answer 400 problem+json naming the field, never a 500 or a reset.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { badgeBody } from '../../../functions/catalogue/src/fixtures.js';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { expectProblem, fieldsOf } from '../../../test/support/problem.js';

let cx: TestExchange;
let key: string;

beforeAll(async () => {
  cx = await testExchange();
  key = (await cx.onboard('uni-a')).apiKey;
});

/** `levels` objects nested one in another: `{"a":{"a":...1...}}`. */
const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
/** A body with `field` holding {@link nested}, the other members as given. */
const nestedUnder = (field: string, levels: number, rest: Record<string, unknown> = {}) =>
  JSON.stringify({ ...rest, [field]: 0 }).replace(`"${field}":0`, `"${field}":${nested(levels)}`);

describe('a JSON body nested too deep', () => {
  it('(40,000 levels on PUT /v1/institutions/{id}/badges/{code}) answers 400 naming where', async () => {
    const response = await cx.request('PUT', '/v1/institutions/uni-a/badges/DEEP-1', { key, body: nestedUnder('description', 40_000, badgeBody()) });
    const problem = await expectProblem(response, 400);
    expect(fieldsOf(problem)[0]).toMatch(/^description(\.a)+$/);
    expect(problem.errors![0]!.message).toContain('nested more than');
  });

  it('answers 400 on a public route too, in a member its schema leaves open (the options of POST /v1/credentials/verify)', async () => {
    const response = await cx.request('POST', '/v1/credentials/verify', { body: nestedUnder('options', 40_000, { verifiableCredential: {} }) });
    const problem = await expectProblem(response, 400);
    expect(fieldsOf(problem)[0]).toMatch(/^options(\.a)+$/);
  });

  it('answers 400 on an admin route (POST /v1/institutions)', async () => {
    const response = await cx.request('POST', '/v1/institutions', { key: cx.adminKey, body: nestedUnder('name', 100) });
    await expectProblem(response, 400);
  });
});

describe('a JSON body with a __proto__ member', () => {
  it('answers 400 naming the member, and nothing is written', async () => {
    const body = JSON.stringify(badgeBody()).replace('{', '{"__proto__":{"category":"x"},');
    const response = await cx.request('PUT', '/v1/institutions/uni-a/badges/PROTO-1', { key, body });
    const problem = await expectProblem(response, 400);
    expect(fieldsOf(problem)).toEqual(['__proto__']);
    expect((await cx.request('GET', '/v1/institutions/uni-a/badges/PROTO-1')).status).toBe(404);
  });
});

describe('a body that is not JSON', () => {
  it('answers 400 as before', async () => {
    await expectProblem(await cx.request('PUT', '/v1/institutions/uni-a/badges/BAD-1', { key, body: '{"name":' }), 400);
  });

  it('still parses a good body (the badge is published)', async () => {
    expect((await cx.request('PUT', '/v1/institutions/uni-a/badges/GOOD-1', { key, body: badgeBody() })).status).toBe(201);
  });
});
