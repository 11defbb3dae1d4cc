/**
 * Interoperability over real HTTP: a local exchange on a free port issues a micro-credential,
 * a badge and a micro-degree, and a verifier that shares no code with it (@digitalbazaar/vc,
 * eddsa-rdfc-2022, did:web resolved over HTTP) accepts each, rejects any changed field, reads
 * revocation and suspension from the one `message` status entry in the published lists, and
 * still accepts credentials signed before a key rotation.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalExchange, type LocalExchange } from '@cx/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badgeBody, componentBody, degreeBody } from '../../functions/catalogue/src/fixtures.js';
import { independentVerifier, type IndependentVerifier } from './independent-verifier.js';

type Json = Record<string, any>;

const ADMIN_TOKEN = 'interop-admin-token-0123456789abcdef';
let exchange: LocalExchange;
let verifier: IndependentVerifier;
let key: string;
const issued: Record<'component' | 'badge' | 'micro-degree', Json> = {} as never;

async function call(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<Response> {
  return fetch(`${exchange.url}${path}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

async function expectStatus(response: Response, status: number): Promise<Json> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return text ? (JSON.parse(text) as Json) : {};
}

async function issue(type: 'component' | 'badge' | 'micro-degree', code: string, recipient: Json): Promise<Json> {
  const body = await expectStatus(await call('POST', '/v1/institutions/uni-interop/credentials', { token: key, body: { achievement: { type, code }, recipient } }), 201);
  return body.credential as Json;
}

const changeStatus = async (credential: Json, status: string) =>
  expectStatus(await call('POST', `/v1/institutions/uni-interop/credentials/${credential.id}/status`, { token: key, body: { status, reason: 'interop test' } }), 200);

beforeAll(async () => {
  exchange = await startLocalExchange({ port: 0, inMemory: true, dataDir: mkdtempSync(join(tmpdir(), 'cx-interop-')), adminToken: ADMIN_TOKEN });
  verifier = independentVerifier(exchange.url);

  const onboarded = await expectStatus(
    await call('POST', '/v1/institutions', {
      token: ADMIN_TOKEN,
      body: { id: 'uni-interop', name: 'Interop University', country: 'DE', homepage: 'https://interop.example.edu' },
    }),
    201,
  );
  key = onboarded.apiKey;
  const put = async (path: string, body: unknown) => expectStatus(await call('PUT', `/v1/institutions/uni-interop/${path}`, { token: key, body }), 201);
  await put('components/ML-1', componentBody());
  await put('components/DE-1', componentBody({ title: 'Data Engineering', ects: 4 }));
  await put('badges/MENTOR', badgeBody());
  await put(
    'micro-degrees/ADS',
    degreeBody([
      { institution: 'uni-interop', code: 'ML-1' },
      { institution: 'uni-interop', code: 'DE-1' },
    ]),
  );

  const ada = { name: 'Ada Lovelace', email: 'ada@example.org' };
  issued.component = await issue('component', 'ML-1', ada);
  await issue('component', 'DE-1', ada);
  issued.badge = await issue('badge', 'MENTOR', { name: 'Grace Hopper', did: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' });
  issued['micro-degree'] = await issue('micro-degree', 'ADS', ada);
}, 120_000);

afterAll(async () => {
  await exchange?.stop();
});

/** `credential` with the field at `path` (dotted; numbers index lists) set to `value`. */
function tampered(credential: Json, path: string, value: unknown): Json {
  const copy = structuredClone(credential);
  const parts = path.split('.');
  let node: any = copy;
  for (const part of parts.slice(0, -1)) node = node[part];
  expect(node[parts.at(-1)!], `${path} exists`).not.toBeUndefined();
  expect(node[parts.at(-1)!], `${path} changes`).not.toEqual(value);
  node[parts.at(-1)!] = value;
  return copy;
}

describe.each(['component', 'badge', 'micro-degree'] as const)('a %s credential', (kind) => {
  it('verifies with @digitalbazaar/vc and eddsa-rdfc-2022, its issuer resolved over HTTP', async () => {
    const result = await verifier.verify(issued[kind]);
    expect(result.error).toBeUndefined();
    expect(result.verified).toBe(true);
    expect(verifier.fetched).toContain(`${exchange.url}/institutions/uni-interop/did.json`);
    // the EU context is inline: nothing of the exchange but the DID document and status lists is needed
    expect(verifier.fetched.filter((url) => url.startsWith(`${exchange.url}/contexts/`))).toEqual([]);
  });

  it('fails once its name is changed', async () => {
    const result = await verifier.verify(tampered(issued[kind], 'credentialSubject.achievement.name', 'Something Else'));
    expect(result.verified).toBe(false);
  });

  it('has one message status entry that reads active, and that the status list library reads as not set', async () => {
    expect(await verifier.status(issued[kind])).toMatchObject({ verified: true, message: 'active', revocation: false, suspension: false, set: false });
  });
});

describe('changing any single field of a signed credential', () => {
  const FIELDS: Array<[path: string, value: unknown]> = [
    ['issuer.name', 'University of Elsewhere'],
    ['issuer.id', 'did:web:evil.example'],
    ['issuer.address.addressCountryCode', 'FR'],
    ['credentialSubject.achievement.ectsCredits', 30],
    ['credentialSubject.achievement.eqfLevel', 8],
    ['credentialSubject.achievement.learningOutcomes.0', 'Explain everything'],
    ['credentialSubject.achievement.assessmentSupervision', 'supervised-id-check'],
    ['credentialSubject.achievement.awardingBody.name', 'Another Body'],
    ['credentialSubject.achievement.id', 'https://evil.example/achievement'],
    ['validFrom', '2020-01-01T00:00:00Z'],
    ['credentialSubject.identifier.1.identityHash', `sha256$${'a'.repeat(64)}`],
    ['credentialSubject.identifier.0.identityHash', 'Mallory'],
    ['credentialStatus.statusListIndex', '131073'],
    ['credentialStatus.statusListCredential', 'https://evil.example/status/1'],
    ['id', 'urn:uuid:00000000-0000-4000-8000-000000000000'],
  ];

  it.each(FIELDS)('(%s) makes it fail', async (path, value) => {
    expect((await verifier.verify(tampered(issued.component, path, value))).verified).toBe(false);
  });

  it('(adding a validUntil) makes it fail', async () => {
    expect((await verifier.verify({ ...issued.component, validUntil: '2099-01-01T00:00:00Z' })).verified).toBe(false);
  });

  it('(a micro-degree’s list of components) makes it fail', async () => {
    const degree = tampered(issued['micro-degree'], 'credentialSubject.achievement.composedOf.0.id', `${exchange.url}/v1/institutions/uni-interop/components/XX/versions/1`);
    expect((await verifier.verify(degree)).verified).toBe(false);
  });
});

describe('status, read by @digitalbazaar/vc-bitstring-status-list over HTTP', () => {
  it('reports a credential revoked once POST .../status has answered', async () => {
    const credential = await issue('component', 'ML-1', { name: 'Rev', email: 'rev@example.org' });
    await changeStatus(credential, 'revoked');
    expect(await verifier.status(credential)).toMatchObject({ verified: true, message: 'revoked', revocation: true, suspension: false, set: true });
  });

  it('reports a credential suspended, and after reinstating, not', async () => {
    const credential = await issue('badge', 'MENTOR', { name: 'Sus', email: 'sus@example.org' });
    await changeStatus(credential, 'suspended');
    expect(await verifier.status(credential)).toMatchObject({ verified: true, message: 'suspended', revocation: false, suspension: true, set: true });
    await changeStatus(credential, 'active');
    expect(await verifier.status(credential)).toMatchObject({ verified: true, message: 'active', revocation: false, suspension: false, set: false });
  });

  it('verifies the status list credentials themselves (signed by the same issuer)', async () => {
    const list = await expectStatus(await call('GET', new URL(issued.component.credentialStatus.statusListCredential).pathname), 200);
    expect(list.issuer).toBe(issued.component.issuer.id);
    expect((await verifier.verify(list)).verified).toBe(true);
  });

  it('still sees the other credentials as active', async () => {
    expect(await verifier.status(issued.component)).toMatchObject({ revocation: false, suspension: false });
  });
});

describe('key rotation', () => {
  let before: Json;
  let after: Json;

  beforeAll(async () => {
    before = await issue('component', 'ML-1', { name: 'Old Key', email: 'old@example.org' });
    await expectStatus(await call('POST', '/v1/institutions/uni-interop/keys/rotate', { token: ADMIN_TOKEN }), 200);
    after = await issue('component', 'ML-1', { name: 'New Key', email: 'new@example.org' });
  });

  it('keeps credentials signed before it verifiable', async () => {
    expect(before.proof[0].verificationMethod).toMatch(/#key-1$/);
    expect((await verifier.verify(before)).verified).toBe(true);
    expect((await verifier.verify(issued['micro-degree'])).verified).toBe(true);
  });

  it('signs new credentials with key-2, and they verify', async () => {
    expect(after.proof[0].verificationMethod).toBe(`${after.issuer.id}#key-2`);
    expect((await verifier.verify(after)).verified).toBe(true);
  });

  it('does not let a new credential pass as signed by the old key', async () => {
    const relabelled = tampered(after, 'proof.0.verificationMethod', `${after.issuer.id}#key-1`);
    expect((await verifier.verify(relabelled)).verified).toBe(false);
  });

  it('keeps revocation working on lists re-signed with the new key', async () => {
    await changeStatus(before, 'revoked');
    expect(await verifier.status(before)).toMatchObject({ verified: true, revocation: true });
    const list = await expectStatus(await call('GET', new URL(before.credentialStatus.statusListCredential).pathname), 200);
    expect(list.proof[0].verificationMethod).toMatch(/#key-2$/);
  });
});
