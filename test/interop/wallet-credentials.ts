/**
 * What the wallet interop tests verify: a local exchange over HTTPS (a self-signed certificate,
 * so did:web resolves as it does for a real member) with two members, and one credential of
 * every kind the exchange issues (component, badge, micro-degree, recognition record) plus a
 * revoked and a suspended one, issued through the API.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { startLocalExchange, tlsFromSettings, tlsDir, type LocalExchange } from '@cx/local';
import { badgeBody, componentBody, degreeBody } from '../../functions/catalogue/src/fixtures.js';

type Json = Record<string, any>;

/** Every kind, as the tests name them. */
export const KINDS = ['component', 'badge', 'micro-degree', 'recognition record'] as const;
export type Kind = (typeof KINDS)[number];

export interface WalletExchange {
  exchange: LocalExchange;
  /** The PEM file of the exchange's certificate, for clients told to trust it. */
  certFile: string;
  /** The certificate itself. */
  cert: string;
  /** `https://localhost:<port>/registry/dcc-legacy.json`. */
  registryUrl: string;
  /**
   * Every kind; a revoked and a suspended one; and one naming the EU context by its URL, as
   * credentials issued before the context was embedded do (signed through the VC API).
   */
  credentials: Record<Kind | 'revoked' | 'suspended' | 'context by URL', Json>;
  /** Changes a credential's status through the API. */
  setStatus(credential: Json, status: 'active' | 'revoked' | 'suspended'): Promise<void>;
  stop(): Promise<void>;
}

const ADMIN_TOKEN = 'wallet-interop-admin-token-0123456789';
const STUDENT = { name: 'Ada Lovelace', email: 'ada@example.org' };

/** Starts the exchange over HTTPS on a free port and issues the credentials. */
export async function startWalletExchange(): Promise<WalletExchange> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cx-wallet-'));
  const tls = tlsFromSettings({ CX_TLS: 'self-signed' }, dataDir)!;
  const exchange = await startLocalExchange({
    port: 0,
    dataDir,
    tls,
    dynamoEndpoint: inject('dynamoEndpoint'),
    tableName: `wallet-${Math.random().toString(36).slice(2)}`,
    adminToken: ADMIN_TOKEN,
  });
  // in process, so this test's own calls need not trust the certificate
  const call = async (status: number, method: string, path: string, key?: string, body?: unknown): Promise<Json> => {
    const response = await exchange.fetch(
      new Request(`${exchange.url}${path}`, {
        method,
        headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
    const text = await response.text();
    if (response.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${response.status} ${text}`);
    return text ? (JSON.parse(text) as Json) : {};
  };
  try {
    const keys: Record<string, string> = {};
    let onboardedDid = '';
    for (const [id, country] of [
      ['uni-a', 'PT'],
      ['uni-b', 'NL'],
    ] as const) {
      const onboarded = await call(201, 'POST', '/v1/institutions', ADMIN_TOKEN, { id, name: `University ${id.slice(-1).toUpperCase()}`, country, homepage: `https://${id}.example.edu` });
      keys[id] = onboarded.apiKey;
      if (id === 'uni-a') onboardedDid = onboarded.institution.did;
    }
    const put = (path: string, body: unknown) => call(201, 'PUT', `/v1/institutions/uni-a/${path}`, keys['uni-a'], body);
    await put('components/ML-1', componentBody({ title: 'Machine Learning', ects: 5 }));
    await put('components/DE-1', componentBody({ title: 'Data Engineering', ects: 4 }));
    await put('badges/MENTOR', badgeBody());
    await put('micro-degrees/ADS', degreeBody([{ institution: 'uni-a', code: 'ML-1' }, { institution: 'uni-a', code: 'DE-1' }]));
    await call(201, 'PUT', '/v1/institutions/uni-b/agreements/uni-a-2026', keys['uni-b'], {
      partner: 'uni-a',
      validFrom: '2026-01-01',
      rules: [{ partnerComponent: 'ML-1', reviewedVersion: 1, recognisedAs: { ects: 5 } }],
    });

    const issue = async (type: string, code: string, recipient: Json = STUDENT) =>
      (await call(201, 'POST', '/v1/institutions/uni-a/credentials', keys['uni-a'], { achievement: { type, code }, recipient })).credential as Json;
    const component = await issue('component', 'ML-1');
    await issue('component', 'DE-1');
    const credentials: WalletExchange['credentials'] = {
      component,
      badge: await issue('badge', 'MENTOR', { name: 'Grace Hopper', did: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' }),
      'micro-degree': await issue('micro-degree', 'ADS'),
      'recognition record': (await call(201, 'POST', '/v1/institutions/uni-b/transfers', undefined, { student: STUDENT, credentials: [component] })).recognitionCredential,
      revoked: await issue('component', 'DE-1', { name: 'Rev', email: 'rev@example.org' }),
      suspended: await issue('badge', 'MENTOR', { name: 'Sus', email: 'sus@example.org' }),
      'context by URL': (
        await call(201, 'POST', '/vc-api/institutions/uni-a/credentials/issue', keys['uni-a'], {
          credential: {
            '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json', `${exchange.url}/contexts/eu-microcredential/v1.jsonld`],
            id: `urn:uuid:${randomUUID()}`,
            type: ['VerifiableCredential', 'OpenBadgeCredential'],
            issuer: { id: onboardedDid, type: ['Profile'], name: 'University A' },
            validFrom: '2026-01-01T00:00:00Z',
            name: 'Machine Learning',
            credentialSubject: {
              id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
              type: ['AchievementSubject'],
              achievement: {
                id: 'https://uni-a.example.edu/achievements/ml',
                type: ['Achievement'],
                name: 'Machine Learning',
                description: 'Supervised learning in Python.',
                criteria: { narrative: 'Passed the project.' },
                ectsCredits: 5,
              },
            },
          },
        })
      ).verifiableCredential,
    };
    const setStatus: WalletExchange['setStatus'] = async (credential, status) => {
      await call(200, 'POST', `/v1/institutions/uni-a/credentials/${credential.id}/status`, keys['uni-a'], { status, reason: 'wallet interop test' });
    };
    await setStatus(credentials.revoked, 'revoked');
    await setStatus(credentials.suspended, 'suspended');
    return {
      exchange,
      certFile: join(tlsDir(dataDir), 'cert.pem'),
      cert: tls.cert,
      registryUrl: `${exchange.url}/registry/dcc-legacy.json`,
      credentials,
      setStatus,
      stop: async () => {
        await exchange.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await exchange.stop();
    throw error;
  }
}
