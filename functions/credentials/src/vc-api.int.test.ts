/**
 * The VC API's issuing side. POST /vc-api/institutions/{id}/credentials/issue signs a credential
 * the caller composed (VC 2.0 or 1.1), only as the institution's own DID, adds the exchange's
 * status entries unless options.credentialStatus says otherwise and records the credential;
 * POST /vc-api/institutions/{id}/credentials/status revokes, suspends and reinstates it.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableSnapshot } from '../../../test/support/dynamo.js';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { expectProblem, fieldsOf } from '../../../test/support/problem.js';

type Json = Record<string, any>;

let cx: TestExchange;
const key: Record<string, string> = {};
const didOf = (id: string) => `did:web:exchange.test%3A8080:institutions:${id}`;

beforeAll(async () => {
  cx = await testExchange();
  for (const id of ['uni-a', 'uni-b', 'uni-s']) key[id] = (await cx.onboard(id)).apiKey;
  expect((await cx.request('POST', '/v1/institutions/uni-s/suspend', { key: cx.adminKey })).status).toBe(200);
});

function composed(issuer: unknown = didOf('uni-a'), extra: Json = {}): Json {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
    // a credential id names one credential: every composed credential gets its own
    id: `urn:uuid:${randomUUID()}`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer,
    validFrom: '2026-01-01T00:00:00Z',
    name: 'Conference volunteer',
    credentialSubject: {
      id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
      type: ['AchievementSubject'],
      achievement: {
        id: 'https://uni-a.example.edu/achievements/volunteer',
        type: ['Achievement'],
        name: 'Conference volunteer',
        description: 'Helped run the annual conference.',
        criteria: { narrative: 'Two days of volunteering.' },
      },
    },
    ...extra,
  };
}

async function issue(credential: unknown, institution = 'uni-a', body?: Json): Promise<Response> {
  return cx.request('POST', `/vc-api/institutions/${institution}/credentials/issue`, { key: key[institution], body: body ?? { credential } });
}

/** Sends an issue request that must be refused and checks the table did not change. */
async function refused(credential: unknown, status: number, institution = 'uni-a') {
  const before = await tableSnapshot(cx.deps.store);
  const problem = await expectProblem(await issue(credential, institution), status);
  expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  return problem;
}

describe('signing', () => {
  it('answers 201 with the credential as composed plus status entries and an eddsa-rdfc-2022 proof by the institution’s key', async () => {
    const credential = composed();
    const response = await issue(credential);
    expect(response.status).toBe(201);
    const { verifiableCredential } = (await response.json()) as Json;
    const { proof, credentialStatus, ...rest } = verifiableCredential;
    expect(rest).toEqual(credential);
    expect(credentialStatus).toBeDefined();
    expect([proof].flat()).toEqual([
      expect.objectContaining({ type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', proofPurpose: 'assertionMethod', verificationMethod: `${didOf('uni-a')}#key-1` }),
    ]);
  });

  it('takes the issuer as an object with the DID as id, and options', async () => {
    const response = await issue(undefined, 'uni-a', { credential: composed({ id: didOf('uni-a'), type: ['Profile'], name: 'University uni-a' }), options: { created: '2026-01-01T00:00:00Z' } });
    expect(response.status).toBe(201);
  });

  it('records in the audit log that it signed a composed credential, and who asked', async () => {
    const credential = composed(didOf('uni-a'), { id: 'urn:uuid:0e7d1c55-2f0b-4a53-9d55-6f8f5a1f0a01' });
    expect((await issue(credential)).status).toBe(201);
    const audit = (await (await cx.request('GET', '/v1/audit?institution=uni-a', { key: cx.adminKey })).json()) as Json;
    const entry = audit.items.find((item: Json) => item.target === `institutions/uni-a/vc-api/credentials/${credential.id}`);
    expect(entry).toMatchObject({ action: 'credential.sign-composed', actor: { kind: 'institution', id: 'uni-a' } });
  });

  it('signs what then verifies through the VC API', async () => {
    const { verifiableCredential } = (await (await issue(composed())).json()) as Json;
    const response = await cx.request('POST', '/vc-api/credentials/verify', { body: { verifiableCredential } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ verified: true });
  });

  it('signs a plain VC 2.0 credential too', async () => {
    const plain = { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential'], issuer: didOf('uni-a'), credentialSubject: { id: 'did:example:holder' } };
    const response = await issue(plain);
    expect(response.status).toBe(201);
  });
});

describe('refusals', () => {
  it('refuses a credential whose issuer is another member’s DID: 400 naming credential.issuer', async () => {
    const problem = await refused(composed(didOf('uni-b')), 400);
    expect(fieldsOf(problem)).toEqual(['credential.issuer']);
  });

  it('refuses a credential whose issuer is a foreign DID: 400 naming credential.issuer', async () => {
    expect(fieldsOf(await refused(composed('did:web:evil.example'), 400))).toEqual(['credential.issuer']);
    expect(fieldsOf(await refused(composed({ id: 'did:web:evil.example', type: ['Profile'], name: 'Evil' }), 400))).toEqual(['credential.issuer']);
  });

  it('refuses a credential with no issuer: 400', async () => {
    const { issuer: _issuer, ...noIssuer } = composed();
    await refused(noIssuer, 400);
  });

  it('refuses something that is not a credential: 400', async () => {
    await refused({ ...composed(), type: ['OpenBadgeCredential'] }, 400);
    await refused({ ...composed(), '@context': ['https://example.org/not-a-vc-context'] }, 400);
  });

  it('refuses a credential using a term none of its contexts defines: 400', async () => {
    await refused(composed(didOf('uni-a'), { favouriteColour: 'blue' }), 400);
  });

  it('refuses a credential with a context the exchange does not bundle: 400', async () => {
    await refused({ ...composed(), '@context': ['https://www.w3.org/ns/credentials/v2', 'https://evil.example/context.jsonld'] }, 400);
  });

  it('refuses a credential beyond the credential budget before canonicalising it: 413 naming the field', async () => {
    const heavy = composed();
    heavy.credentialSubject.identifier = Array.from({ length: 30_000 }, (_, i) => i);
    const problem = await refused(heavy, 413);
    expect(problem.errors?.map((e) => e.field)).toEqual(['credential.credentialSubject.identifier']);
  });

  it('refuses a body that is not { credential, options? }: 400', async () => {
    const before = await tableSnapshot(cx.deps.store);
    await expectProblem(await issue(undefined, 'uni-a', { verifiableCredential: composed() }), 400);
    await expectProblem(await issue(undefined, 'uni-a', { credential: 'a string' }), 400);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('refuses a suspended institution: 403', async () => {
    await refused(composed(didOf('uni-s')), 403, 'uni-s');
  });

  it('refuses another institution’s key: 403, and signs nothing', async () => {
    const before = await tableSnapshot(cx.deps.store);
    const response = await cx.request('POST', '/vc-api/institutions/uni-a/credentials/issue', { key: key['uni-b'], body: { credential: composed() } });
    await expectProblem(response, 403);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('refuses a second credential with an id already issued: 409', async () => {
    const credential = composed();
    expect((await issue(credential)).status).toBe(201);
    await refused(credential, 409);
  });

  it('refuses options.credentialStatus of a type the exchange does not issue: 400 naming options.credentialStatus', async () => {
    const before = await tableSnapshot(cx.deps.store);
    for (const credentialStatus of [{ type: 'StatusList2021Entry' }, { type: 'BitstringStatusListEntry', statusPurpose: 'refresh' }, 'revocation']) {
      const problem = await expectProblem(await issue(undefined, 'uni-a', { credential: composed(), options: { credentialStatus } }), 400);
      expect(fieldsOf(problem)).toEqual(['options.credentialStatus']);
    }
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('refuses a credential id too long to be recorded: 400 naming credential.id', async () => {
    expect(fieldsOf(await refused(composed(didOf('uni-a'), { id: `urn:example:${'x'.repeat(1000)}` }), 400))).toEqual(['credential.id']);
  });

  it('refuses options.credentialId for a credential that has another id: 400 naming options.credentialId', async () => {
    const before = await tableSnapshot(cx.deps.store);
    const problem = await expectProblem(await issue(undefined, 'uni-a', { credential: composed(), options: { credentialId: 'urn:example:other' } }), 400);
    expect(fieldsOf(problem)).toEqual(['options.credentialId']);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });
});

/** The status entries of a signed credential, as a list. */
const entriesOf = (credential: Json): Json[] => [credential.credentialStatus ?? []].flat();

async function issued(body: Json, institution = 'uni-a'): Promise<Json> {
  const response = await issue(undefined, institution, body);
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as Json).verifiableCredential;
}

async function verified(verifiableCredential: Json): Promise<boolean> {
  const response = await cx.request('POST', '/vc-api/credentials/verify', { body: { verifiableCredential } });
  return ((await response.json()) as Json).verified === true;
}

describe('status entries and the credential record', () => {
  it('adds the exchange’s status entry (revocation and suspension) to a credential that has none, and records it under its id', async () => {
    const credential = await issued({ credential: composed() });

    const entries = entriesOf(credential);
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) {
      expect(entry).toMatchObject({ type: 'BitstringStatusListEntry', statusListCredential: expect.stringMatching(/^http:\/\/exchange\.test:8080\/status-lists\/uni-a\//) });
      expect(entry.statusListIndex).toMatch(/^\d+$/);
    }
    const purposes = new Set(entries.map((entry) => entry.statusPurpose));
    expect(purposes.has('message') || (purposes.has('revocation') && purposes.has('suspension'))).toBe(true);
    const record = await cx.deps.store.credentials.get('uni-a', credential.id, true);
    expect(record).toMatchObject({ id: credential.id, status: 'active', achievement: { type: 'composed' }, credential });
  });

  it('gives a credential without an id a urn:uuid id, as the exchange’s own credentials have, and records it under that id', async () => {
    const { id: _id, ...anonymous } = composed();
    const credential = await issued({ credential: anonymous });

    expect(credential.id).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(Object.keys(credential).slice(0, 2)).toEqual(['@context', 'id']);
    expect(await cx.deps.store.credentials.get('uni-a', credential.id, true)).toMatchObject({ status: 'active' });
  });

  it('records a credential without an id under options.credentialId, leaving it without an id', async () => {
    const { id: _id, ...anonymous } = composed();
    const credentialId = `urn:example:vc-api:${randomUUID()}`;
    const credential = await issued({ credential: anonymous, options: { credentialId } });

    expect(credential.id).toBeUndefined();
    expect(await cx.deps.store.credentials.get('uni-a', credentialId, true)).toMatchObject({ status: 'active', credential });
  });

  it('adds the exchange’s status entry, serving revocation and suspension, for options.credentialStatus of either purpose', async () => {
    for (const statusPurpose of ['revocation', 'suspension', undefined]) {
      const credential = await issued({ credential: composed(), options: { credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose } } });
      expect(entriesOf(credential).length).toBeGreaterThan(0);
      expect(await cx.deps.store.credentials.get('uni-a', credential.id, true)).toMatchObject({ status: 'active' });
    }
  });

  it('adds no status entry and records nothing for options.credentialStatus []', async () => {
    const credential = composed();
    const signed = await issued({ credential, options: { credentialStatus: [] } });

    expect(signed.credentialStatus).toBeUndefined();
    expect(await cx.deps.store.credentials.get('uni-a', credential.id, true)).toBeUndefined();
  });

  it('signs a credentialStatus the caller composed as it is, adding none of its own', async () => {
    const credential = composed(didOf('uni-a'), {
      '@context': ['https://www.w3.org/ns/credentials/v2', { CredentialStatusList2017: 'https://example.org/examples#CredentialStatusList2017' }],
      type: ['VerifiableCredential'],
      credentialSubject: { id: 'did:example:subject' },
      credentialStatus: { id: 'did:example:status', type: 'CredentialStatusList2017' },
    });
    delete credential.name;
    const signed = await issued({ credential });

    expect(signed.credentialStatus).toEqual({ id: 'did:example:status', type: 'CredentialStatusList2017' });
  });

  it('signs a credential with the exchange’s entries that then verifies', async () => {
    expect(await verified(await issued({ credential: composed() }))).toBe(true);
  });
});

describe('VC 1.1 credentials', () => {
  const v1 = (extra: Json = {}): Json => ({
    '@context': ['https://www.w3.org/2018/credentials/v1'],
    id: `urn:uuid:${randomUUID()}`,
    type: ['VerifiableCredential'],
    issuer: didOf('uni-a'),
    issuanceDate: '2026-01-01T00:00:00Z',
    credentialSubject: { id: 'did:key:z6MkhTNL7i2etLerDK8Acz5t528giE5KA4p75T6ka1E1D74r' },
    ...extra,
  });

  it('signs a VC 1.1 credential as VC 1.1 with eddsa-rdfc-2022, without a status entry (Bitstring Status List is defined on VC 2.0)', async () => {
    const credential = v1();
    const signed = await issued({ credential });

    expect(signed['@context']).toEqual(['https://www.w3.org/2018/credentials/v1', 'https://w3id.org/security/data-integrity/v2']);
    expect(signed.issuanceDate).toBe('2026-01-01T00:00:00Z');
    expect(signed.validFrom).toBeUndefined();
    expect(signed.credentialStatus).toBeUndefined();
    expect([signed.proof].flat()[0]).toMatchObject({ type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', verificationMethod: `${didOf('uni-a')}#key-1` });
    expect(await cx.deps.store.credentials.get('uni-a', credential.id, true)).toBeUndefined();
  });

  it('adds the status entry to a VC 1.1 credential when options.credentialStatus asks, with the status list context, and records it', async () => {
    const credential = v1();
    const signed = await issued({ credential, options: { credentialStatus: { type: 'BitstringStatusListEntry' } } });

    expect(signed['@context'][0]).toBe('https://www.w3.org/2018/credentials/v1');
    expect(signed['@context']).toContain('https://www.w3.org/ns/credentials/status/v1');
    expect(entriesOf(signed).length).toBeGreaterThan(0);
    expect(await cx.deps.store.credentials.get('uni-a', credential.id, true)).toMatchObject({ status: 'active' });
  });

  it('signs a VC 1.1 credential that then verifies, with its status entry or without', async () => {
    expect(await verified(await issued({ credential: v1() }))).toBe(true);
    expect(await verified(await issued({ credential: v1(), options: { credentialStatus: { type: 'BitstringStatusListEntry' } } }))).toBe(true);
  });

  it('refuses VC 2.0 dates, malformed VC 1.1 dates and a missing issuanceDate in a VC 1.1 credential: 400 naming the field', async () => {
    expect(fieldsOf(await refused(v1({ validFrom: '2026-01-01T00:00:00Z' }), 400))).toEqual(['credential.validFrom']);
    expect(fieldsOf(await refused(v1({ issuanceDate: 'yesterday' }), 400))).toEqual(['credential.issuanceDate']);
    expect(fieldsOf(await refused(v1({ expirationDate: '2027-01-01' }), 400))).toEqual(['credential.expirationDate']);
    const { issuanceDate: _date, ...undated } = v1();
    expect(fieldsOf(await refused(undated, 400))).toEqual(['credential.issuanceDate']);
  });

  it('refuses a VC 1.1 credential whose issuer is not the institution’s DID: 400 naming credential.issuer', async () => {
    expect(fieldsOf(await refused(v1({ issuer: didOf('uni-b') }), 400))).toEqual(['credential.issuer']);
  });
});

describe('POST /vc-api/institutions/{id}/credentials/status', () => {
  const setStatus = (credentialId: string, credentialStatus: unknown, institution = 'uni-a', as = institution) =>
    cx.request('POST', `/vc-api/institutions/${institution}/credentials/status`, { key: key[as], body: { credentialId, credentialStatus } });
  const bit = (statusPurpose: string, status: boolean) => ({ type: 'BitstringStatusListEntry', statusPurpose, status });
  const statusOf = async (id: string) => (await cx.deps.store.credentials.get('uni-a', id, true))?.status;

  it('revokes a credential: 200 with its status bits, the record revoked, and it no longer verifies', async () => {
    const credential = await issued({ credential: composed() });

    const response = await setStatus(credential.id, [bit('revocation', true)]);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      credentialId: credential.id,
      credentialStatus: expect.arrayContaining([bit('revocation', true), bit('suspension', false)]),
    });
    expect(await statusOf(credential.id)).toBe('revoked');
    expect(await verified(credential)).toBe(false);
  });

  it('suspends a credential and lifts the suspension', async () => {
    const credential = await issued({ credential: composed() });

    expect((await setStatus(credential.id, [bit('suspension', true)])).status).toBe(200);
    expect(await statusOf(credential.id)).toBe('suspended');
    expect(await verified(credential)).toBe(false);

    const lifted = await setStatus(credential.id, [bit('suspension', false)]);
    expect(lifted.status).toBe(200);
    expect(((await lifted.json()) as Json).credentialStatus).toEqual(expect.arrayContaining([bit('suspension', false)]));
    expect(await statusOf(credential.id)).toBe('active');
    expect(await verified(credential)).toBe(true);
  });

  it('finds a credential by the options.credentialId it was issued with', async () => {
    const { id: _id, ...anonymous } = composed();
    const credentialId = `urn:example:vc-api:${randomUUID()}`;
    await issued({ credential: anonymous, options: { credentialId } });

    expect((await setStatus(credentialId, [bit('suspension', true)])).status).toBe(200);
    expect(await statusOf(credentialId)).toBe('suspended');
  });

  it('keeps revocation final: 409 for lifting it or for a suspension afterwards, and nothing changes', async () => {
    const credential = await issued({ credential: composed() });
    expect((await setStatus(credential.id, [bit('revocation', true)])).status).toBe(200);
    const before = await tableSnapshot(cx.deps.store);

    await expectProblem(await setStatus(credential.id, [bit('revocation', false)]), 409);
    await expectProblem(await setStatus(credential.id, [bit('suspension', true)]), 409);
    await expectProblem(await setStatus(credential.id, [bit('suspension', false)]), 409);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('answers 200 and changes nothing when the credential already has the status asked for', async () => {
    const credential = await issued({ credential: composed() });
    const before = await tableSnapshot(cx.deps.store);

    expect((await setStatus(credential.id, [bit('suspension', false), bit('revocation', false)])).status).toBe(200);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('answers 404 for a credential signed without status entries: the exchange recorded nothing to change', async () => {
    const credential = await issued({ credential: composed(), options: { credentialStatus: [] } });
    const problem = await expectProblem(await setStatus(credential.id, [bit('revocation', true)]), 404);
    expect(problem.detail).toContain(credential.id);
  });

  it('answers 404 for a credential the institution did not issue, and for another institution’s credential', async () => {
    await expectProblem(await setStatus('urn:uuid:00000000-0000-4000-8000-000000000000', [bit('revocation', true)]), 404);
    const theirs = await issued({ credential: composed(didOf('uni-b')) }, 'uni-b');
    await expectProblem(await setStatus(theirs.id, [bit('revocation', true)]), 404);
    expect(await cx.deps.store.credentials.get('uni-b', theirs.id, true)).toMatchObject({ status: 'active' });
  });

  it('refuses another institution’s key and the admin key with 403, no key with 401, and changes nothing', async () => {
    const credential = await issued({ credential: composed() });
    const before = await tableSnapshot(cx.deps.store);

    await expectProblem(await setStatus(credential.id, [bit('revocation', true)], 'uni-a', 'uni-b'), 403);
    const body = { credentialId: credential.id, credentialStatus: [bit('revocation', true)] };
    await expectProblem(await cx.request('POST', '/vc-api/institutions/uni-a/credentials/status', { key: cx.adminKey, body }), 403);
    await expectProblem(await cx.request('POST', '/vc-api/institutions/uni-a/credentials/status', { body }), 401);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('refuses a malformed request: 400 naming the field', async () => {
    const credential = await issued({ credential: composed() });
    const before = await tableSnapshot(cx.deps.store);
    const cases: Array<[unknown, string]> = [
      [{ credentialStatus: [bit('revocation', true)] }, 'credentialId'],
      [{ credentialId: credential.id }, 'credentialStatus'],
      [{ credentialId: credential.id, credentialStatus: [] }, 'credentialStatus'],
      [{ credentialId: credential.id, credentialStatus: [{ type: 'BitstringStatusListEntry', statusPurpose: 'revocation' }] }, 'credentialStatus.0.status'],
      [{ credentialId: credential.id, credentialStatus: [bit('message', true)] }, 'credentialStatus.0.statusPurpose'],
      [{ credentialId: credential.id, credentialStatus: [{ ...bit('revocation', true), type: 'StatusList2021Entry' }] }, 'credentialStatus.0.type'],
      [{ credentialId: credential.id, credentialStatus: [bit('revocation', true), bit('revocation', false)] }, 'credentialStatus.1.statusPurpose'],
    ];
    for (const [body, field] of cases) {
      const response = await cx.request('POST', '/vc-api/institutions/uni-a/credentials/status', { key: key['uni-a'], body });
      expect(fieldsOf(await expectProblem(response, 400)), JSON.stringify(body)).toEqual([field]);
    }
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });
});
