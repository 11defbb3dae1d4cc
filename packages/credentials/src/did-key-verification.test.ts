/**
 * Credentials and presentations signed with did:key (as the W3C suites and wallets sign them):
 * resolved locally, VC 1.1 and VC 2.0, proof sets and previousProof chains, and a holder's
 * proof with its challenge and domain.
 */
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { issue, signPresentation } from '@digitalbazaar/vc';
import { beforeAll, describe, expect, it } from 'vitest';
import { didKeyDocument } from './did-key.js';
import { createDocumentLoader } from './document-loader.js';
import { verifyPresentationProof } from './presentation-proof.js';
import { verifyCredentialProof } from './verify.js';

type Json = Record<string, any>;

const documentLoader = createDocumentLoader({ publicUrl: 'https://exchange.example.eu', resolveDid: async (did) => Promise.reject(new Error(`no did:web here: ${did}`)) });

let did: string;
let signer: ReturnType<Ed25519Multikey.Ed25519KeyPair['signer']>;

beforeAll(async () => {
  const key = await Ed25519Multikey.generate();
  did = `did:key:${key.publicKeyMultibase}`;
  signer = key.signer();
  signer.id = `${did}#${key.publicKeyMultibase}`;
});

/** A DataIntegrityProof suite for a key, with extra proof options (id, previousProof...). */
function suite(proof: Json = {}, key = signer): DataIntegrityProof {
  const s = new DataIntegrityProof({ signer: { ...key, id: key.id!, algorithm: 'Ed25519' }, cryptosuite });
  s.proof = proof;
  return s;
}

const assertion = { update: async (proof: Json) => ({ ...proof, proofPurpose: 'assertionMethod' }) };

/**
 * Adds a proof as VC Data Integrity §4.2 does for a chain: a proof naming previous proofs
 * secures the document together with them.
 */
async function addChainedProof(vc: Json, options: Json, key = signer): Promise<Json> {
  const { proof: existing, ...unsecured } = vc;
  const all = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
  const previous = options.previousProof === undefined ? [] : [options.previousProof].flat();
  const document = previous.length ? { ...unsecured, proof: all.filter((p: Json) => previous.includes(p.id)) } : unsecured;
  const proof = await suite(options, key).createProof({ document, purpose: assertion, proofSet: all, documentLoader });
  return { ...vc, proof: [...all, proof] };
}

const v2 = (): Json => ({
  '@context': ['https://www.w3.org/ns/credentials/v2', 'https://www.w3.org/ns/credentials/examples/v2'],
  id: 'urn:uuid:0b6a4c1e-6f8e-4c59-9d0a-5f1f1d1b2c3d',
  type: ['VerifiableCredential', 'ExampleCredential'],
  issuer: did,
  credentialSubject: { id: 'did:example:alice', name: 'Alice' },
});

async function signed(credential: Json, ...proofs: Json[]): Promise<Json> {
  let vc = credential;
  for (const proof of proofs.length ? proofs : [{}]) vc = await issue({ credential: vc, suite: suite(proof), documentLoader });
  return vc;
}

describe('didKeyDocument', () => {
  it('lists the key for assertions and authentication', () => {
    const document = didKeyDocument('did:key:z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj');
    const key = 'did:key:z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj#z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj';
    expect(document.verificationMethod).toEqual([
      { id: key, type: 'Multikey', controller: document.id, publicKeyMultibase: 'z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj' },
    ]);
    expect(document.assertionMethod).toEqual([key]);
    expect(document.authentication).toEqual([key]);
  });

  it.each(['did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme', 'did:key:z6Mk', 'did:web:example.org'])('refuses %s', (value) => {
    expect(() => didKeyDocument(value)).toThrow(/not a did:key DID of an Ed25519 key|Ed25519/);
  });
});

describe('a credential signed with did:key', () => {
  it('verifies as VC 2.0', async () => {
    const result = await verifyCredentialProof(await signed(v2()), { documentLoader });
    expect(result).toEqual({ verified: true, verificationMethod: signer.id });
  });

  it('verifies as VC 1.1', async () => {
    const vc = { '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiableCredential'], issuer: did, issuanceDate: '2020-03-16T22:37:26.544Z', credentialSubject: { id: did } };
    expect((await verifyCredentialProof(await signed(vc), { documentLoader })).verified).toBe(true);
  });

  it('does not verify once changed', async () => {
    const vc = await signed(v2());
    vc.credentialSubject.name = 'Mallory';
    expect(await verifyCredentialProof(vc, { documentLoader })).toMatchObject({ verified: false, error: expect.any(String) });
  });
});

describe('proof sets and chains', () => {
  it('verify when every proof does', async () => {
    expect((await verifyCredentialProof(await signed(v2(), {}, {}), { documentLoader })).verified).toBe(true);
  });

  it('fail when one proof of the set does not verify', async () => {
    const vc = await signed(v2(), {}, {});
    vc.proof[1].proofValue = vc.proof[0].proofValue.replace(/.$/, (c: string) => (c === 'A' ? 'B' : 'A'));
    expect(await verifyCredentialProof(vc, { documentLoader })).toMatchObject({ verified: false, error: expect.stringMatching(/^proof 1 of 2: /) });
  });

  it('fail when one proof of the set is of a kind the exchange cannot check', async () => {
    const vc = await signed(v2());
    vc.proof = [vc.proof, { ...vc.proof, cryptosuite: 'ecdsa-rdfc-2019' }];
    expect(await verifyCredentialProof(vc, { documentLoader })).toMatchObject({ verified: false, error: expect.stringMatching(/cannot be checked/) });
  });

  it.each([['a string', 'urn:uuid:first'], ['a list', ['urn:uuid:first']]])('verify a chain whose previousProof is %s naming a proof of the set', async (_what, previous) => {
    const vc = await addChainedProof(await signed(v2(), { id: 'urn:uuid:first' }), { previousProof: previous });
    expect((await verifyCredentialProof(vc, { documentLoader })).verified).toBe(true);
  });

  it('fail when a chained proof does not secure the proof it names', async () => {
    // jsonld-signatures' way: the second proof signed over the document without the first
    const vc = await signed(v2(), { id: 'urn:uuid:first' }, { previousProof: 'urn:uuid:first' });
    expect((await verifyCredentialProof(vc, { documentLoader })).verified).toBe(false);
  });

  it('verify a set with another signer beside the issuer, and fail one the issuer did not sign', async () => {
    const other = await Ed25519Multikey.generate();
    const otherSigner = other.signer();
    otherSigner.id = `did:key:${other.publicKeyMultibase}#${other.publicKeyMultibase}`;
    const endorsed = await addChainedProof(await signed(v2(), { id: 'urn:uuid:first' }), { previousProof: 'urn:uuid:first' }, otherSigner);
    expect(await verifyCredentialProof(endorsed, { documentLoader })).toEqual({ verified: true, verificationMethod: signer.id });
    const notByIssuer = await addChainedProof(await addChainedProof(v2(), { id: 'urn:uuid:a' }, otherSigner), {}, otherSigner);
    expect(await verifyCredentialProof(notByIssuer, { documentLoader })).toMatchObject({ verified: false, error: expect.stringMatching(/none of the credential's 2 proofs is by its issuer/) });
  });

  it('verify a VC 1.1 chain, as the W3C Data Integrity suite sends it', async () => {
    const vc = { '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiableCredential'], issuer: did, issuanceDate: '2020-03-16T22:37:26.544Z', credentialSubject: { id: did } };
    const chained = await addChainedProof(await signed(vc, { id: 'urn:uuid:test:first:proof' }), { previousProof: 'urn:uuid:test:first:proof' });
    expect(await verifyCredentialProof(chained, { documentLoader })).toMatchObject({ verified: true });
  });

  it.each([['a string', 'urn:uuid:missing'], ['a list', ['urn:uuid:missing']]])('fail when previousProof (%s) names no proof of the set', async (_what, previous) => {
    const vc = await addChainedProof(await signed(v2(), { id: 'urn:uuid:first' }), { previousProof: previous });
    expect(await verifyCredentialProof(vc, { documentLoader })).toMatchObject({ verified: false, error: expect.stringContaining('urn:uuid:missing names no proof') });
  });

  it('fail when the proof a chain names does not verify', async () => {
    const vc = await addChainedProof(await signed(v2(), { id: 'urn:uuid:first' }), { previousProof: 'urn:uuid:first' });
    vc.proof[0].proofValue = 'invalidProofValue';
    expect((await verifyCredentialProof(vc, { documentLoader })).verified).toBe(false);
  });
});

describe('verifyPresentationProof', () => {
  const CHALLENGE = 'u3f1c9a';
  const DOMAIN = 'verifier.example';

  async function presentation(extra: Json = {}): Promise<Json> {
    const vp = { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiablePresentation'], holder: did, ...extra };
    return signPresentation({ presentation: vp, suite: suite(), challenge: CHALLENGE, domain: DOMAIN, documentLoader });
  }

  it('verifies a holder proof with the challenge and domain asked for', async () => {
    expect(await verifyPresentationProof(await presentation(), { documentLoader, challenge: CHALLENGE, domain: DOMAIN })).toEqual({ verified: true, verificationMethod: signer.id });
  });

  it('refuses another challenge, or none', async () => {
    const vp = await presentation();
    expect(await verifyPresentationProof(vp, { documentLoader, challenge: 'other' })).toMatchObject({ verified: false, error: expect.stringMatching(/another challenge/) });
    delete vp.proof.challenge;
    expect(await verifyPresentationProof(vp, { documentLoader, challenge: CHALLENGE })).toMatchObject({ verified: false, error: expect.stringMatching(/no challenge/) });
  });

  it('refuses another domain', async () => {
    expect(await verifyPresentationProof(await presentation(), { documentLoader, domain: 'elsewhere.example' })).toMatchObject({ verified: false, error: expect.stringMatching(/domain/) });
  });

  it('refuses a tampered proof value', async () => {
    const vp = await presentation();
    vp.proof.proofValue = 'z5nmMBw2u9TGKd9NxxHJtyZKgjN2Eh';
    expect((await verifyPresentationProof(vp, { documentLoader, challenge: CHALLENGE })).verified).toBe(false);
  });

  it('refuses a holder other than the key’s controller', async () => {
    const vp = await presentation({ holder: 'did:key:z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj' });
    expect(await verifyPresentationProof(vp, { documentLoader })).toMatchObject({ verified: false, error: expect.stringMatching(/not by its holder/) });
  });

  it('refuses an assertionMethod proof as a holder proof', async () => {
    const vp = await presentation();
    vp.proof.proofPurpose = 'assertionMethod';
    expect(await verifyPresentationProof(vp, { documentLoader })).toMatchObject({ verified: false, error: expect.stringMatching(/authentication/) });
  });
});
