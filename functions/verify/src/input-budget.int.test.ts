/**
 * Verification does bounded work whatever is sent: a credential too large or too deep for
 * the budget is refused (413/400 naming the field) before any JSON-LD processing, and the
 * worst input that fits the body limit answers quickly while other requests keep flowing.
 */
import { CREDENTIAL_LIMITS } from '@cx/credentials';
import { checkJsonLimits } from '@cx/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { expectProblem, fieldsOf } from '../../../test/support/problem.js';
import { componentBody } from '../../catalogue/src/fixtures.js';
import { issueBody } from '../../credentials/src/fixtures.js';

type Json = Record<string, any>;

let cx: TestExchange;
let credential: Json;

beforeAll(async () => {
  cx = await testExchange();
  const key = (await cx.onboard('uni-a')).apiKey;
  expect((await cx.request('PUT', '/v1/institutions/uni-a/components/ML-1', { key, body: componentBody() })).status).toBe(201);
  const response = await cx.request('POST', '/v1/institutions/uni-a/credentials', { key, body: issueBody() });
  expect(response.status).toBe(201);
  ({ credential } = (await response.json()) as { credential: Json });
});

/** The issued credential with its subject's `identifier` replaced. */
function withIdentifier(identifier: unknown): Json {
  const copy = structuredClone(credential);
  copy.credentialSubject.identifier = identifier;
  return copy;
}

const fits = (vc: Json) => !checkJsonLimits(vc, CREDENTIAL_LIMITS) && JSON.stringify({ verifiableCredential: vc }).length < 250 * 1024;

/** The credential `build` makes with the largest count that still keeps to the credential budget and the body limit. */
function largestWithin(build: (count: number) => Json): Json {
  let count = 1;
  while (count < CREDENTIAL_LIMITS.maxArrayLength! && fits(build(count + 1))) count++;
  const vc = build(count);
  expect(fits(vc)).toBe(true);
  return vc;
}

/**
 * Sends `vc` to the verify route and times the answer, while timing a did.json read started
 * 50 ms in; of `attempts` tries, the one where did.json answered fastest, so a pause of the
 * loaded test machine is not taken for a stall (a stall delays every attempt).
 */
async function verifyAlongsideDidRead(vc: unknown, attempts = 3): Promise<{ response: Response; verifyMs: number; didMs: number }> {
  let best: { response: Response; verifyMs: number; didMs: number } | undefined;
  for (let attempt = 0; attempt < attempts && !(best && best.didMs < 100 && best.verifyMs < 1000); attempt++) {
    const timed = await timedVerifyAlongsideDidRead(vc);
    if (!best || timed.didMs < best.didMs) best = timed;
  }
  return best!;
}

async function timedVerifyAlongsideDidRead(vc: unknown): Promise<{ response: Response; verifyMs: number; didMs: number }> {
  const body = JSON.stringify({ verifiableCredential: vc });
  expect(body.length).toBeLessThan(256 * 1024);
  const started = performance.now();
  const verifying = cx.request('POST', '/v1/credentials/verify', { body }).then((response) => ({ response, verifyMs: performance.now() - started }));
  await new Promise((resolve) => setTimeout(resolve, 50));
  const didStarted = performance.now();
  const did = await cx.request('GET', '/institutions/uni-a/did.json');
  const didMs = performance.now() - didStarted;
  expect(did.status).toBe(200);
  return { ...(await verifying), didMs };
}

describe('the worst credential within the body limit', () => {
  it('(an identifier of 30,000 numbers) is refused as too large, naming the field, within a second', async () => {
    const { response, verifyMs, didMs } = await verifyAlongsideDidRead(withIdentifier(Array.from({ length: 30_000 }, (_, i) => i)));
    const problem = await expectProblem(response, 413);
    expect(fieldsOf(problem)).toContain('verifiableCredential.credentialSubject.identifier');
    expect(verifyMs).toBeLessThan(1000);
    expect(didMs).toBeLessThan(100);
  });

  // the costliest shapes for JSON-LD within the budget: many typed objects (each re-applies its scoped context), nested ones, long lists
  const SHAPES: Array<[string, (i: number) => unknown]> = [
    ['flat identity objects', (i) => ({ type: 'IdentityObject', identityHash: `x${i}`, identityType: 'emailAddress', hashed: false, salt: 's'.repeat(20) })],
    ['nested identity objects', (i) => ({ type: 'IdentityObject', identityHash: { type: 'IdentityObject', identityHash: { type: 'IdentityObject', identityHash: `x${i}` } } })],
    ['numbers and strings', (i) => (i % 2 ? i : 'x'.repeat(CREDENTIAL_LIMITS.maxStringLength!))],
  ];

  it.each(SHAPES)('(as many %s as the budget lets through) answers within a second, did.json meanwhile', async (_, entry) => {
    const vc = largestWithin((count) => withIdentifier(Array.from({ length: count }, (_, i) => entry(i))));
    const { response, verifyMs, didMs } = await verifyAlongsideDidRead(vc);
    expect(response.status).toBe(200);
    expect(((await response.json()) as Json).verified).toBe(false);
    expect(verifyMs).toBeLessThan(1000);
    expect(didMs).toBeLessThan(100);
  });
});

describe('a credential whose canonicalisation would not end', () => {
  it('(a clique of blank nodes no hash tells apart) answers 400, quickly, did.json meanwhile', async () => {
    // every node linked to every other: RDFC-1.0's n-degree hashing grows factorially with such graphs
    const size = 9;
    const ids = Array.from({ length: size }, (_, i) => `_:n${i}`);
    const vc = structuredClone(credential);
    vc['@context'].push({ knows: { '@id': 'https://example.org/knows', '@type': '@id' } });
    vc.credentialSubject.knows = ids.map((id) => ({ id, knows: ids.filter((other) => other !== id) }));
    expect(fits(vc)).toBe(true);

    const { response, verifyMs, didMs } = await verifyAlongsideDidRead(vc);
    const problem = await expectProblem(response, 400);
    expect(problem.detail).toMatch(/too complex|longer than/);
    expect(verifyMs).toBeLessThan(1000);
    expect(didMs).toBeLessThan(100);
  });
});

describe('a signed credential with a __proto__ member added', () => {
  const withProto = (path: 'top' | 'subject') => {
    const text = JSON.stringify({ verifiableCredential: credential });
    const at = path === 'top' ? '{"verifiableCredential":{' : '"credentialSubject":{';
    return text.replace(at, `${at}"__proto__":{"isAdmin":true},`);
  };

  it.each(['top', 'subject'] as const)('(at the %s level) is refused with 400 naming the member', async (path) => {
    const response = await cx.request('POST', '/v1/credentials/verify', { body: withProto(path) });
    const problem = await expectProblem(response, 400);
    expect(fieldsOf(problem)[0]).toMatch(/^verifiableCredential\.(credentialSubject\.)?__proto__$/);
  });

  it('is refused by the VC API too', async () => {
    await expectProblem(await cx.request('POST', '/vc-api/credentials/verify', { body: withProto('subject') }), 400);
  });
});
