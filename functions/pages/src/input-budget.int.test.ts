/**
 * The verify and transfer pages bound the work a pasted or uploaded credential may cost, as
 * the API does: beyond the credential budget is refused before any JSON-LD work, quickly,
 * and a `__proto__` member is refused rather than ignored.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { componentBody } from '../../catalogue/src/fixtures.js';
import { issueBody } from '../../credentials/src/fixtures.js';
import { jsonFile, postForm } from './test-support.js';

type Json = Record<string, any>;

let cx: TestExchange;
let credential: Json;

beforeAll(async () => {
  cx = await testExchange();
  const key = (await cx.onboard('uni-a')).apiKey;
  await cx.onboard('uni-b');
  expect((await cx.request('PUT', '/v1/institutions/uni-a/components/ML-1', { key, body: componentBody() })).status).toBe(201);
  const response = await cx.request('POST', '/v1/institutions/uni-a/credentials', { key, body: issueBody() });
  expect(response.status).toBe(201);
  ({ credential } = (await response.json()) as { credential: Json });
});

/** The credential with an identifier of 30,000 numbers (172 KB): once 19 s of JSON-LD work. */
function heavy(): Json {
  const copy = structuredClone(credential);
  copy.credentialSubject.identifier = Array.from({ length: 30_000 }, (_, i) => i);
  return copy;
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

describe('the verify page', () => {
  it('refuses a credential beyond the budget with 413, naming the field, within a second', async () => {
    const { result: page, ms } = await timed(() => postForm(cx, '/verify', { credential: JSON.stringify(heavy()) }));
    expect(page.status).toBe(413);
    expect(page.text).toContain('credentialSubject.identifier');
    expect(ms).toBeLessThan(1000);
  });

  it('refuses a signed credential with a __proto__ member added, with 400 naming it', async () => {
    const pasted = JSON.stringify(credential).replace('"credentialSubject":{', '"credentialSubject":{"__proto__":{"x":1},');
    const page = await postForm(cx, '/verify', { credential: pasted });
    expect(page.status).toBe(400);
    expect(page.text).toContain('__proto__');
  });
});

describe('the transfer page', () => {
  it('refuses an upload holding a credential beyond the budget, within a second', async () => {
    const files = [jsonFile([credential, heavy()], 'credentials.json')];
    const { result: page, ms } = await timed(() => postForm(cx, '/transfer', { institution: 'uni-b', name: 'Ada Student', email: 'ada@student.example', files }));
    expect(page.status).toBe(413);
    expect(page.text).toContain('credentials.1.credentialSubject.identifier');
    expect(ms).toBeLessThan(1000);
  });
});
