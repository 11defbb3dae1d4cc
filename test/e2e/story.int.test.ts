/**
 * The whole recognition story over real HTTP against the local exchange (`startLocalExchange`,
 * its own DynamoDB Local in memory): two universities onboard, A publishes components, B a
 * micro-degree stacking one of A's components with one of its own, B agrees to recognise A's
 * component, the student carries A's credentials to B without a key, one is recognised at
 * once, the other refused with a justification, appealed and recognised, B issues the
 * micro-degree from recognised and own credentials, and a verifier that shares no code with
 * the exchange accepts the micro-degree and the recognition records.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalExchange, type LocalExchange } from '@cx/local';
import { independentVerifier } from '../support/independent-verifier.js';
import { componentBody, degreeBody } from '../../functions/catalogue/src/fixtures.js';

type Json = Record<string, any>;

const ADMIN_TOKEN = 'story-admin-token-0123456789abcdef';
const STUDENT = { name: 'Ada Lovelace', email: 'ada@example.org' };

let exchange: LocalExchange;
let dataDir: string;
const key: Record<string, string> = {};

async function call(method: string, path: string, options: { key?: string; body?: unknown } = {}): Promise<{ status: number; body: Json; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${exchange.url}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Json) : {}, headers: response.headers };
}

/** Calls and insists on `status`, showing the answer when it differs. */
async function expectCall(status: number, method: string, path: string, options: { key?: string; body?: unknown } = {}): Promise<Json> {
  const answer = await call(method, path, options);
  expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body)}`).toBe(status);
  return answer.body;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'cx-story-'));
  exchange = await startLocalExchange({ port: 0, dataDir, inMemory: true, adminToken: ADMIN_TOKEN });
}, 90_000);

afterAll(async () => {
  await exchange?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('a student carries credits from university A to university B', () => {
  const issued: Record<string, Json> = {};
  let firstTransfer: Json;
  let secondTransfer: Json;
  let secondToken: string;
  let microDegree: Json;

  it('onboards two universities with the admin token', async () => {
    for (const id of ['uni-a', 'uni-b']) {
      const body = await expectCall(201, 'POST', '/v1/institutions', {
        key: ADMIN_TOKEN,
        body: { id, name: `University ${id.slice(-1).toUpperCase()}`, country: id === 'uni-a' ? 'PT' : 'NL', homepage: `https://${id}.example.edu` },
      });
      key[id] = body.apiKey;
    }
  });

  it('publishes A’s components and B’s own component and micro-degree stacking one of A’s with it', async () => {
    await expectCall(201, 'PUT', '/v1/institutions/uni-a/components/ML-1', { key: key['uni-a'], body: componentBody({ title: 'Machine Learning', ects: 5 }) });
    await expectCall(201, 'PUT', '/v1/institutions/uni-a/components/DE-1', { key: key['uni-a'], body: componentBody({ title: 'Data Engineering', ects: 4 }) });
    await expectCall(201, 'PUT', '/v1/institutions/uni-b/components/MLOPS-1', { key: key['uni-b'], body: componentBody({ title: 'Machine Learning Operations', ects: 6 }) });
    const degree = await expectCall(201, 'PUT', '/v1/institutions/uni-b/micro-degrees/ADS', {
      key: key['uni-b'],
      body: degreeBody([
        { institution: 'uni-a', code: 'ML-1' },
        { institution: 'uni-b', code: 'MLOPS-1' },
      ]),
    });
    expect(degree).toMatchObject({ totalEcts: 11, requirement: { type: 'all' } });
  });

  it('lets B agree to recognise A’s ML-1, visible to A through the consortium-wide list', async () => {
    const agreement = await expectCall(201, 'PUT', '/v1/institutions/uni-b/agreements/uni-a-2026', {
      key: key['uni-b'],
      body: { partner: 'uni-a', validFrom: '2026-01-01', rules: [{ partnerComponent: 'ML-1', reviewedVersion: 1, recognisedAs: { ects: 5 } }] },
    });
    expect(agreement.rules[0]).toMatchObject({ partnerComponent: 'ML-1', needsReview: false, currentVersion: 1 });
    const seenByA = await expectCall(200, 'GET', '/v1/agreements?partner=uni-a', { key: key['uni-a'] });
    expect(seenByA.items.map((a: Json) => `${a.institution}/${a.id}`)).toEqual(['uni-b/uni-a-2026']);
  });

  it('has A issue the student credentials for ML-1 and DE-1', async () => {
    for (const code of ['ML-1', 'DE-1']) {
      const body = await expectCall(201, 'POST', '/v1/institutions/uni-a/credentials', {
        key: key['uni-a'],
        body: { achievement: { type: 'component', code }, recipient: STUDENT, result: { grade: '16', ectsEarned: code === 'ML-1' ? 5 : 4 } },
      });
      issued[code] = body.credential;
    }
  });

  it('recognises the ML-1 credential at once when the student submits it to B without a key', async () => {
    firstTransfer = await expectCall(201, 'POST', '/v1/institutions/uni-b/transfers', { body: { student: STUDENT, credentials: [issued['ML-1']] } });
    expect(firstTransfer).toMatchObject({
      status: 'decided',
      totalEctsRecognised: 5,
      trackingToken: expect.any(String),
      items: [{ credentialId: issued['ML-1']!.id, issuer: issued['ML-1']!.issuer.id, component: 'uni-a/ML-1', outcome: 'recognised', ects: 5 }],
    });
    expect(firstTransfer.recognitionCredential.credentialSubject.recognisedItems).toHaveLength(1);
  });

  it('sends the DE-1 credential, which no rule covers, to B’s reviewers', async () => {
    secondTransfer = await expectCall(201, 'POST', '/v1/institutions/uni-b/transfers', { body: { student: STUDENT, credentials: [issued['DE-1']] } });
    secondToken = secondTransfer.trackingToken;
    expect(secondTransfer).toMatchObject({ status: 'pending-review', totalEctsRecognised: 0, items: [{ component: 'uni-a/DE-1', outcome: 'pending' }] });
    expect(secondTransfer.recognitionCredential).toBeUndefined();
    const pending = await expectCall(200, 'GET', '/v1/institutions/uni-b/transfers?status=pending-review', { key: key['uni-b'] });
    expect(pending.items.map((t: Json) => t.id)).toEqual([secondTransfer.id]);
  });

  it('lets B refuse it, naming the substantial difference', async () => {
    const refused = await expectCall(200, 'POST', `/v1/institutions/uni-b/transfers/${secondTransfer.id}/decisions`, {
      key: key['uni-b'],
      body: {
        credentialId: issued['DE-1']!.id,
        outcome: 'rejected',
        justification: { difference: 'learning-outcomes', explanation: 'DE-1 covers no stream processing, which our programme requires.' },
      },
    });
    expect(refused).toMatchObject({ status: 'decided', items: [{ outcome: 'rejected', ects: 0 }] });
    expect(refused.recognitionCredential.credentialSubject.rejectedItems).toEqual([
      expect.objectContaining({ originalCredential: issued['DE-1']!.id, substantialDifference: 'learning-outcomes' }),
    ]);
  });

  it('lets the student appeal with the tracking token, and B recognise it after all', async () => {
    const appealed = await expectCall(200, 'POST', `/v1/institutions/uni-b/transfers/${secondTransfer.id}/appeals?token=${secondToken}`, {
      body: { credentialId: issued['DE-1']!.id, grounds: 'Week 6 of DE-1 is on stream processing; see the syllabus.' },
    });
    expect(appealed).toMatchObject({ status: 'pending-review', items: [{ outcome: 'pending', appealed: true }] });
    const recognised = await expectCall(200, 'POST', `/v1/institutions/uni-b/transfers/${secondTransfer.id}/decisions`, {
      key: key['uni-b'],
      body: { credentialId: issued['DE-1']!.id, outcome: 'recognised', ects: 4, justification: { explanation: 'The syllabus shows stream processing in week 6.' } },
    });
    expect(recognised).toMatchObject({ status: 'decided', totalEctsRecognised: 4, items: [{ outcome: 'recognised', ects: 4, appealed: true }] });
    // the first decision stays in the history
    expect(recognised.items[0].history.map((h: Json) => h.outcome ?? 'appeal')).toEqual(['rejected', 'appeal', 'recognised']);
    secondTransfer = recognised;
  });

  it('shows the student the decided transfer by tracking token', async () => {
    const seen = await expectCall(200, 'GET', `/v1/transfers/${secondTransfer.id}?token=${secondToken}`);
    expect(seen).toMatchObject({ id: secondTransfer.id, status: 'decided', totalEctsRecognised: 4 });
    expect(seen.recognitionCredential.id).toBe(secondTransfer.recognitionCredential.id);
  });

  it('has B issue its own component and then the micro-degree built from the recognised and the own credential', async () => {
    const own = await expectCall(201, 'POST', '/v1/institutions/uni-b/credentials', {
      key: key['uni-b'],
      body: { achievement: { type: 'component', code: 'MLOPS-1' }, recipient: STUDENT },
    });
    microDegree = (
      await expectCall(201, 'POST', '/v1/institutions/uni-b/credentials', {
        key: key['uni-b'],
        body: { achievement: { type: 'micro-degree', code: 'ADS' }, recipient: STUDENT },
      })
    ).credential;
    const evidence = (microDegree.evidence as Json[]).map((e) => e.id);
    expect(evidence.sort()).toEqual([issued['ML-1']!.id, own.credential.id].sort());
    expect(microDegree.issuer.id).toBe(`did:web:localhost%3A${exchange.port}:institutions:uni-b`);
  });

  it('has an independent verifier accept the micro-degree, fetching DID documents and status lists over HTTP, and no context of the exchange', async () => {
    const result = await independentVerifier(exchange.url).verify(microDegree);
    expect(result, result.error).toMatchObject({ verified: true });
    // its one status entry (purpose message), not set while active
    expect(result.statuses).toEqual([{ purpose: 'message', set: false }]);
    expect(result.loaded).toEqual(expect.arrayContaining([expect.stringMatching(/^did:web:localhost%3A\d+:institutions:uni-b#key-1$/)]));
    // the EU context is inline in the credential
    expect(result.loaded.filter((url: string) => url.startsWith(`${exchange.url}/contexts/`))).toEqual([]);
  });

  it('has the independent verifier accept both recognition records, loading no context of the exchange (it is inline)', async () => {
    for (const transfer of [firstTransfer, secondTransfer]) {
      const result = await independentVerifier(exchange.url).verify(transfer.recognitionCredential);
      expect(result, result.error).toMatchObject({ verified: true });
      expect(result.loaded.filter((url: string) => url.startsWith(`${exchange.url}/contexts/`))).toEqual([]);
    }
  });

  it('has the independent verifier refuse a recognition record whose ECTS were changed', async () => {
    const tampered = structuredClone(secondTransfer.recognitionCredential);
    tampered.credentialSubject.recognisedItems[0].ectsRecognised = 30;
    expect((await independentVerifier(exchange.url).verify(tampered)).verified).toBe(false);
  });

  it('has the independent verifier refuse the micro-degree once B revokes it', async () => {
    await expectCall(200, 'POST', `/v1/institutions/uni-b/credentials/${microDegree.id}/status`, { key: key['uni-b'], body: { status: 'revoked', reason: 'story check' } });
    const result = await independentVerifier(exchange.url).verify(microDegree);
    expect(result.verified).toBe(false);
    expect(result.statuses).toEqual([{ purpose: 'message', set: true }]);
  });
});
