/**
 * OpenID4VCI through the local gateway: an institution's metadata, then an offer's code through
 * the token, nonce and credential endpoints to a holder copy bound to the proof's DID (did:key
 * Ed25519, did:jwk P-256). Codes, tokens and nonces work once and expire; a proof for another
 * audience, tampered or stale is refused without using the token; one institution's code or
 * token is refused at another's endpoints; whatever a client sends answers an OAuth error, no 5xx.
 */
import { credentialServices, type CredentialServices } from '@cx/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_URL, testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { expectProblem } from '../../../test/support/problem.js';
import { componentBody } from '../../catalogue/src/fixtures.js';
import { issueBody } from '../../credentials/src/fixtures.js';
import { didJwkWallet, didKeyWallet, type TestWallet } from './test-wallet.js';

type Json = Record<string, any>;

const PRE_AUTHORIZED = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';
const CONFIGURATION = 'OpenBadgeCredential_ldp_vc';
const issuerOf = (institution: string) => `${PUBLIC_URL}/institutions/${institution}`;

let now = Date.now();
const clock = { now: () => new Date(now) };
let cx: TestExchange;
let services: CredentialServices;
const keys: Record<string, string> = {};
const wallet = didKeyWallet();

beforeAll(async () => {
  cx = await testExchange({ clock });
  // the same deps as the gateway's apps: codes made here are the ones the routes take
  services = credentialServices(cx.deps);
  for (const id of ['uni-a', 'uni-b']) keys[id] = (await cx.onboard(id)).apiKey;
  expect((await cx.request('PUT', '/v1/institutions/uni-a/components/ML-1', { key: keys['uni-a'], body: componentBody({ ects: 5 }) })).status).toBe(201);
}, 60_000);

async function issued(): Promise<{ id: string; credential: Json }> {
  const response = await cx.request('POST', '/v1/institutions/uni-a/credentials', { key: keys['uni-a'], body: issueBody({ code: 'ML-1' }) });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; credential: Json };
}

/** A new offer's pre-authorized code for a new credential of uni-a. */
async function offerCode(): Promise<{ code: string; credentialId: string; offer: Json }> {
  const { id } = await issued();
  const offer = (await services.oid4vci.offer({ institution: 'uni-a', credentialId: id })) as Json;
  return { code: offer.grants[PRE_AUTHORIZED]['pre-authorized_code'], credentialId: id, offer };
}

const tokenRequest = (institution: string, form: Record<string, string>, contentType = 'application/x-www-form-urlencoded') =>
  cx.request('POST', `/institutions/${institution}/oid4vci/token`, { body: new URLSearchParams(form).toString(), headers: { 'content-type': contentType } });

async function accessToken(code: string, institution = 'uni-a'): Promise<string> {
  const response = await tokenRequest(institution, { grant_type: PRE_AUTHORIZED, 'pre-authorized_code': code });
  expect(response.status).toBe(200);
  return ((await response.json()) as Json).access_token;
}

async function nonce(institution = 'uni-a'): Promise<string> {
  const response = await cx.request('POST', `/institutions/${institution}/oid4vci/nonce`);
  expect(response.status).toBe(200);
  return ((await response.json()) as Json).c_nonce;
}

const proofFor = async (holder: TestWallet = wallet, claims: Json = {}, header: Json = {}) =>
  holder.proof({ aud: issuerOf('uni-a'), iat: Math.floor(now / 1000), nonce: await nonce(), ...claims }, header);

const credentialRequest = (token: string, body: unknown, institution = 'uni-a') =>
  cx.request('POST', `/institutions/${institution}/oid4vci/credential`, { body, headers: { authorization: `Bearer ${token}` } });

async function expectOAuthError(response: Response, status: number, error: string): Promise<Json> {
  const body = (await response.json()) as Json;
  expect({ status: response.status, error: body.error }).toEqual({ status, error });
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(typeof body.error_description).toBe('string');
  return body;
}

describe('the metadata', () => {
  it('names the credential issuer, its endpoints and one ldp_vc Open Badges configuration bound by a jwt proof', async () => {
    const response = await cx.request('GET', '/.well-known/openid-credential-issuer/institutions/uni-a');
    expect(response.status).toBe(200);
    const metadata = (await response.json()) as Json;
    expect(metadata).toMatchObject({
      credential_issuer: issuerOf('uni-a'),
      credential_endpoint: `${issuerOf('uni-a')}/oid4vci/credential`,
      nonce_endpoint: `${issuerOf('uni-a')}/oid4vci/nonce`,
      display: [{ name: 'University uni-a' }],
    });
    expect(metadata.credential_configurations_supported[CONFIGURATION]).toMatchObject({
      format: 'ldp_vc',
      credential_definition: { type: ['VerifiableCredential', 'OpenBadgeCredential'] },
      cryptographic_binding_methods_supported: ['did:key', 'did:jwk'],
      credential_signing_alg_values_supported: ['eddsa-rdfc-2022'],
      proof_types_supported: { jwt: { proof_signing_alg_values_supported: ['EdDSA', 'ES256'] } },
    });
  });

  it('names the token endpoint as authorization server metadata, anonymous pre-authorized access allowed', async () => {
    const response = await cx.request('GET', '/.well-known/oauth-authorization-server/institutions/uni-a');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ issuer: issuerOf('uni-a'), token_endpoint: `${issuerOf('uni-a')}/oid4vci/token`, 'pre-authorized_grant_anonymous_access_supported': true });
  });

  it('is 404 for an institution that is not a member', async () => {
    await expectProblem(await cx.request('GET', '/.well-known/openid-credential-issuer/institutions/uni-z'), 404);
    await expectProblem(await cx.request('GET', '/.well-known/oauth-authorization-server/institutions/uni-z'), 404);
  });
});

describe('issuing through an offer', () => {
  it('answers the offer with the issuer, its configuration and a pre-authorized code', async () => {
    const { offer } = await offerCode();
    expect(offer).toEqual({ credential_issuer: issuerOf('uni-a'), credential_configuration_ids: [CONFIGURATION], grants: { [PRE_AUTHORIZED]: { 'pre-authorized_code': expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) } } });
  });

  it.each([
    ['a did:key (Ed25519, EdDSA)', didKeyWallet],
    ['a did:jwk (P-256, ES256)', didJwkWallet],
  ])('issues a holder copy bound to %s, listed among the credential\'s copies', async (_, makeWallet) => {
    const holder = makeWallet();
    const { code, credentialId } = await offerCode();
    const token = await accessToken(code);
    const response = await credentialRequest(token, { credential_configuration_id: CONFIGURATION, proofs: { jwt: [await proofFor(holder)] } });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { credentials } = (await response.json()) as Json;
    expect(credentials).toHaveLength(1);
    const copy = credentials[0].credential;
    expect(copy.credentialSubject.id).toBe(holder.did);
    expect(copy.id).not.toBe(credentialId);
    expect([copy.proof].flat()).toMatchObject([{ type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', verificationMethod: expect.stringMatching(/^did:web:.*:institutions:uni-a#/) }]);
    const view = (await (await cx.request('GET', `/v1/institutions/uni-a/credentials/${credentialId}`, { key: keys['uni-a'] })).json()) as Json;
    expect(view.copies.map((c: Json) => c.holderDid)).toEqual([holder.did]);
  });

  it('denies the credential once its original is revoked', async () => {
    const { code, credentialId } = await offerCode();
    const token = await accessToken(code);
    const revoked = await cx.request('POST', `/v1/institutions/uni-a/credentials/${credentialId}/status`, { key: keys['uni-a'], body: { status: 'revoked', reason: 'issued in error' } });
    expect(revoked.status).toBe(200);
    await expectOAuthError(await credentialRequest(token, { credential_configuration_id: CONFIGURATION, proofs: { jwt: [await proofFor()] } }), 400, 'credential_request_denied');
  });

  it('takes the drafts\' single proof too', async () => {
    const token = await accessToken((await offerCode()).code);
    const response = await credentialRequest(token, { credential_configuration_id: CONFIGURATION, proof: { proof_type: 'jwt', jwt: await proofFor() } });
    expect(response.status).toBe(200);
  });
});

describe('single use and expiry', () => {
  it('refuses a used pre-authorized code', async () => {
    const { code } = await offerCode();
    await accessToken(code);
    await expectOAuthError(await tokenRequest('uni-a', { grant_type: PRE_AUTHORIZED, 'pre-authorized_code': code }), 400, 'invalid_grant');
  });

  it('gives one access token when three requests race with the same code', async () => {
    const { code } = await offerCode();
    const answers = await Promise.all([1, 2, 3].map(() => tokenRequest('uni-a', { grant_type: PRE_AUTHORIZED, 'pre-authorized_code': code })));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400, 400]);
  });

  it('issues one copy when two credential requests race with the same token', async () => {
    const token = await accessToken((await offerCode()).code);
    const bodies = [{ credential_configuration_id: CONFIGURATION, proofs: { jwt: [await proofFor()] } }, { credential_configuration_id: CONFIGURATION, proofs: { jwt: [await proofFor()] } }];
    const answers = await Promise.all(bodies.map((body) => credentialRequest(token, body)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401]);
  });

  it('refuses a code after its 10 minutes', async () => {
    const { code } = await offerCode();
    now += 11 * 60_000;
    await expectOAuthError(await tokenRequest('uni-a', { grant_type: PRE_AUTHORIZED, 'pre-authorized_code': code }), 400, 'invalid_grant');
  });

  it('refuses a used access token with 401 and a Bearer challenge', async () => {
    const token = await accessToken((await offerCode()).code);
    expect((await credentialRequest(token, { credential_configuration_id: CONFIGURATION, proofs: { jwt: [await proofFor()] } })).status).toBe(200);
    const replay = await credentialRequest(token, { credential_configuration_id: CONFIGURATION, proofs: { jwt: [await proofFor()] } });
    await expectOAuthError(replay, 401, 'invalid_token');
    expect(replay.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });

  it('refuses an access token after its 10 minutes', async () => {
    const token = await accessToken((await offerCode()).code);
    now += 11 * 60_000;
    await expectOAuthError(await credentialRequest(token, { credential_configuration_id: CONFIGURATION, proofs: { jwt: [await proofFor()] } }), 401, 'invalid_token');
  });

  it('refuses a used nonce, and the token still works with a new one', async () => {
    const proof = await proofFor();
    expect((await credentialRequest(await accessToken((await offerCode()).code), { credential_configuration_id: CONFIGURATION, proofs: { jwt: [proof] } })).status).toBe(200);
    const token = await accessToken((await offerCode()).code);
    await expectOAuthError(await credentialRequest(token, { credential_configuration_id: CONFIGURATION, proofs: { jwt: [proof] } }), 400, 'invalid_nonce');
    expect((await credentialRequest(token, { credential_configuration_id: CONFIGURATION, proofs: { jwt: [await proofFor()] } })).status).toBe(200);
  });

  it('refuses a nonce after its 5 minutes', async () => {
    const token = await accessToken((await offerCode()).code);
    const proof = await proofFor();
    now += 6 * 60_000;
    const stale = wallet.proof({ ...JSON.parse(Buffer.from(proof.split('.')[1]!, 'base64url').toString()), iat: Math.floor(now / 1000) });
    await expectOAuthError(await credentialRequest(token, { credential_configuration_id: CONFIGURATION, proofs: { jwt: [stale] } }), 400, 'invalid_nonce');
  });
});

describe('proofs', () => {
  const refused = async (proof: string, error = 'invalid_proof') => {
    const token = await accessToken((await offerCode()).code);
    await expectOAuthError(await credentialRequest(token, { credential_configuration_id: CONFIGURATION, proofs: { jwt: [proof] } }), 400, error);
    // a refused proof uses neither the token nor anything else
    expect((await credentialRequest(token, { credential_configuration_id: CONFIGURATION, proofs: { jwt: [await proofFor()] } })).status).toBe(200);
  };

  it('refuses a proof for another audience', async () => refused(await proofFor(wallet, { aud: issuerOf('uni-b') })));
  it('refuses a proof made long ago', async () => refused(await proofFor(wallet, { iat: Math.floor(now / 1000) - 3600 })));
  it('refuses a proof without a nonce', async () => refused(await proofFor(wallet, { nonce: undefined })));
  it('refuses a proof of another type', async () => refused(await proofFor(wallet, {}, { typ: 'JWT' })));
  it('refuses a proof by a key other than its kid\'s', async () => refused(await proofFor(wallet, {}, { kid: didKeyWallet().kid })));
  it('refuses a proof whose alg is not its key\'s', async () => refused(await proofFor(wallet, {}, { alg: 'ES256' })));
  it('refuses a proof naming its key by jwk', async () => refused(await proofFor(wallet, {}, { jwk: { kty: 'OKP', crv: 'Ed25519', x: 'AAAA' } })));
  it('refuses a tampered proof', async () => {
    const [header, , signature] = (await proofFor()).split('.');
    const claims = Buffer.from(JSON.stringify({ aud: issuerOf('uni-a'), iat: Math.floor(now / 1000), nonce: await nonce(), extra: 1 })).toString('base64url');
    await refused(`${header}.${claims}.${signature}`);
  });
  it('refuses what is not a JWT', async () => refused('not.a.jwt!'));
});

describe('tenancy', () => {
  it("refuses uni-a's code at uni-b's token endpoint, without using it up", async () => {
    const { code } = await offerCode();
    await expectOAuthError(await tokenRequest('uni-b', { grant_type: PRE_AUTHORIZED, 'pre-authorized_code': code }), 400, 'invalid_grant');
    expect(await accessToken(code)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("refuses uni-a's access token at uni-b's credential endpoint", async () => {
    const token = await accessToken((await offerCode()).code);
    const proof = wallet.proof({ aud: issuerOf('uni-b'), iat: Math.floor(now / 1000), nonce: await nonce('uni-b') });
    await expectOAuthError(await credentialRequest(token, { credential_configuration_id: CONFIGURATION, proofs: { jwt: [proof] } }, 'uni-b'), 401, 'invalid_token');
  });

  it("refuses a nonce of uni-b's in a proof to uni-a", async () => {
    const token = await accessToken((await offerCode()).code);
    const proof = wallet.proof({ aud: issuerOf('uni-a'), iat: Math.floor(now / 1000), nonce: await nonce('uni-b') });
    await expectOAuthError(await credentialRequest(token, { credential_configuration_id: CONFIGURATION, proofs: { jwt: [proof] } }), 400, 'invalid_nonce');
  });
});

describe('requests a client gets wrong', () => {
  it('answers the token endpoint\'s errors', async () => {
    await expectOAuthError(await tokenRequest('uni-a', { grant_type: 'authorization_code', code: 'x' }), 400, 'unsupported_grant_type');
    await expectOAuthError(await tokenRequest('uni-a', { grant_type: PRE_AUTHORIZED }), 400, 'invalid_request');
    await expectOAuthError(await tokenRequest('uni-a', {}), 400, 'invalid_request');
    await expectOAuthError(await tokenRequest('uni-a', { grant_type: PRE_AUTHORIZED, 'pre-authorized_code': 'x' }, 'application/json'), 400, 'invalid_request');
    await expectOAuthError(await tokenRequest('uni-a', { grant_type: PRE_AUTHORIZED, 'pre-authorized_code': 'short' }), 400, 'invalid_grant');
  });

  it('answers the credential endpoint\'s errors', async () => {
    const token = await accessToken((await offerCode()).code);
    await expectOAuthError(await credentialRequest(token, { credential_configuration_id: 'other', proofs: { jwt: [await proofFor()] } }), 400, 'unknown_credential_configuration');
    await expectOAuthError(await credentialRequest(token, { credential_configuration_id: CONFIGURATION }), 400, 'invalid_proof');
    await expectOAuthError(await credentialRequest(token, { proofs: { jwt: [await proofFor()] } }), 400, 'invalid_credential_request');
    await expectOAuthError(await credentialRequest(token, { credential_configuration_id: CONFIGURATION, proofs: { jwt: [await proofFor(), await proofFor()] } }), 400, 'invalid_credential_request');
    await expectOAuthError(await credentialRequest(token, '{"credential_configuration_id":'), 400, 'invalid_credential_request');
    await expectOAuthError(await credentialRequest(token, []), 400, 'invalid_credential_request');
    await expectOAuthError(await credentialRequest('', {}), 401, 'invalid_token');
    // nothing above used the token
    expect((await credentialRequest(token, { credential_configuration_id: CONFIGURATION, proofs: { jwt: [await proofFor()] } })).status).toBe(200);
  });

  it('bounds the body', async () => {
    const response = await credentialRequest('x', { credential_configuration_id: 'x'.repeat(100 * 1024) });
    expect(response.status).toBe(413);
  });
});
