/**
 * What a submitted credential must pass before it counts: full verification (proof, member
 * issuer, not revoked or suspended, inside its validity period), belonging to the student,
 * not recognised before; and when an agreement rule recognises it at once and when it goes
 * to a reviewer instead (no rule, a newer partner version than reviewed, grade and age
 * conditions, an agreement not in force).
 */
import { keyVaultSigner, signCredential, createDocumentLoader } from '@cx/credentials';
import { ed25519ToMultibase, type DidDocument } from '@cx/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_URL, testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { observedKeyVault } from '../../../test/support/key-vault.js';
import { componentBody } from '../../catalogue/src/fixtures.js';
import { agreementBody, rule, transferBody } from './fixtures.js';

type Json = Record<string, any>;

let cx: TestExchange;
const key: Record<string, string> = {};
/** Added to the real time: moves the exchange's clock to issue old or expiring credentials. */
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };
const YEAR_MS = 365.25 * 86_400_000;

const ADA = { name: 'Ada Lovelace', email: 'ada@example.org' };
const ADA_DID = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';

beforeAll(async () => {
  cx = await testExchange({ clock });
  for (const id of ['uni-a', 'uni-b']) key[id] = (await cx.onboard(id)).apiKey;
  const put = async (institution: string, code: string, body: unknown = componentBody(), status = 201) => {
    const response = await cx.request('PUT', `/v1/institutions/${institution}/components/${code}`, { key: key[institution], body });
    expect(response.status, await response.clone().text()).toBe(status);
  };
  for (const code of ['ML-1', 'NORULE-1', 'GRADE-1', 'NOTE-1', 'AGE-1', 'VER-1', 'OLDDEAL-1', 'NEWDEAL-1']) await put('uni-a', code);
  await put('uni-b', 'OWN-1');
  const agree = async (id: string, body: unknown) => {
    const response = await cx.request('PUT', `/v1/institutions/uni-b/agreements/${id}`, { key: key['uni-b'], body });
    expect(response.status, await response.clone().text()).toBe(201);
  };
  await agree(
    'uni-a-2026',
    agreementBody('uni-a', [
      rule('ML-1', { component: 'OWN-1', ects: 6 }),
      rule('GRADE-1', { minGrade: '14' }),
      rule('NOTE-1', { minGrade: '2.3', gradeScale: 'lower-is-better' }),
      rule('AGE-1', { maxAgeYears: 2 }),
      rule('VER-1'),
    ]),
  );
  await agree('expired', agreementBody('uni-a', [rule('OLDDEAL-1')], { validFrom: '2020-01-01', validUntil: '2021-12-31' }));
  await agree('future', agreementBody('uni-a', [rule('NEWDEAL-1')], { validFrom: '2099-01-01' }));
});

async function issue(code: string, options: { recipient?: Json; grade?: string; validUntil?: string; version?: number; institution?: string } = {}): Promise<Json> {
  const institution = options.institution ?? 'uni-a';
  const response = await cx.request('POST', `/v1/institutions/${institution}/credentials`, {
    key: key[institution],
    body: {
      achievement: { type: 'component', code, ...(options.version ? { version: options.version } : {}) },
      recipient: options.recipient ?? ADA,
      ...(options.grade ? { result: { grade: options.grade } } : {}),
      ...(options.validUntil ? { validUntil: options.validUntil } : {}),
    },
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as Json).credential;
}

/** Submits with uni-b's key (keyless submissions are rate-limited) and answers the transfer. */
async function submit(credentials: unknown[], student: Json = ADA): Promise<Json> {
  const response = await cx.request('POST', '/v1/institutions/uni-b/transfers', { key: key['uni-b'], body: transferBody(credentials, student) });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as Json;
}

/** The one item of a transfer of `credential`. */
async function itemFor(credential: unknown, student: Json = ADA): Promise<Json> {
  const transfer = await submit([credential], student);
  expect(transfer.items).toHaveLength(1);
  return transfer.items[0];
}

function changeStatus(credential: Json, status: string) {
  return cx.request('POST', `/v1/institutions/uni-a/credentials/${credential.id}/status`, { key: key['uni-a'], body: { status, reason: 'test' } });
}

describe('a credential that fails verification is rejected with the reason', () => {
  it('rejects a revoked credential', async () => {
    const credential = await issue('ML-1');
    expect((await changeStatus(credential, 'revoked')).status).toBe(200);
    expect(await itemFor(credential)).toMatchObject({ outcome: 'rejected', ects: 0, reason: expect.stringMatching(/^not verified: revocation: the credential has been revoked$/) });
  });

  it('rejects a suspended credential', async () => {
    const credential = await issue('ML-1');
    expect((await changeStatus(credential, 'suspended')).status).toBe(200);
    expect(await itemFor(credential)).toMatchObject({ outcome: 'rejected', reason: expect.stringMatching(/^not verified: suspension: the credential is suspended$/) });
  });

  it('rejects an expired credential', async () => {
    const credential = await issue('ML-1', { validUntil: new Date(Date.now() + 3_600_000).toISOString() });
    offsetMs = 2 * 3_600_000;
    try {
      expect(await itemFor(credential)).toMatchObject({ outcome: 'rejected', reason: expect.stringMatching(/^not verified: validity-period: .*expired/) });
    } finally {
      offsetMs = 0;
    }
  });

  it('rejects a tampered credential', async () => {
    const credential = await issue('ML-1');
    credential.credentialSubject.achievement.creditsAvailable = 30;
    expect(await itemFor(credential)).toMatchObject({ outcome: 'rejected', reason: expect.stringMatching(/^not verified: proof: /) });
  });

  it('rejects a credential signed by an issuer on another host, with a key the consortium does not know', async () => {
    const credential = await issue('ML-1');
    const foreignDid = 'did:web:evil.example:institutions:uni-a';
    const vault = observedKeyVault();
    const { keyRef, publicKey } = await vault.createKey({ consortium: 'evil', institutionId: 'uni-a', keyId: 'key-1' });
    const document = {
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
      id: foreignDid,
      verificationMethod: [{ id: `${foreignDid}#key-1`, type: 'Multikey', controller: foreignDid, publicKeyMultibase: ed25519ToMultibase(publicKey) }],
      assertionMethod: [`${foreignDid}#key-1`],
    } as unknown as DidDocument;
    const { proof: _proof, ...unsigned } = credential;
    const forged = await signCredential(
      { ...unsigned, issuer: { ...unsigned.issuer, id: foreignDid } },
      {
        signer: keyVaultSigner({ keyVault: vault, keyRef, verificationMethod: `${foreignDid}#key-1` }),
        documentLoader: createDocumentLoader({ publicUrl: PUBLIC_URL, resolveDid: async () => document }),
      },
    );
    const item = await itemFor(forged);
    expect(item).toMatchObject({ outcome: 'rejected', issuer: foreignDid, component: null });
    expect(item.reason).toMatch(/^not verified: /);
    expect(item.reason).toContain(`issuer-member: ${foreignDid} is not a member of this consortium`);
  });

  it('rejects a credential naming an exchange DID of an institution that is not a member', async () => {
    const credential = await issue('ML-1');
    credential.issuer.id = credential.issuer.id.replace(/uni-a$/, 'uni-x');
    const item = await itemFor(credential);
    expect(item.outcome).toBe('rejected');
    expect(item.reason).toContain('issuer-member: did:web:exchange.test%3A8080:institutions:uni-x is not a member of this consortium');
  });
});

describe('a credential must be identifiable', () => {
  /** A credential uni-a signs through the VC API without an id, for a component a rule covers. */
  async function withoutId(): Promise<Json> {
    const { proof: _proof, id: _id, ...unsigned } = await issue('ML-1');
    const response = await cx.request('POST', '/vc-api/institutions/uni-a/credentials/issue', { key: key['uni-a'], body: { credential: unsigned } });
    expect(response.status, await response.clone().text()).toBe(201);
    return ((await response.json()) as Json).verifiableCredential;
  }

  it('rejects a verified credential without an id, which could not be recognised only once', async () => {
    const transfer = await submit([await withoutId()]);
    expect(transfer).toMatchObject({ status: 'decided', items: [{ credentialId: 'credentials.0', outcome: 'rejected', reason: expect.stringContaining('has no id') }] });
  });

  it('rejects a verified credential whose id is longer than 200 characters', async () => {
    const { proof: _proof, ...unsigned } = await issue('ML-1');
    const response = await cx.request('POST', '/vc-api/institutions/uni-a/credentials/issue', {
      key: key['uni-a'],
      body: { credential: { ...unsigned, id: `urn:example:${'x'.repeat(200)}` } },
    });
    expect(response.status, await response.clone().text()).toBe(201);
    const transfer = await submit([((await response.json()) as Json).verifiableCredential]);
    expect(transfer.items[0]).toMatchObject({ outcome: 'rejected', reason: expect.stringContaining('has no id') });
  });

  it('does not take one credential without an id for a duplicate of another', async () => {
    await submit([await withoutId()]);
    expect((await submit([await withoutId()])).items[0].reason).not.toMatch(/duplicate/);
  });
});

describe('a credential must belong to the student', () => {
  it('rejects a credential issued to another email', async () => {
    const credential = await issue('ML-1', { recipient: { name: 'Bob', email: 'bob@example.org' } });
    expect(await itemFor(credential)).toMatchObject({ outcome: 'rejected', reason: expect.stringMatching(/^the credential belongs to someone else/) });
  });

  it('rejects a credential issued to another DID', async () => {
    const credential = await issue('ML-1', { recipient: { name: 'Bob', did: 'did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH' } });
    const item = await itemFor(credential, { name: 'Ada Lovelace', did: ADA_DID });
    expect(item).toMatchObject({ outcome: 'rejected', reason: expect.stringMatching(/^the credential belongs to someone else/) });
  });

  it('recognises a credential issued to the student’s DID', async () => {
    const credential = await issue('ML-1', { recipient: { name: 'Ada Lovelace', did: ADA_DID } });
    expect(await itemFor(credential, { name: 'Ada Lovelace', did: ADA_DID })).toMatchObject({ outcome: 'recognised' });
  });

  it('matches the student’s email whatever its case', async () => {
    const credential = await issue('ML-1');
    expect(await itemFor(credential, { name: 'Ada Lovelace', email: 'ADA@Example.org' })).toMatchObject({ outcome: 'recognised' });
  });
});

describe('a credential counts once per student and institution', () => {
  it('rejects a credential already recognised in an earlier transfer, naming that transfer', async () => {
    const credential = await issue('ML-1');
    const first = await submit([credential]);
    expect(first.items[0].outcome).toBe('recognised');
    expect(await itemFor(credential)).toMatchObject({ outcome: 'rejected', reason: `duplicate: already recognised at uni-b in transfer ${first.id}` });
  });

  it('rejects the second copy of a credential within one transfer', async () => {
    const credential = await issue('ML-1');
    const transfer = await submit([credential, credential]);
    expect(transfer.items.map((i: Json) => i.outcome)).toEqual(['recognised', 'rejected']);
    expect(transfer.items[1].reason).toMatch(/^duplicate: the same credential appears twice/);
    expect(transfer.totalEctsRecognised).toBe(6);
  });

  it('rejects a credential the receiving institution issued itself', async () => {
    const credential = await issue('OWN-1', { institution: 'uni-b' });
    expect(await itemFor(credential)).toMatchObject({ outcome: 'rejected', reason: expect.stringContaining('issued by uni-b itself') });
  });
});

describe('agreement rules', () => {
  it('recognise a covered credential at once, as the own component and ECTS the rule names', async () => {
    const credential = await issue('ML-1');
    const transfer = await submit([credential]);
    expect(transfer).toMatchObject({ status: 'decided', totalEctsRecognised: 6 });
    expect(transfer.items[0]).toMatchObject({
      credentialId: credential.id,
      issuer: credential.issuer.id,
      component: 'uni-a/ML-1',
      outcome: 'recognised',
      ects: 6,
      recognisedAs: 'OWN-1',
      reason: 'recognised under agreement uni-a-2026 (version 1)',
    });
    expect(transfer.items[0].history).toEqual([expect.objectContaining({ decidedBy: { kind: 'system', id: 'agreement-rule' }, rule: { agreement: 'uni-a-2026', version: 1, partnerComponent: 'ML-1' } })]);
  });

  it('send a credential no rule covers to a reviewer', async () => {
    const transfer = await submit([await issue('NORULE-1')]);
    expect(transfer).toMatchObject({ status: 'pending-review', totalEctsRecognised: 0, items: [{ outcome: 'pending', ects: 0, reason: expect.stringContaining('no agreement rule of uni-b covers uni-a/NORULE-1') }] });
    expect(transfer.recognitionCredential).toBeUndefined();
  });

  it('decide a mixed transfer item by item', async () => {
    const revoked = await issue('ML-1');
    await changeStatus(revoked, 'revoked');
    const transfer = await submit([await issue('ML-1'), await issue('NORULE-1'), revoked]);
    expect(transfer.items.map((i: Json) => i.outcome)).toEqual(['recognised', 'pending', 'rejected']);
    expect(transfer).toMatchObject({ status: 'pending-review', totalEctsRecognised: 6 });
  });

  it('recognise a grade at or above the rule’s minimum', async () => {
    expect(await itemFor(await issue('GRADE-1', { grade: '14' }))).toMatchObject({ outcome: 'recognised' });
    expect(await itemFor(await issue('GRADE-1', { grade: '17,5' }))).toMatchObject({ outcome: 'recognised' });
  });

  it('compare grades the other way on a lower-is-better scale', async () => {
    expect(await itemFor(await issue('NOTE-1', { grade: '1,7' }))).toMatchObject({ outcome: 'recognised' });
    expect(await itemFor(await issue('NOTE-1', { grade: '3.0' }))).toMatchObject({ outcome: 'pending' });
  });

  it('send a grade below the minimum, or no grade, to a reviewer', async () => {
    expect(await itemFor(await issue('GRADE-1', { grade: '13.9' }))).toMatchObject({ outcome: 'pending', reason: expect.stringContaining('asks for grade 14 or better; the credential states 13.9') });
    expect(await itemFor(await issue('GRADE-1'))).toMatchObject({ outcome: 'pending', reason: expect.stringContaining('states no grade') });
  });

  it('send a credential older than the rule’s maxAgeYears to a reviewer', async () => {
    offsetMs = -3 * YEAR_MS;
    const old = await issue('AGE-1');
    offsetMs = 0;
    expect(await itemFor(old)).toMatchObject({ outcome: 'pending', reason: expect.stringContaining('up to 2 years old') });
  });

  it('recognise a credential younger than the rule’s maxAgeYears', async () => {
    offsetMs = -1 * YEAR_MS;
    const recent = await issue('AGE-1');
    offsetMs = 0;
    expect(await itemFor(recent)).toMatchObject({ outcome: 'recognised' });
  });

  it('do not apply once the agreement has ended, nor before it starts', async () => {
    expect(await itemFor(await issue('OLDDEAL-1'))).toMatchObject({ outcome: 'pending' });
    expect(await itemFor(await issue('NEWDEAL-1'))).toMatchObject({ outcome: 'pending' });
  });
});

describe('a newer partner version than the rule was reviewed for', () => {
  let v1Credential: Json;
  let v2Credential: Json;

  beforeAll(async () => {
    v1Credential = await issue('VER-1');
    const response = await cx.request('PUT', '/v1/institutions/uni-a/components/VER-1', { key: key['uni-a'], body: componentBody({ title: 'Machine Learning, revised', ects: 6 }) });
    expect(response.status).toBe(200);
    v2Credential = await issue('VER-1');
  });

  it('flags the rule with needsReview and both versions', async () => {
    const response = await cx.request('GET', '/v1/institutions/uni-b/agreements/uni-a-2026', { key: key['uni-b'] });
    const agreement = (await response.json()) as Json;
    expect(agreement.rules.find((r: Json) => r.partnerComponent === 'VER-1')).toMatchObject({ reviewedVersion: 1, needsReview: true, currentVersion: 2 });
    expect(agreement.rules.find((r: Json) => r.partnerComponent === 'ML-1')).toMatchObject({ needsReview: false, currentVersion: 1 });
  });

  it('shows the flag in the consortium-wide list too', async () => {
    const response = await cx.request('GET', '/v1/agreements?institution=uni-b&partner=uni-a', { key: key['uni-a'] });
    const page = (await response.json()) as Json;
    const agreement = page.items.find((a: Json) => a.id === 'uni-a-2026');
    expect(agreement.rules.find((r: Json) => r.partnerComponent === 'VER-1')).toMatchObject({ needsReview: true, currentVersion: 2 });
  });

  it('sends a credential for the newer version to a reviewer', async () => {
    expect(await itemFor(v2Credential)).toMatchObject({ outcome: 'pending', reason: expect.stringContaining('reviewed for version 1; this credential is for version 2') });
  });

  it('still recognises a credential for the reviewed version', async () => {
    expect(await itemFor(v1Credential)).toMatchObject({ outcome: 'recognised', component: 'uni-a/VER-1' });
  });

  it('recognises the newer version at once after the receiving institution reviews it', async () => {
    const current = await cx.request('GET', '/v1/institutions/uni-b/agreements/uni-a-2026', { key: key['uni-b'] });
    const agreement = (await current.json()) as Json;
    const rules = agreement.rules.map(({ needsReview: _n, currentVersion: _c, ...r }: Json) => (r.partnerComponent === 'VER-1' ? { ...r, reviewedVersion: 2 } : r));
    const updated = await cx.request('PUT', '/v1/institutions/uni-b/agreements/uni-a-2026', {
      key: key['uni-b'],
      headers: { 'if-match': current.headers.get('etag')! },
      body: agreementBody('uni-a', rules),
    });
    expect(updated.status, await updated.clone().text()).toBe(200);
    expect(((await updated.json()) as Json).rules.find((r: Json) => r.partnerComponent === 'VER-1')).toMatchObject({ needsReview: false, currentVersion: 2 });
    expect(await itemFor(await issue('VER-1'))).toMatchObject({ outcome: 'recognised' });
  });
});
