/**
 * VcApiExchanges on the in-memory persistence: what an exchange stores (only its id's hash),
 * how long it lasts, what its outcome reads, and which holders it accepts (a did:key that
 * signed with the request's challenge and domain; no other DID method).
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { createDocumentLoader, keyVaultSigner, signPresentation, type CredentialSigner } from '@cx/credentials';
import { ed25519ToMultibase, hashSecret, institutionDid, type RequestContext } from '@cx/domain';
import { beforeEach, describe, expect, it } from 'vitest';
import { asInstitution, issueRequest, PUBLIC_URL, T0, testCore, type TestCore } from '../test-support.js';
import { lcwDeepLink } from './vcapi-exchanges.js';

type Json = Record<string, any>;

const DAY = 86_400_000;
const documentLoader = createDocumentLoader({ publicUrl: PUBLIC_URL, resolveDid: async (did) => Promise.reject(new Error(`${did} is not resolved here`)) });
const wallet: RequestContext & { clientAddress: string } = { principal: { kind: 'anonymous' }, requestId: 'request-1', clientAddress: '192.0.2.9' };

function didKey(): { did: string; signer: CredentialSigner } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const multibase = ed25519ToMultibase(new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(-32)));
  const did = `did:key:${multibase}`;
  return { did, signer: { id: `${did}#${multibase}`, algorithm: 'Ed25519', sign: async ({ data }) => new Uint8Array(sign(null, data, privateKey)) } };
}

let core: TestCore;
let credentialId: string;

beforeEach(async () => {
  core = testCore();
  await core.onboard('uni-a');
  await core.publishComponent('uni-a', 'ML-1');
  credentialId = (await core.issuer.issue('uni-a', issueRequest(), asInstitution('uni-a'))).id;
});

const forClaim = (claimExpiresAt: string) => core.vcApiExchanges.forClaim({ institution: 'uni-a', credentialId, claimExpiresAt });

const didAuth = (request: Json, signer: CredentialSigner, holder: string) =>
  signPresentation({ '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiablePresentation'], holder }, { signer, documentLoader, challenge: request.challenge, domain: request.domain });

describe('an exchange for a claim', () => {
  it('is stored by the hash of its id only', async () => {
    const { exchangeId } = await forClaim(new Date(Date.parse(T0) + 10 * DAY).toISOString());

    const grant = await core.persistence.grants.get('vcapi-exchange', hashSecret(exchangeId));

    expect(grant).toMatchObject({ purpose: 'issue', institution: 'uni-a', credentialId, domain: PUBLIC_URL });
    expect(JSON.stringify(grant)).not.toContain(exchangeId);
  });

  it('expires with its claim link, and after 30 days at the latest', async () => {
    const soon = new Date(Date.parse(T0) + 2 * DAY).toISOString();

    expect((await forClaim(soon)).expiresAt).toBe(soon);
    expect((await forClaim(new Date(Date.parse(T0) + 90 * DAY).toISOString())).expiresAt).toBe(new Date(Date.parse(T0) + 30 * DAY).toISOString());
  });

  it('reads pending, then expired once its time has passed', async () => {
    const { exchangeId } = await forClaim(new Date(Date.parse(T0) + DAY).toISOString());
    expect(await core.vcApiExchanges.outcome(exchangeId)).toEqual({ state: 'pending' });

    core.clock.advance(DAY);

    expect(await core.vcApiExchanges.outcome(exchangeId)).toEqual({ state: 'expired' });
  });

  it('links the Learner Credential Wallet to its exchange URL', async () => {
    const opened = await forClaim(new Date(Date.parse(T0) + DAY).toISOString());

    const challenge = new URL(opened.lcwDeepLink).searchParams.get('challenge')!;
    expect(opened.lcwDeepLink).toBe(lcwDeepLink(PUBLIC_URL, opened.exchangeUrl, challenge));
    expect(await core.vcApiExchanges.links(opened.exchangeId)).toEqual(opened);
    expect(opened.exchangeUrl).toBe(`${PUBLIC_URL}/exchanges/${opened.exchangeId}`);
    expect(opened.interactionUrl).toBe(`${PUBLIC_URL}/interactions/${opened.exchangeId}?iuv=1`);
  });

  it('completes for a did:key holder, naming the copy in its outcome', async () => {
    const { exchangeId } = await forClaim(new Date(Date.parse(T0) + DAY).toISOString());
    const { verifiablePresentationRequest: request } = await core.vcApiExchanges.participate(exchangeId, {}, wallet);
    const holder = didKey();

    const answer = await core.vcApiExchanges.participate(exchangeId, { verifiablePresentation: await didAuth(request as Json, holder.signer, holder.did) }, wallet);

    const [copy] = (answer as Json).verifiablePresentation.verifiableCredential;
    expect(copy.credentialSubject.id).toBe(holder.did);
    expect(await core.vcApiExchanges.outcome(exchangeId)).toEqual({ state: 'completed', copyId: copy.id });
  });

  it('refuses a holder proving another DID method than did:key (a member’s did:web), and stays open', async () => {
    const { exchangeId } = await forClaim(new Date(Date.parse(T0) + DAY).toISOString());
    const { verifiablePresentationRequest: request } = await core.vcApiExchanges.participate(exchangeId, {}, wallet);
    const institution = (await core.persistence.institutions.get('uni-a'))!;
    const did = institutionDid(PUBLIC_URL, 'uni-a');
    const signer = keyVaultSigner({ keyVault: core.keyVault, keyRef: institution.keys[0]!.keyRef, verificationMethod: `${did}#${institution.keys[0]!.id}` });

    const refused = core.vcApiExchanges.participate(exchangeId, { verifiablePresentation: await didAuth(request as Json, signer, did) }, wallet);

    await expect(refused).rejects.toMatchObject({ code: 'validation', issues: [{ field: 'verifiablePresentation.proof.verificationMethod' }] });
    expect(await core.vcApiExchanges.outcome(exchangeId)).toEqual({ state: 'pending' });
  });
});

describe('an exchange for a transfer', () => {
  it('keeps the hash of the tracking token it gives the page, and the student as given', async () => {
    const opened = await core.vcApiExchanges.forTransfer({ institution: 'uni-a', student: { name: 'Ada Lovelace', email: 'ada@example.org' } });

    const grant = await core.persistence.grants.get('vcapi-exchange', hashSecret(opened.exchangeId));

    expect(grant).toMatchObject({ purpose: 'present', trackingTokenHash: hashSecret(opened.trackingToken), student: { name: 'Ada Lovelace', email: 'ada@example.org' } });
    expect(opened.expiresAt).toBe(new Date(Date.parse(T0) + 30 * 60_000).toISOString());
  });
});

describe('an id that is no exchange', () => {
  it.each(['', 'short', 'A'.repeat(43)])('(%j) reads unknown', async (id) => {
    expect(await core.vcApiExchanges.outcome(id)).toEqual({ state: 'unknown' });
  });
});
