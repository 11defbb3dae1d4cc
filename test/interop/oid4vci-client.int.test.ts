/**
 * A real OpenID4VCI wallet client against a local exchange over HTTP: the OpenWallet
 * Foundation's `Openid4vciClient` (@openid4vc/openid4vci 0.4.6, OpenID4VCI 1.0) takes the
 * credential offer a claim page shows (by reference, `credential_offer_uri`), resolves the
 * issuer's metadata from the well-known paths, trades the pre-authorized code for an access
 * token, asks for a nonce and gets the credential with a `jwt` proof by its did:key (Ed25519)
 * or did:jwk (P-256). A verifier sharing no code with the exchange accepts what it gets, bound to
 * the client's DID. Replays of the code and the token are refused in the spec's words.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Openid4vciClient, Openid4vciRetrieveCredentialsError, setGlobalConfig } from '@openid4vc/openid4vci';
import { ed25519ToMultibase, hashSecret } from '@cx/domain';
import { startLocalExchange, type LocalExchange } from '@cx/local';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { componentBody } from '../../functions/catalogue/src/fixtures.js';
import { readEml } from '../support/eml.js';
import { independentVerifier } from '../support/independent-verifier.js';

type Json = Record<string, any>;

const ADMIN_TOKEN = 'oid4vci-client-admin-token-0123456789';
const ADA = { name: 'Ada Lovelace', email: 'ada@example.org' };
let exchange: LocalExchange;
let uniA: string;

/** A wallet key: its DID, the `kid` of its proofs, and the key that signs them. */
interface WalletKey {
  did: string;
  kid: string;
  alg: 'EdDSA' | 'ES256';
  privateKey: KeyObject;
  publicJwk: { kty: string; crv: string; x: string; y?: string };
}

function didKeyWallet(): WalletKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const multibase = ed25519ToMultibase(new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(-32)));
  const { x } = publicKey.export({ format: 'jwk' });
  return { did: `did:key:${multibase}`, kid: `did:key:${multibase}#${multibase}`, alg: 'EdDSA', privateKey, publicJwk: { kty: 'OKP', crv: 'Ed25519', x: x! } };
}

function didJwkWallet(): WalletKey {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { x, y } = publicKey.export({ format: 'jwk' });
  const publicJwk = { kty: 'EC', crv: 'P-256', x: x!, y: y! };
  const did = `did:jwk:${Buffer.from(JSON.stringify(publicJwk)).toString('base64url')}`;
  return { did, kid: `${did}#0`, alg: 'ES256', privateKey, publicJwk };
}

/** The client, with the callbacks it needs: fetch, hashing, randomness, and signing with the wallet's key. */
function clientFor(wallet: WalletKey): Openid4vciClient {
  return new Openid4vciClient({
    callbacks: {
      fetch,
      hash: (data) => createHash('sha256').update(data).digest(),
      generateRandom: (bytes) => randomBytes(bytes),
      // the pre-authorized code flow without client authentication (anonymous access)
      clientAuthentication: () => undefined,
      signJwt: (_signer, { header, payload }) => {
        const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
        const signature =
          wallet.alg === 'EdDSA' ? sign(null, Buffer.from(input), wallet.privateKey) : sign('sha256', Buffer.from(input), { key: wallet.privateKey, dsaEncoding: 'ieee-p1363' });
        return { jwt: `${input}.${signature.toString('base64url')}`, signerJwk: wallet.publicJwk };
      },
    },
  });
}

async function call(status: number, method: string, path: string, key: string, body?: unknown): Promise<Json> {
  const response = await fetch(`${exchange.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return text ? (JSON.parse(text) as Json) : {};
}

/** The claim link mailed for a credential: found in the outbox by the hash its delivery keeps. */
async function claimToken(credentialId: string): Promise<string> {
  const delivery = await exchange.deps.store.deliveries.get('uni-a', credentialId, true);
  const deadline = Date.now() + 30_000;
  for (;;) {
    for (const file of readdirSync(exchange.outboxDir).filter((name) => name.endsWith('.eml'))) {
      const text = readEml(join(exchange.outboxDir, file)).parts.map((part) => part.body).join('\n');
      const token = [...text.matchAll(/\/claim\/([A-Za-z0-9_-]{43})/g)].map((match) => match[1]!).find((t) => hashSecret(t) === delivery?.claimTokenHash);
      if (token) return token;
    }
    if (Date.now() > deadline) throw new Error(`no claim notice of ${credentialId} in the outbox`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A credential uni-a issues to Ada, and the OpenID4VCI offer link its claim page shows. */
async function claimPageOffer(): Promise<{ id: string; credential: Json; offerLink: string }> {
  const { id, credential } = await call(201, 'POST', '/v1/institutions/uni-a/credentials', uniA, { achievement: { type: 'component', code: 'ML-1' }, recipient: ADA });
  // the claim page's "add to my wallet" is a form, answering the page of wallet links
  const response = await fetch(`${exchange.url}/claim/${await claimToken(id)}/wallet`, {
    method: 'POST',
    headers: { origin: exchange.url, 'content-type': 'application/x-www-form-urlencoded' },
    body: '',
  });
  expect(response.status).toBe(200);
  const page = await response.text();
  const href = /id="oid4vci-link" href="([^"]+)"/.exec(page)?.[1];
  expect(href, 'the claim page\'s credential offer link').toBeDefined();
  return { id, credential, offerLink: href!.replaceAll('&amp;', '&') };
}

/** The whole flow as a wallet runs it: offer, metadata, token, nonce, proof, credential. */
async function receive(wallet: WalletKey, offerLink: string) {
  const client = clientFor(wallet);
  const credentialOffer = await client.resolveCredentialOffer(offerLink);
  const issuerMetadata = await client.resolveIssuerMetadata(credentialOffer.credential_issuer);
  const { accessTokenResponse } = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({ credentialOffer, issuerMetadata });
  const credentialConfigurationId = credentialOffer.credential_configuration_ids[0]!;
  const proofOf = async () => {
    const { c_nonce } = await client.requestNonce({ issuerMetadata });
    return client.createCredentialRequestJwtProof({
      issuerMetadata,
      credentialConfigurationId,
      signer: { method: 'did', didUrl: wallet.kid, alg: wallet.alg },
      nonce: c_nonce,
      issuedAt: new Date(),
    });
  };
  const retrieve = async () =>
    client.retrieveCredentials({ issuerMetadata, credentialConfigurationId, accessToken: accessTokenResponse.access_token, proofs: { jwt: [(await proofOf()).jwt] } });
  const { credentialResponse } = await retrieve();
  return { client, credentialOffer, issuerMetadata, credentialResponse, retrieve };
}

beforeAll(async () => {
  exchange = await startLocalExchange({
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), 'cx-oid4vci-client-')),
    dynamoEndpoint: inject('dynamoEndpoint'),
    tableName: `oid4vci-client-${Math.random().toString(36).slice(2)}`,
    adminToken: ADMIN_TOKEN,
  });
  // the exchange answers on http://localhost; the client insists on https unless told otherwise
  setGlobalConfig({ allowInsecureUrls: true });
  uniA = (await call(201, 'POST', '/v1/institutions', ADMIN_TOKEN, { id: 'uni-a', name: 'University uni-a', country: 'NL', homepage: 'https://uni-a.example.edu' })).apiKey;
  await call(201, 'PUT', '/v1/institutions/uni-a/components/ML-1', uniA, componentBody({ ects: 5 }));
}, 120_000);

afterAll(async () => {
  setGlobalConfig({ allowInsecureUrls: false });
  await exchange?.stop();
});

describe('a claim page’s credential offer into an OpenID4VCI wallet', () => {
  it.each([
    ['did:key (Ed25519)', didKeyWallet],
    ['did:jwk (P-256)', didJwkWallet],
  ])('gets a credential bound to its %s that an independent verifier accepts', async (_, makeWallet) => {
    const wallet = makeWallet();
    const original = await claimPageOffer();
    expect(original.offerLink).toMatch(/^openid-credential-offer:\/\/\?credential_offer_uri=/);

    const { issuerMetadata, credentialResponse } = await receive(wallet, original.offerLink);

    // the client reads the metadata as 1.0's (requests by credential_configuration_id)
    expect(issuerMetadata.originalDraftVersion).toBe('V1');
    expect(issuerMetadata.credentialIssuer.credential_issuer).toBe(`${exchange.url}/institutions/uni-a`);
    const [entry] = credentialResponse.credentials as Array<{ credential: Json }>;
    const copy = entry!.credential;
    expect(copy.credentialSubject.id).toBe(wallet.did);
    expect(copy.credentialSubject.achievement).toEqual(original.credential.credentialSubject.achievement);
    const verification = await independentVerifier(exchange.url).verify(copy);
    expect(verification.error).toBeUndefined();
    expect(verification.verified).toBe(true);
  });

  it('is refused a second access token for the same offer, and a second credential for the same token', async () => {
    const wallet = didKeyWallet();
    const { client, credentialOffer, issuerMetadata, retrieve } = await receive(wallet, (await claimPageOffer()).offerLink);

    const codeReplay = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({ credentialOffer, issuerMetadata }).then(
      () => undefined,
      (error: { errorResponse?: Json }) => error.errorResponse,
    );
    expect(codeReplay?.error).toBe('invalid_grant');

    const tokenReplay = await retrieve().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(tokenReplay).toBeInstanceOf(Openid4vciRetrieveCredentialsError);
    const response = (tokenReplay as Openid4vciRetrieveCredentialsError).response;
    expect(response.response.status).toBe(401);
    expect(response.credentialErrorResponseResult?.data?.error).toBe('invalid_token');
  });

  it('holds a copy that is revoked with its original', async () => {
    const original = await claimPageOffer();
    const { credentialResponse } = await receive(didKeyWallet(), original.offerLink);
    const copy = (credentialResponse.credentials as Array<{ credential: Json }>)[0]!.credential;

    await call(200, 'POST', `/v1/institutions/uni-a/credentials/${original.id}/status`, uniA, { status: 'revoked', reason: 'issued in error' });

    const verification = await independentVerifier(exchange.url).verify(copy);
    expect(verification.verified).toBe(false);
    expect(verification.statuses).toContainEqual(expect.objectContaining({ set: true }));
  });
});
