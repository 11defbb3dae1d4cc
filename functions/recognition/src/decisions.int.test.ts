/**
 * Reviewers' decisions and students' appeals: what a decision needs, the order an item moves
 * through (pending -> decided -> appealed -> decided again, the history kept), the student's
 * view by tracking token, the audit trail, and the signed recognition record once nothing
 * is pending.
 */
import { RECOGNITION_CONTEXT_V1 } from '@cx/credentials';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableSnapshot } from '../../../test/support/dynamo.js';
import { PUBLIC_URL, testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { expectProblem, fieldsOf } from '../../../test/support/problem.js';
import { badgeBody, componentBody } from '../../catalogue/src/fixtures.js';
import { createRecognitionApp } from './app.js';
import { ADA, agreementBody, recognise, reject, rule, transferBody } from './fixtures.js';

type Json = Record<string, any>;

let cx: TestExchange;
let recognitionApp: ReturnType<typeof createRecognitionApp>;
const key: Record<string, string> = {};
const DID_A = 'did:web:exchange.test%3A8080:institutions:uni-a';
const DID_B = 'did:web:exchange.test%3A8080:institutions:uni-b';

beforeAll(async () => {
  cx = await testExchange();
  recognitionApp = createRecognitionApp(cx.deps);
  for (const id of ['uni-a', 'uni-b']) key[id] = (await cx.onboard(id)).apiKey;
  for (const code of ['ML-1', 'DE-1']) {
    expect((await cx.request('PUT', `/v1/institutions/uni-a/components/${code}`, { key: key['uni-a'], body: componentBody({ ects: 5 }) })).status).toBe(201);
  }
  expect((await cx.request('PUT', '/v1/institutions/uni-a/badges/MENTOR', { key: key['uni-a'], body: badgeBody() })).status).toBe(201);
  expect((await cx.request('PUT', '/v1/institutions/uni-b/components/OWN-1', { key: key['uni-b'], body: componentBody() })).status).toBe(201);
  const agreement = await cx.request('PUT', '/v1/institutions/uni-b/agreements/ab', { key: key['uni-b'], body: agreementBody('uni-a', [rule('ML-1', { component: 'OWN-1', ects: 5 })]) });
  expect(agreement.status).toBe(201);
});

async function issue(code: string, type = 'component'): Promise<Json> {
  const response = await cx.request('POST', '/v1/institutions/uni-a/credentials', { key: key['uni-a'], body: { achievement: { type, code }, recipient: ADA } });
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as Json).credential;
}

let students = 0;
/**
 * A transfer submitted by a student without a key, each from a client address of its own
 * (keyless submissions are rate-limited per address): its answer, with the tracking token.
 */
async function submitAsStudent(credentials: unknown[]): Promise<Json> {
  const request = new Request(`${PUBLIC_URL}/v1/institutions/uni-b/transfers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(transferBody(credentials)),
  });
  const response = await recognitionApp.fetch(request, { incoming: { socket: { remoteAddress: `192.0.2.${++students}` } } });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as Json;
}

async function submitAsInstitution(credentials: unknown[]): Promise<Json> {
  const response = await cx.request('POST', '/v1/institutions/uni-b/transfers', { key: key['uni-b'], body: transferBody(credentials) });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as Json;
}

const decide = (transferId: string, body: unknown, apiKey = key['uni-b']) =>
  cx.request('POST', `/v1/institutions/uni-b/transfers/${transferId}/decisions`, { key: apiKey, body });

const appeal = (transferId: string, body: unknown, options: { token?: string; key?: string } = {}) =>
  cx.request('POST', `/v1/institutions/uni-b/transfers/${transferId}/appeals${options.token ? `?token=${encodeURIComponent(options.token)}` : ''}`, {
    key: options.key,
    body,
  });

async function ok(response: Response | Promise<Response>, status = 200): Promise<Json> {
  const answer = await response;
  expect(answer.status, await answer.clone().text()).toBe(status);
  return (await answer.json()) as Json;
}

/** A student's transfer of one credential no rule covers: pending, with its token. */
async function pendingTransfer(): Promise<{ transfer: Json; credential: Json; token: string }> {
  const credential = await issue('DE-1');
  const transfer = await submitAsStudent([credential]);
  expect(transfer.status).toBe('pending-review');
  return { transfer, credential, token: transfer.trackingToken };
}

describe('POST /v1/institutions/{id}/transfers/{transferId}/decisions', () => {
  it('recognises a pending item with the credential’s own ECTS when none are given', async () => {
    const { transfer, credential } = await pendingTransfer();
    const decided = await ok(decide(transfer.id, recognise(credential.id)));
    expect(decided).toMatchObject({ status: 'decided', totalEctsRecognised: 5, items: [{ outcome: 'recognised', ects: 5, reason: 'Comparable learning outcomes and workload.' }] });
  });

  it('recognises a pending item as an own component for the ECTS the reviewer gives', async () => {
    const { transfer, credential } = await pendingTransfer();
    const decided = await ok(decide(transfer.id, recognise(credential.id, { ects: 3, recognisedAs: 'OWN-1' })));
    expect(decided.items[0]).toMatchObject({ outcome: 'recognised', ects: 3, recognisedAs: 'OWN-1' });
    expect(decided.items[0].history).toEqual([
      expect.objectContaining({ outcome: 'recognised', ects: 3, recognisedAs: 'OWN-1', decidedBy: expect.objectContaining({ kind: 'institution', id: 'uni-b' }) }),
    ]);
  });

  it('rejects with the substantial difference and the explanation in the reason', async () => {
    const { transfer, credential } = await pendingTransfer();
    const decided = await ok(decide(transfer.id, reject(credential.id, 'level')));
    expect(decided.items[0]).toMatchObject({ outcome: 'rejected', ects: 0, reason: 'substantial difference in level: Half the workload of our component.' });
  });

  it('refuses a rejection without the difference, naming justification.difference, and writes nothing', async () => {
    const { transfer, credential } = await pendingTransfer();
    const before = await tableSnapshot(cx.deps.store);
    const problem = await expectProblem(
      await decide(transfer.id, { credentialId: credential.id, outcome: 'rejected', justification: { explanation: 'Not comparable.' } }),
      400,
    );
    expect(fieldsOf(problem)).toEqual(['justification.difference']);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('refuses to decide an item twice (409)', async () => {
    const { transfer, credential } = await pendingTransfer();
    await ok(decide(transfer.id, recognise(credential.id)));
    const before = await tableSnapshot(cx.deps.store);
    await expectProblem(await decide(transfer.id, reject(credential.id)), 409);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('refuses to decide an item a rule already recognised (409)', async () => {
    const credential = await issue('ML-1');
    const transfer = await submitAsInstitution([credential]);
    await expectProblem(await decide(transfer.id, reject(credential.id)), 409);
  });

  it('lets exactly one of two simultaneous decisions on an item through', async () => {
    const { transfer, credential } = await pendingTransfer();
    const answers = await Promise.all([decide(transfer.id, recognise(credential.id)), decide(transfer.id, reject(credential.id))]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const stored = await ok(cx.request('GET', `/v1/institutions/uni-b/transfers/${transfer.id}`, { key: key['uni-b'] }));
    expect(stored.items[0].history).toHaveLength(1);
  });

  it('answers 404 for a credential the transfer does not hold', async () => {
    const { transfer } = await pendingTransfer();
    await expectProblem(await decide(transfer.id, recognise('urn:uuid:00000000-0000-4000-8000-000000000000')), 404);
  });

  it('answers 404 for a transfer that does not exist', async () => {
    await expectProblem(await decide('00000000-0000-4000-8000-000000000000', recognise('urn:uuid:x')), 404);
  });

  it('refuses to recognise as an own component that does not exist, naming recognisedAs', async () => {
    const { transfer, credential } = await pendingTransfer();
    const before = await tableSnapshot(cx.deps.store);
    const problem = await expectProblem(await decide(transfer.id, recognise(credential.id, { recognisedAs: 'NOPE-1' })), 400);
    expect(fieldsOf(problem)).toEqual(['recognisedAs']);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('recognises a credential that is no catalogue component, such as a partner’s badge, for the ECTS the reviewer gives', async () => {
    const badge = await issue('MENTOR', 'badge');
    const transfer = await submitAsInstitution([badge]);
    expect(transfer.items[0]).toMatchObject({ outcome: 'pending', component: null });
    const decided = await ok(decide(transfer.id, recognise(badge.id, { ects: 1 })));
    expect(decided).toMatchObject({ status: 'decided', totalEctsRecognised: 1, items: [{ outcome: 'recognised', ects: 1 }] });
    // and it counts once: a second submission is a duplicate
    expect((await submitAsInstitution([badge])).items[0]).toMatchObject({ outcome: 'rejected', reason: expect.stringMatching(/^duplicate: already recognised/) });
  });

  it('needs the ECTS when the credential states none', async () => {
    const badge = await issue('MENTOR', 'badge');
    const transfer = await submitAsInstitution([badge]);
    const problem = await expectProblem(await decide(transfer.id, recognise(badge.id)), 400);
    expect(fieldsOf(problem)).toEqual(['ects']);
  });
});

describe('POST /v1/institutions/{id}/transfers/{transferId}/appeals', () => {
  it('sends a refused item back to review, marked as appealed, keeping the first decision in the history', async () => {
    const { transfer, credential, token } = await pendingTransfer();
    await ok(decide(transfer.id, reject(credential.id)));
    const appealed = await ok(appeal(transfer.id, { credentialId: credential.id, grounds: 'The workload is the same: 5 ECTS.' }, { token }));
    expect(appealed).toMatchObject({ status: 'pending-review', items: [{ outcome: 'pending', appealed: true, reason: 'appealed: The workload is the same: 5 ECTS.' }] });
    expect(appealed.recognitionCredential).toBeUndefined();
    expect(appealed.items[0].history).toEqual([
      expect.objectContaining({ outcome: 'rejected', justification: expect.objectContaining({ difference: 'workload' }) }),
      expect.objectContaining({ appeal: 'The workload is the same: 5 ECTS.', by: 'student' }),
    ]);
  });

  it('lets the receiving institution appeal on the student’s behalf with its key and no token', async () => {
    const { transfer, credential } = await pendingTransfer();
    await ok(decide(transfer.id, reject(credential.id)));
    const appealed = await ok(appeal(transfer.id, { credentialId: credential.id, grounds: 'Filed at the student desk.' }, { key: key['uni-b'] }));
    expect(appealed.items[0].history[1]).toMatchObject({ by: 'institution:uni-b' });
  });

  it('refuses to appeal an item that is pending (409)', async () => {
    const { transfer, credential, token } = await pendingTransfer();
    await expectProblem(await appeal(transfer.id, { credentialId: credential.id, grounds: 'Too early.' }, { token }), 409);
  });

  it('refuses to appeal an item that was recognised (409)', async () => {
    const { transfer, credential, token } = await pendingTransfer();
    await ok(decide(transfer.id, recognise(credential.id)));
    const before = await tableSnapshot(cx.deps.store);
    await expectProblem(await appeal(transfer.id, { credentialId: credential.id, grounds: 'More please.' }, { token }), 409);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('refuses to appeal a refusal that came from a failed check, not a reviewer (409), and writes nothing', async () => {
    const tampered = await issue('DE-1');
    tampered.credentialSubject.achievement.ectsCredits = 30;
    const refused = await submitAsStudent([tampered]);
    expect(refused.items[0]).toMatchObject({ outcome: 'rejected', reason: expect.stringMatching(/^not verified/) });
    const before = await tableSnapshot(cx.deps.store);
    const problem = await expectProblem(await appeal(refused.id, { credentialId: tampered.id, grounds: 'It is genuine.' }, { token: refused.trackingToken }), 409);
    expect(problem.detail).toMatch(/failed a check/);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('answers 404 to a wrong tracking token, and writes nothing', async () => {
    const { transfer, credential } = await pendingTransfer();
    await ok(decide(transfer.id, reject(credential.id)));
    const before = await tableSnapshot(cx.deps.store);
    await expectProblem(await appeal(transfer.id, { credentialId: credential.id, grounds: 'Guessing.' }, { token: 'not-the-token' }), 404);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('answers 404 to another transfer’s token', async () => {
    const first = await pendingTransfer();
    const second = await pendingTransfer();
    await ok(decide(first.transfer.id, reject(first.credential.id)));
    await expectProblem(await appeal(first.transfer.id, { credentialId: first.credential.id, grounds: 'Borrowed token.' }, { token: second.token }), 404);
  });

  it('lets the reviewer decide an appealed item again', async () => {
    const { transfer, credential, token } = await pendingTransfer();
    await ok(decide(transfer.id, reject(credential.id)));
    await ok(appeal(transfer.id, { credentialId: credential.id, grounds: 'See the syllabus.' }, { token }));
    const decided = await ok(decide(transfer.id, recognise(credential.id)));
    expect(decided).toMatchObject({ status: 'decided', totalEctsRecognised: 5, items: [{ outcome: 'recognised', appealed: true }] });
    expect(decided.items[0].history.map((h: Json) => h.outcome ?? 'appeal')).toEqual(['rejected', 'appeal', 'recognised']);
  });
});

describe('GET /v1/transfers/{transferId}?token=', () => {
  it('shows the student the transfer with the decisions so far', async () => {
    const { transfer, credential, token } = await pendingTransfer();
    await ok(decide(transfer.id, reject(credential.id)));
    const seen = await ok(cx.request('GET', `/v1/transfers/${transfer.id}?token=${encodeURIComponent(token)}`));
    expect(seen).toMatchObject({ id: transfer.id, status: 'decided', items: [{ credentialId: credential.id, outcome: 'rejected' }] });
    expect(seen.trackingToken).toBeUndefined();
  });

  it('gives a student submission a token and a tracking URL that works', async () => {
    const { transfer } = await pendingTransfer();
    expect(transfer.trackingUrl).toBe(`${PUBLIC_URL}/v1/transfers/${transfer.id}?token=${transfer.trackingToken}`);
    const seen = await ok(cx.request('GET', new URL(transfer.trackingUrl).pathname + new URL(transfer.trackingUrl).search));
    expect(seen.id).toBe(transfer.id);
  });

  it('answers 404 to a wrong token', async () => {
    const { transfer } = await pendingTransfer();
    await expectProblem(await cx.request('GET', `/v1/transfers/${transfer.id}?token=wrong`), 404);
  });

  it('gives no token for an institution’s submission, so nobody reads it without a key', async () => {
    const transfer = await submitAsInstitution([await issue('DE-1')]);
    expect(transfer.trackingToken).toBeUndefined();
    await expectProblem(await cx.request('GET', `/v1/transfers/${transfer.id}?token=anything`), 404);
  });

  it('needs the token (400 naming token)', async () => {
    const { transfer } = await pendingTransfer();
    expect(fieldsOf(await expectProblem(await cx.request('GET', `/v1/transfers/${transfer.id}`), 400))).toEqual(['token']);
  });
});

describe('the audit log', () => {
  it('records the submission, every decision and the appeal, with who made each', async () => {
    const { transfer, credential, token } = await pendingTransfer();
    await ok(decide(transfer.id, reject(credential.id)));
    await ok(appeal(transfer.id, { credentialId: credential.id, grounds: 'Audit me.' }, { token }));
    await ok(decide(transfer.id, recognise(credential.id)));
    const page = await ok(cx.request('GET', '/v1/audit?institution=uni-b&limit=100', { key: cx.adminKey }));
    const records = (page.items as Json[]).filter((r) => r.target === `institutions/uni-b/transfers/${transfer.id}`).reverse();
    expect(records.map((r) => [r.action, r.actor.kind, r.actor.id])).toEqual([
      ['transfer.submit', 'anonymous', undefined],
      ['transfer.decide', 'institution', 'uni-b'],
      ['transfer.appeal', 'anonymous', undefined],
      ['transfer.decide', 'institution', 'uni-b'],
    ]);
    expect(records[1]!.details).toMatchObject({ credentialId: credential.id, outcome: 'rejected', justification: { difference: 'workload' } });
    expect(records[2]!.details).toMatchObject({ credentialId: credential.id, grounds: 'Audit me.', by: 'student' });
    expect(records[3]!.details).toMatchObject({ credentialId: credential.id, outcome: 'recognised' });
    expect(records.every((r) => typeof r.requestId === 'string')).toBe(true);
  });
});

describe('the recognition record', () => {
  let transfer: Json;
  let recognised: Json;
  let refused: Json;
  let token: string;

  beforeAll(async () => {
    recognised = await issue('ML-1');
    refused = await issue('DE-1');
    transfer = await submitAsStudent([recognised, refused]);
    token = transfer.trackingToken;
  });

  it('is absent while an item is pending', () => {
    expect(transfer.status).toBe('pending-review');
    expect(transfer.recognitionCredential).toBeUndefined();
  });

  it('is signed by the receiving institution once nothing is pending', async () => {
    transfer = await ok(decide(transfer.id, reject(refused.id, 'learning-outcomes')));
    const record = transfer.recognitionCredential;
    expect(record).toMatchObject({
      '@context': ['https://www.w3.org/ns/credentials/v2', RECOGNITION_CONTEXT_V1['@context']],
      type: ['VerifiableCredential', 'RecognitionRecord'],
      issuer: DID_B,
      // a proof set of one (9d46caa issues proof as an array)
      proof: [{ type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', proofPurpose: 'assertionMethod', verificationMethod: `${DID_B}#key-1` }],
    });
    expect(record.id).toMatch(/^urn:uuid:/);
  });

  it('verifies through POST /v1/credentials/verify', async () => {
    const verification = await ok(cx.request('POST', '/v1/credentials/verify', { body: { verifiableCredential: transfer.recognitionCredential } }));
    expect(verification).toMatchObject({ verified: true, errors: [], issuer: { id: 'uni-b' } });
  });

  it('fails verification once its content is changed', async () => {
    const tampered = structuredClone(transfer.recognitionCredential);
    tampered.credentialSubject.totalEctsRecognised = 60;
    const verification = await ok(cx.request('POST', '/v1/credentials/verify', { body: { verifiableCredential: tampered } }));
    expect(verification.verified).toBe(false);
  });

  it('names the student by a salted email hash, never the email', () => {
    const subject = transfer.recognitionCredential.credentialSubject;
    expect(subject).toMatchObject({ type: 'RecognitionSubject', studentName: 'Ada Lovelace', studentEmailHash: expect.stringMatching(/^sha256\$[0-9a-f]{64}$/), transfer: `${PUBLIC_URL}/v1/transfers/${transfer.id}` });
    expect(JSON.stringify(transfer.recognitionCredential)).not.toContain('ada@example.org');
  });

  it('lists each recognised item with the original credential, its issuer, the partner component version, the ECTS and what it counts as', () => {
    const subject = transfer.recognitionCredential.credentialSubject;
    expect(subject.totalEctsRecognised).toBe(5);
    expect(subject.recognisedItems).toEqual([
      {
        type: 'RecognisedItem',
        originalCredential: recognised.id,
        originalIssuer: DID_A,
        partnerComponent: `${PUBLIC_URL}/v1/institutions/uni-a/components/ML-1/versions/1`,
        ectsRecognised: 5,
        recognisedAs: 'OWN-1',
        justification: 'recognised under agreement ab (version 1)',
        decidedAt: expect.any(String),
      },
    ]);
  });

  it('lists each rejection with the substantial difference and the justification', () => {
    expect(transfer.recognitionCredential.credentialSubject.rejectedItems).toEqual([
      {
        type: 'RejectedItem',
        originalCredential: refused.id,
        originalIssuer: DID_A,
        partnerComponent: `${PUBLIC_URL}/v1/institutions/uni-a/components/DE-1/versions/1`,
        substantialDifference: 'learning-outcomes',
        justification: 'Half the workload of our component.',
        decidedAt: expect.any(String),
      },
    ]);
  });

  it('is withdrawn while an appeal is pending and signed anew after the new decision', async () => {
    const first = transfer.recognitionCredential.id;
    const appealed = await ok(appeal(transfer.id, { credentialId: refused.id, grounds: 'Please look again.' }, { token }));
    expect(appealed.recognitionCredential).toBeUndefined();
    const decided = await ok(decide(transfer.id, recognise(refused.id)));
    expect(decided.recognitionCredential.id).not.toBe(first);
    expect(decided.recognitionCredential.credentialSubject.recognisedItems.map((i: Json) => i.originalCredential)).toEqual([recognised.id, refused.id]);
    expect(decided.recognitionCredential.credentialSubject.rejectedItems).toEqual([]);
  });
});
