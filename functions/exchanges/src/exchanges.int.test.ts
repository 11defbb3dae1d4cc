/**
 * VC API exchanges through the local gateway: a claim's exchange answers its request, then
 * a DIDAuth presentation with the holder copy bound to the signer's DID, once; a wrong
 * challenge, domain or signature consumes nothing; a transfer page's exchange takes the
 * wallet's credentials into a transfer. Every refusal is a 400 naming the field.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { credentialServices, type CredentialServices } from '@cx/core';
import { createDocumentLoader, signPresentation, type CredentialSigner } from '@cx/credentials';
import { ed25519ToMultibase } from '@cx/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_URL, testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { expectProblem, fieldsOf } from '../../../test/support/problem.js';
import { componentBody } from '../../catalogue/src/fixtures.js';
import { issueBody } from '../../credentials/src/fixtures.js';
import { agreementBody, rule } from '../../recognition/src/fixtures.js';

type Json = Record<string, any>;

const documentLoader = createDocumentLoader({ publicUrl: PUBLIC_URL, resolveDid: async (did) => Promise.reject(new Error(`${did} is not resolved here`)) });
const DOMAIN = new URL(PUBLIC_URL).origin;
const DAY = 86_400_000;

/** A wallet's did:key, signing with node:crypto. */
function didKey(): { did: string; signer: CredentialSigner } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const multibase = ed25519ToMultibase(new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(-32)));
  const did = `did:key:${multibase}`;
  return { did, signer: { id: `${did}#${multibase}`, algorithm: 'Ed25519', sign: async ({ data }) => new Uint8Array(sign(null, data, privateKey)) } };
}

let now = Date.now();
const clock = { now: () => new Date(now) };
let cx: TestExchange;
let services: CredentialServices;
const keys: Record<string, string> = {};
const wallet = didKey();

beforeAll(async () => {
  cx = await testExchange({ clock });
  // the same deps as the gateway's apps: exchanges opened here are the ones the routes serve
  services = credentialServices(cx.deps);
  for (const id of ['uni-a', 'uni-b']) keys[id] = (await cx.onboard(id)).apiKey;
  for (const code of ['ML-1', 'DE-1']) {
    expect((await cx.request('PUT', `/v1/institutions/uni-a/components/${code}`, { key: keys['uni-a'], body: componentBody({ ects: 5 }) })).status).toBe(201);
  }
  const agreement = agreementBody('uni-a', [rule('ML-1'), rule('DE-1')]);
  expect((await cx.request('PUT', '/v1/institutions/uni-b/agreements/ab', { key: keys['uni-b'], body: agreement })).status).toBe(201);
}, 60_000);

/** A credential uni-a issues to `recipient` for `code`: its stored id and the credential. */
async function issued(code = 'ML-1', recipient: Json = { name: 'Ada Lovelace', email: 'ada@example.org' }): Promise<{ id: string; credential: Json }> {
  const response = await cx.request('POST', '/v1/institutions/uni-a/credentials', { key: keys['uni-a'], body: issueBody({ code, recipient }) });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; credential: Json };
}

const forClaim = (credentialId: string, institution = 'uni-a') =>
  services.vcApiExchanges.forClaim({ institution, credentialId, claimExpiresAt: new Date(now + 30 * DAY).toISOString() });

const post = (exchangeId: string, body: unknown) => cx.request('POST', `/exchanges/${exchangeId}`, { body });

async function requestOf(exchangeId: string): Promise<Json> {
  const response = await post(exchangeId, {});
  expect(response.status).toBe(200);
  return ((await response.json()) as Json).verifiablePresentationRequest;
}

/** The wallet's DIDAuth answer to `vpr`, as a VC API wallet signs it. */
const didAuth = (vpr: Json, holder = wallet, extra: Json = {}) =>
  signPresentation(
    { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiablePresentation'], holder: holder.did, ...extra },
    { signer: holder.signer, documentLoader, challenge: vpr.challenge, domain: vpr.domain },
  );

/** A credential taken into the wallet through a claim's exchange. */
async function intoWallet(code: string): Promise<Json> {
  const { exchangeId } = await forClaim((await issued(code)).id);
  const response = await post(exchangeId, { verifiablePresentation: await didAuth(await requestOf(exchangeId)) });
  expect(response.status).toBe(200);
  return ((await response.json()) as Json).verifiablePresentation.verifiableCredential[0];
}

const copiesOf = async (credentialId: string, institution = 'uni-a') => (await cx.deps.store.copies.ofCredential(institution, credentialId, 50)).items;

describe('a claim’s exchange, begun with {}', () => {
  it('asks for DIDAuthentication by did:key, with a challenge and the exchange’s origin as domain', async () => {
    const { exchangeId } = await forClaim((await issued()).id);

    const vpr = await requestOf(exchangeId);

    expect(vpr).toEqual({ query: [{ type: 'DIDAuthentication', acceptedMethods: [{ method: 'key' }] }], challenge: expect.any(String), domain: DOMAIN });
    expect(Buffer.from(vpr.challenge, 'base64url').length).toBeGreaterThanOrEqual(16);
  });

  it('lists the VC API and OpenID4VCI at its interaction URL', async () => {
    const opened = await forClaim((await issued()).id);

    const response = await cx.request('GET', new URL(opened.interactionUrl).pathname + '?iuv=1');

    expect(response.status).toBe(200);
    const { protocols } = (await response.json()) as Json;
    expect(protocols.vcapi).toBe(opened.exchangeUrl);
    expect(protocols.OID4VCI).toMatch(/^openid-credential-offer:\/\/\?credential_offer=/);
    expect(JSON.parse(decodeURIComponent(protocols.OID4VCI.split('credential_offer=')[1]))).toMatchObject({ credential_issuer: `${PUBLIC_URL}/institutions/uni-a` });
  });

  it('opens in the Learner Credential Wallet by a deep link carrying the exchange URL and the challenge of its request', async () => {
    const opened = await forClaim((await issued()).id);

    const link = new URL(opened.lcwDeepLink);

    expect(`${link.origin}${link.pathname}`).toBe('https://lcw.app/request.html');
    expect(link.searchParams.get('vc_request_url')).toBe(opened.exchangeUrl);
    expect(link.searchParams.get('issuer')).toBe(new URL(PUBLIC_URL).host);
    expect(link.searchParams.get('challenge')).toBe((await requestOf(opened.exchangeId)).challenge);
  });

  it('takes a DIDAuth signed with the deep link’s challenge at once, without the request first, as the Learner Credential Wallet sends it', async () => {
    const opened = await forClaim((await issued()).id);
    const link = new URL(opened.lcwDeepLink);

    const response = await post(opened.exchangeId, {
      verifiablePresentation: await didAuth({ challenge: link.searchParams.get('challenge'), domain: DOMAIN }),
    });

    expect(response.status).toBe(200);
    expect(((await response.json()) as Json).verifiablePresentation.verifiableCredential[0].credentialSubject.id).toBe(wallet.did);
  });
});

describe('a claim’s exchange, answered with a DIDAuth presentation', () => {
  it('answers the credential bound to the wallet’s DID, signed by the institution, its status entry the original’s', async () => {
    const original = await issued();
    const { exchangeId } = await forClaim(original.id);

    const response = await post(exchangeId, { verifiablePresentation: await didAuth(await requestOf(exchangeId)) });

    expect(response.status).toBe(200);
    const { verifiablePresentation } = (await response.json()) as Json;
    expect(verifiablePresentation.type).toEqual(['VerifiablePresentation']);
    const [copy] = verifiablePresentation.verifiableCredential;
    expect(copy.id).not.toBe(original.credential.id);
    expect(copy.credentialSubject.id).toBe(wallet.did);
    expect(copy.credentialSubject.achievement).toEqual(original.credential.credentialSubject.achievement);
    expect(copy.credentialStatus).toEqual(original.credential.credentialStatus);
    const verified = (await (await cx.request('POST', '/v1/credentials/verify', { body: { verifiableCredential: copy } })).json()) as Json;
    expect(verified).toMatchObject({ verified: true, issuer: { id: 'uni-a' } });
    expect(await copiesOf(original.id)).toEqual([expect.objectContaining({ copyId: copy.id, holderDid: wallet.did, protocol: 'vcapi' })]);
  });

  it('is used once: a replay answers 400 naming the exchange, and issues nothing more', async () => {
    const original = await issued();
    const { exchangeId } = await forClaim(original.id);
    const answer = { verifiablePresentation: await didAuth(await requestOf(exchangeId)) };
    expect((await post(exchangeId, answer)).status).toBe(200);

    const replay = await expectProblem(await post(exchangeId, answer), 400);

    expect(fieldsOf(replay)).toEqual(['exchangeId']);
    expect(replay.detail).toMatch(/used already/);
    expect(await copiesOf(original.id)).toHaveLength(1);
    expect(await services.vcApiExchanges.outcome(exchangeId)).toEqual({ state: 'completed', copyId: expect.stringMatching(/^urn:uuid:/) });
  });

  it('issues once when two good answers race', async () => {
    const original = await issued();
    const { exchangeId } = await forClaim(original.id);
    const vpr = await requestOf(exchangeId);
    const answers = [await didAuth(vpr), await didAuth(vpr, didKey())];

    const statuses = (await Promise.all(answers.map((vp) => post(exchangeId, { verifiablePresentation: vp })))).map((r) => r.status);

    expect(statuses.sort()).toEqual([200, 400]);
    expect(await copiesOf(original.id)).toHaveLength(1);
  });

  it.each([
    ['another challenge', (vpr: Json) => ({ ...vpr, challenge: 'not-the-challenge' }), 'verifiablePresentation.proof.challenge'],
    ['another domain', (vpr: Json) => ({ ...vpr, domain: 'https://evil.example' }), 'verifiablePresentation.proof.domain'],
  ])('with %s answers 400 naming it, and the exchange stays open', async (_, change, field) => {
    const original = await issued();
    const { exchangeId } = await forClaim(original.id);
    const vpr = await requestOf(exchangeId);

    const problem = await expectProblem(await post(exchangeId, { verifiablePresentation: await didAuth(change(vpr)) }), 400);

    expect(fieldsOf(problem)).toEqual([field]);
    expect(await copiesOf(original.id)).toEqual([]);
    expect(await services.vcApiExchanges.outcome(exchangeId)).toEqual({ state: 'pending' });
    expect((await post(exchangeId, { verifiablePresentation: await didAuth(vpr) })).status).toBe(200);
  });

  it('tampered after signing answers 400 naming the proof, and issues nothing', async () => {
    const original = await issued();
    const { exchangeId } = await forClaim(original.id);
    const vp = await didAuth(await requestOf(exchangeId), wallet, { id: 'urn:uuid:4a1c1d5e-0000-4000-8000-000000000001' });
    vp.id = 'urn:uuid:4a1c1d5e-0000-4000-8000-000000000002';

    const problem = await expectProblem(await post(exchangeId, { verifiablePresentation: vp }), 400);

    expect(fieldsOf(problem)).toEqual(['verifiablePresentation.proof']);
    expect(await copiesOf(original.id)).toEqual([]);
    expect(await services.vcApiExchanges.outcome(exchangeId)).toEqual({ state: 'pending' });
  });

  it('signed by another key than the one it names answers 400 naming the proof', async () => {
    const original = await issued();
    const { exchangeId } = await forClaim(original.id);
    const other = didKey();
    const forged = await didAuth(await requestOf(exchangeId), { did: wallet.did, signer: { ...other.signer, id: wallet.signer.id } });

    const problem = await expectProblem(await post(exchangeId, { verifiablePresentation: forged }), 400);

    expect(fieldsOf(problem)).toEqual(['verifiablePresentation.proof']);
    expect(await copiesOf(original.id)).toEqual([]);
  });

  it('without a proof answers 400 naming the proof', async () => {
    const { exchangeId } = await forClaim((await issued()).id);

    const problem = await expectProblem(await post(exchangeId, { verifiablePresentation: { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiablePresentation'] } }), 400);

    expect(fieldsOf(problem)).toEqual(['verifiablePresentation.proof']);
  });

  it('after the exchange expired answers 400 naming the exchange, and issues nothing', async () => {
    const original = await issued();
    const { exchangeId, expiresAt } = await services.vcApiExchanges.forClaim({ institution: 'uni-a', credentialId: original.id, claimExpiresAt: new Date(now + 60_000).toISOString() });
    const vp = await didAuth(await requestOf(exchangeId));
    now = Date.parse(expiresAt) + 1;

    const problem = await expectProblem(await post(exchangeId, { verifiablePresentation: vp }), 400);

    expect(fieldsOf(problem)).toEqual(['exchangeId']);
    expect(problem.detail).toMatch(/expired/);
    expect(await copiesOf(original.id)).toEqual([]);
    expect(await services.vcApiExchanges.outcome(exchangeId)).toEqual({ state: 'expired' });
  });

  it('of an unknown exchange answers 400 naming the exchange', async () => {
    const problem = await expectProblem(await post('A'.repeat(43), {}), 400);

    expect(fieldsOf(problem)).toEqual(['exchangeId']);
    expect(await services.vcApiExchanges.outcome('A'.repeat(43))).toEqual({ state: 'unknown' });
  });
});

describe('tenancy', () => {
  it('an exchange made for another institution’s credential issues nothing, for either', async () => {
    const original = await issued();
    const { exchangeId } = await forClaim(original.id, 'uni-b');

    const response = await post(exchangeId, { verifiablePresentation: await didAuth(await requestOf(exchangeId)) });

    await expectProblem(response, 404);
    expect(await copiesOf(original.id)).toEqual([]);
    expect(await copiesOf(original.id, 'uni-b')).toEqual([]);
  });

  it('each student’s exchange issues their own credential only', async () => {
    const ada = await issued('ML-1');
    const grace = await issued('DE-1', { name: 'Grace Hopper', email: 'grace@example.org' });
    const [adaExchange, graceExchange] = [await forClaim(ada.id), await forClaim(grace.id)];

    for (const { exchangeId } of [adaExchange, graceExchange]) {
      expect((await post(exchangeId, { verifiablePresentation: await didAuth(await requestOf(exchangeId)) })).status).toBe(200);
    }

    expect((await copiesOf(ada.id)).map((c) => (c.credential.credentialSubject as Json).achievement.name)).toEqual([ada.credential.credentialSubject.achievement.name]);
    expect((await copiesOf(grace.id)).map((c) => (c.credential.credentialSubject as Json).identifier)).toEqual([grace.credential.credentialSubject.identifier]);
  });
});

describe('a transfer page’s exchange', () => {
  it('asks for Open Badges credentials and DIDAuthentication', async () => {
    const { exchangeId } = await services.vcApiExchanges.forTransfer({ institution: 'uni-b', student: { name: 'Ada Lovelace' } });

    const vpr = await requestOf(exchangeId);

    expect(vpr.query).toEqual([
      { type: 'QueryByExample', credentialQuery: [expect.objectContaining({ example: expect.objectContaining({ type: 'OpenBadgeCredential' }) })] },
      { type: 'DIDAuthentication', acceptedMethods: [{ method: 'key' }] },
    ]);
  });

  it('takes two credentials from the wallet into a transfer that is decided by the agreement, followed by the page’s tracking token', async () => {
    const credentials = [await intoWallet('ML-1'), await intoWallet('DE-1')];
    const opened = await services.vcApiExchanges.forTransfer({ institution: 'uni-b', student: { name: 'Ada Lovelace' } });
    const vp = await didAuth(await requestOf(opened.exchangeId), wallet, { verifiableCredential: credentials });

    const response = await post(opened.exchangeId, { verifiablePresentation: vp });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    const outcome = await services.vcApiExchanges.outcome(opened.exchangeId);
    expect(outcome).toEqual({ state: 'completed', transferId: expect.any(String) });
    const tracked = await cx.request('GET', `/v1/transfers/${(outcome as Json).transferId}?token=${opened.trackingToken}`);
    expect(tracked.status).toBe(200);
    const transfer = (await tracked.json()) as Json;
    expect(transfer).toMatchObject({ status: 'decided', totalEctsRecognised: 10, student: { name: 'Ada Lovelace', did: wallet.did } });
    expect(transfer.items.map((i: Json) => i.outcome)).toEqual(['recognised', 'recognised']);
    expect(transfer.recognitionCredential.credentialSubject.id).toBe(wallet.did);
  });

  it('counts credentials bound to the presentation’s signer as the student’s, whatever email the page was given', async () => {
    const credential = await intoWallet('ML-1');
    const opened = await services.vcApiExchanges.forTransfer({ institution: 'uni-b', student: { name: 'Ada Lovelace', email: 'ada.lovelace@new.example' } });
    const vp = await didAuth(await requestOf(opened.exchangeId), wallet, { verifiableCredential: [credential] });

    expect((await post(opened.exchangeId, { verifiablePresentation: vp })).status).toBe(200);

    const { transferId } = (await services.vcApiExchanges.outcome(opened.exchangeId)) as Json;
    const transfer = (await (await cx.request('GET', `/v1/transfers/${transferId}?token=${opened.trackingToken}`)).json()) as Json;
    expect(transfer.items).toEqual([expect.objectContaining({ outcome: 'recognised' })]);
  });

  it('counts as the student’s no credential bound to another DID than the presentation’s signer', async () => {
    const credential = await intoWallet('ML-1');
    const stranger = didKey();
    const opened = await services.vcApiExchanges.forTransfer({ institution: 'uni-b', student: { name: 'Mallory', email: 'mallory@example.org' } });
    const vp = await didAuth(await requestOf(opened.exchangeId), stranger, { verifiableCredential: [credential] });

    expect((await post(opened.exchangeId, { verifiablePresentation: vp })).status).toBe(200);

    const { transferId } = (await services.vcApiExchanges.outcome(opened.exchangeId)) as Json;
    const transfer = (await (await cx.request('GET', `/v1/transfers/${transferId}?token=${opened.trackingToken}`)).json()) as Json;
    expect(transfer.items).toEqual([expect.objectContaining({ outcome: 'rejected', reason: expect.stringMatching(/belongs to someone else/) })]);
  });

  it('refuses more credentials than a transfer carries, naming the field, and stays open', async () => {
    const opened = await services.vcApiExchanges.forTransfer({ institution: 'uni-b', student: { name: 'Ada Lovelace' } });
    const vp = await didAuth(await requestOf(opened.exchangeId));

    const problem = await expectProblem(await post(opened.exchangeId, { verifiablePresentation: { ...vp, verifiableCredential: Array(51).fill({}) } }), 400);

    expect(fieldsOf(problem)).toEqual(['verifiablePresentation.verifiableCredential']);
    expect(await services.vcApiExchanges.outcome(opened.exchangeId)).toEqual({ state: 'pending' });
  });
});
