/**
 * The VC API's verifying side as the W3C suites and wallets use it: did:key issuers (VC 1.1
 * and 2.0) verify with membership reported, not required; related resources and status
 * entries checked by the data model's rules; presentations with and without a holder proof,
 * their challenge and domain, and every credential they enclose.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { exchangeDocumentLoader } from '@cx/core';
import { createDocumentLoader, keyVaultSigner, signCredential, signPresentation, type CredentialSigner } from '@cx/credentials';
import { ed25519ToMultibase } from '@cx/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import { testExchange, PUBLIC_URL, type TestExchange } from '../../../test/support/exchange.js';
import { expectProblem } from '../../../test/support/problem.js';
import { componentBody } from '../../catalogue/src/fixtures.js';
import { issueBody } from '../../credentials/src/fixtures.js';

type Json = Record<string, any>;

const documentLoader = createDocumentLoader({ publicUrl: PUBLIC_URL, resolveDid: async (did) => Promise.reject(new Error(`${did} is not resolved here`)) });

/** A fresh did:key holder or issuer, signing with node:crypto. */
function didKey(): { did: string; signer: CredentialSigner } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const multibase = ed25519ToMultibase(new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(-32)));
  const did = `did:key:${multibase}`;
  return { did, signer: { id: `${did}#${multibase}`, algorithm: 'Ed25519', sign: async ({ data }) => new Uint8Array(sign(null, data, privateKey)) } };
}

let cx: TestExchange;
let member: Json;
const alice = didKey();
const holder = didKey();

beforeAll(async () => {
  cx = await testExchange();
  const key = (await cx.onboard('uni-a')).apiKey;
  expect((await cx.request('PUT', '/v1/institutions/uni-a/components/ML-1', { key, body: componentBody() })).status).toBe(201);
  const response = await cx.request('POST', '/v1/institutions/uni-a/credentials', { key, body: issueBody() });
  expect(response.status).toBe(201);
  ({ credential: member } = (await response.json()) as Json);
});

const v2 = (extra: Json = {}): Json => ({
  '@context': ['https://www.w3.org/ns/credentials/v2', 'https://www.w3.org/ns/credentials/examples/v2'],
  id: `urn:uuid:${crypto.randomUUID()}`,
  type: ['VerifiableCredential', 'ExampleCredential'],
  issuer: alice.did,
  credentialSubject: { id: 'did:example:subject', name: 'Alice' },
  ...extra,
});

const byAlice = (credential: Json) => signCredential(credential, { signer: alice.signer, documentLoader });

async function post(path: string, body: unknown): Promise<{ status: number; body: Json }> {
  const response = await cx.request('POST', path, { body });
  expect(response.status).toBeLessThan(500);
  return { status: response.status, body: (await response.json()) as Json };
}
const verifyVc = (verifiableCredential: unknown) => post('/vc-api/credentials/verify', { verifiableCredential, options: { checks: ['proof'] } });
const verifyVp = (verifiablePresentation: unknown, options: Json = {}) => post('/vc-api/presentations/verify', { verifiablePresentation, options });
const check = (result: Json, name: string) => result.checks.find((c: Json) => c.check === name);

describe('POST /vc-api/credentials/verify, a did:key issuer', () => {
  it('verifies a VC 2.0 credential, reporting the issuer as no member without failing it', async () => {
    const { status, body } = await verifyVc(await byAlice(v2()));
    expect(status).toBe(200);
    expect(body).toMatchObject({ verified: true, errors: [] });
    expect(check(body, 'proof')).toMatchObject({ ok: true, detail: `signed by ${alice.signer.id}` });
    expect(check(body, 'issuer-member')).toMatchObject({ ok: false, detail: `${alice.did} is not a member of this consortium` });
    expect(body.warnings).toContain(`${alice.did} is not a member of this consortium`);
  });

  it('verifies a VC 1.1 credential', async () => {
    const vc = { '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiableCredential'], issuer: alice.did, issuanceDate: '2020-03-16T22:37:26.544Z', credentialSubject: { id: alice.did } };
    expect(await verifyVc(await byAlice(vc))).toMatchObject({ status: 200, body: { verified: true } });
  });

  it('is refused by POST /v1/credentials/verify, which requires a member', async () => {
    const { status, body } = await post('/v1/credentials/verify', { verifiableCredential: await byAlice(v2()) });
    expect(status).toBe(200);
    expect(body.verified).toBe(false);
    expect(body.errors).toEqual([`issuer-member: ${alice.did} is not a member of this consortium`]);
  });

  it('answers 400 for a tampered credential', async () => {
    const vc = await byAlice(v2());
    vc.credentialSubject.name = 'Mallory';
    const { status, body } = await verifyVc(vc);
    expect(status).toBe(400);
    expect(body.errors).toEqual([expect.stringMatching(/^proof: /)]);
  });

  it('still verifies a member’s credential', async () => {
    expect(await verifyVc(member)).toMatchObject({ status: 200, body: { verified: true, errors: [] } });
  });
});

describe('the data model rules, on verifying', () => {
  it('a malformed statusListIndex is a malformed value, never a coerced number', async () => {
    const vc = structuredClone(member);
    vc.credentialStatus = { ...vc.credentialStatus, statusListIndex: 'x12' };
    const { status, body } = await verifyVc(vc);
    expect(status).toBe(400);
    expect(check(body, 'schema')).toMatchObject({ ok: false, detail: expect.stringContaining('credentialStatus.statusListIndex') });
    expect(check(body, 'revocation')).toMatchObject({ ok: false, detail: expect.stringMatching(/malformed/) });
  });

  it('a related resource the exchange holds is checked; another is reported as not checked', async () => {
    const other = 'https://university.example/logo.png';
    const relatedResource = [
      { id: 'https://www.w3.org/ns/credentials/v2', digestMultibase: 'uEiBZlVztZpfWHgPyslVv6-UwirFoQoRvW1htfx963sknNA' },
      { id: other, digestSRI: `sha384-${Buffer.alloc(48, 1).toString('base64')}` },
    ];
    const { status, body } = await verifyVc(await byAlice(v2({ relatedResource })));
    expect(status).toBe(200);
    expect(check(body, 'related-resources')).toMatchObject({ ok: true, detail: expect.stringContaining(`not checked: ${other}`) });
    expect(body.warnings.join(' ')).toContain(other);
  });

  it('a related resource whose digest does not match fails, naming the field', async () => {
    const relatedResource = [{ id: 'https://www.w3.org/ns/credentials/v2', digestMultibase: `u${Buffer.concat([Buffer.from([0x12, 0x20]), Buffer.alloc(32)]).toString('base64url')}` }];
    const { status, body } = await verifyVc(await byAlice(v2({ relatedResource })));
    expect(status).toBe(400);
    expect(check(body, 'related-resources')).toMatchObject({ ok: false, detail: expect.stringContaining('relatedResource.0.digestMultibase') });
  });

  it('a credentialSchema without id fails the schema check', async () => {
    const { status, body } = await verifyVc(await byAlice(v2({ credentialSchema: { type: 'JsonSchema', id: 'https://example.org/schema.json' } })).then((vc) => ({ ...vc, credentialSchema: { type: 'JsonSchema' } })));
    expect(status).toBe(400);
    expect(check(body, 'schema').detail).toContain('credentialSchema.id');
  });
});

describe('POST /vc-api/presentations/verify', () => {
  const CHALLENGE = 'u7CqQ3-challenge';
  const DOMAIN = 'verifier.example';
  const presentation = async (extra: Json = {}): Promise<Json> => ({
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    type: ['VerifiablePresentation'],
    holder: holder.did,
    verifiableCredential: [await byAlice(v2()), member],
    ...extra,
  });
  const signed = async (vp: Json, domain: string | undefined = DOMAIN) => signPresentation(vp, { signer: holder.signer, documentLoader, challenge: CHALLENGE, ...(domain ? { domain } : {}) });

  it('verifies a holder-signed presentation and every credential in it', async () => {
    const { status, body } = await verifyVp(await signed(await presentation()), { challenge: CHALLENGE, domain: DOMAIN });
    expect(status).toBe(200);
    expect(body).toMatchObject({ verified: true, errors: [] });
    expect(check(body, 'proof')).toMatchObject({ ok: true, detail: `signed by ${holder.signer.id}` });
    expect(check(body, 'credentials')).toMatchObject({ ok: true, detail: '2 credentials verified' });
    expect(body.credentialResults.map((r: Json) => r.verified)).toEqual([true, true]);
  });

  it('verifies a presentation whose holder is a member, signing with its did:web key', async () => {
    const institution = (await cx.deps.store.institutions.get('uni-a'))!;
    const did = 'did:web:exchange.test%3A8080:institutions:uni-a';
    const key = institution.keys.find((k) => k.status === 'active')!;
    const signer = keyVaultSigner({ keyVault: cx.deps.keyVault, keyRef: key.keyRef, verificationMethod: `${did}#${key.id}` });
    const vp = await signPresentation(
      { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiablePresentation'], holder: did, verifiableCredential: [member] },
      { signer, documentLoader: exchangeDocumentLoader(cx.deps), challenge: CHALLENGE },
    );
    const { status, body } = await verifyVp(vp, { challenge: CHALLENGE });
    expect(status).toBe(200);
    expect(check(body, 'proof')).toMatchObject({ ok: true, detail: `signed by ${did}#${key.id}` });
  });

  it('answers 400 when the challenge is not the one asked for', async () => {
    const { status, body } = await verifyVp(await signed(await presentation()), { challenge: 'another', domain: DOMAIN });
    expect(status).toBe(400);
    expect(check(body, 'proof')).toMatchObject({ ok: false, detail: expect.stringMatching(/challenge/) });
  });

  it('answers 400 when the domain is not the one asked for', async () => {
    const { status } = await verifyVp(await signed(await presentation()), { challenge: CHALLENGE, domain: 'elsewhere.example' });
    expect(status).toBe(400);
  });

  it('answers 400 when the holder proof was changed', async () => {
    const vp = await signed(await presentation());
    (vp.proof as Json).proofValue = 'z5nmMBw2u9TGKd9NxxHJtyZKgjN2Eh';
    expect((await verifyVp(vp, { challenge: CHALLENGE })).status).toBe(400);
  });

  it('answers 400 when an enclosed credential does not verify, naming it', async () => {
    const vp = await presentation();
    vp.verifiableCredential[1] = { ...member, validFrom: '2020-01-01T00:00:00Z' };
    const { status, body } = await verifyVp(await signed(vp), { challenge: CHALLENGE, domain: DOMAIN });
    expect(status).toBe(400);
    expect(check(body, 'credentials')).toMatchObject({ ok: false, detail: expect.stringMatching(/^credential 1: proof: /) });
    expect(body.credentialResults[0].verified).toBe(true);
  });

  it('verifies a presentation without a proof on its credentials alone, with a warning', async () => {
    const { status, body } = await verifyVp(await presentation());
    expect(status).toBe(200);
    expect(body.warnings).toContain('the presentation has no proof: its holder is not authenticated');
  });

  it('answers 400 for a presentation without a proof when a challenge was asked for', async () => {
    const { status, body } = await verifyVp(await presentation(), { challenge: CHALLENGE });
    expect(status).toBe(400);
    expect(check(body, 'proof')).toMatchObject({ ok: false, detail: expect.stringMatching(/no proof/) });
  });

  it.each<[string, (vp: Json) => void]>([
    ['no @context', (vp) => delete vp['@context']],
    ['no VerifiablePresentation type', (vp) => (vp.type = ['CredentialManagerPresentation'])],
    ['a holder that is no URL', (vp) => (vp.holder = 'z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj')],
    ['a credential that is a string', (vp) => (vp.verifiableCredential = ['https://example.org/credentials/1'])],
  ])('answers 400 for a presentation with %s', async (_what, change) => {
    const vp = await presentation();
    change(vp);
    const { status, body } = await verifyVp(vp);
    expect(status).toBe(400);
    expect(check(body, 'schema').ok).toBe(false);
  });

  it.each<[string, unknown]>([
    ['a string', 'eyJhbGciOiJFZERTQSJ9.e30.c2ln'],
    ['a list', [{}]],
    ['missing', undefined],
  ])('answers a problem naming verifiablePresentation when it is %s', async (_what, value) => {
    const response = await cx.request('POST', '/vc-api/presentations/verify', { body: { verifiablePresentation: value } });
    expect((await expectProblem(response, 400)).errors?.map((e) => e.field)).toEqual(['verifiablePresentation']);
  });

  it('answers a problem naming verifiableCredential when a presentation holds more than 50 credentials', async () => {
    const many = await presentation({ verifiableCredential: Array.from({ length: 51 }, () => member) });
    const response = await cx.request('POST', '/vc-api/presentations/verify', { body: { verifiablePresentation: many } });
    expect((await expectProblem(response, 400)).errors?.map((e) => e.field)).toEqual(['verifiablePresentation.verifiableCredential']);
  });

  it('answers a problem naming options.challenge when it is not a string', async () => {
    const response = await cx.request('POST', '/vc-api/presentations/verify', { body: { verifiablePresentation: await presentation(), options: { challenge: 7 } } });
    expect((await expectProblem(response, 400)).errors?.map((e) => e.field)).toEqual(['options.challenge']);
  });
});
