/**
 * CredentialIssuer on the in-memory persistence: what it issues and verifies, what it refuses,
 * that the credential and its audit record are written together or not at all, tenancy,
 * Idempotency-Key retries (completed, reused, in progress, taken over, expired, released after
 * a failure), micro-degrees built from held and recognised components, and the VC API's signing.
 */
import { randomUUID } from 'node:crypto';
import {
  agreementBodySchema,
  ConflictError,
  contentHash,
  ForbiddenError,
  IDEMPOTENCY_TTL_SECONDS,
  microDegreeBodySchema,
  NotFoundError,
  transferBodySchema,
  UnprocessableError,
  ValidationError,
} from '@cx/domain';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { degreeBody } from '../../../functions/catalogue/src/fixtures.js';
import { agreementBody, rule, transferBody } from '../../../functions/recognition/src/fixtures.js';
import { Idempotency, IdempotencyInProgressError, IdempotencyKeyReusedError } from './idempotency.js';
import { CredentialIssuer, emailLookupHash, IDEMPOTENCY_LEASE_MS } from './issuer.js';
import { asInstitution, conflictOnNextCommit, issueRequest, PUBLIC_URL, testCore, type TestCore } from './test-support.js';

let core: TestCore;

beforeEach(async () => {
  core = testCore();
  await core.onboard('uni-a');
  await core.onboard('uni-b');
  await core.publishComponent('uni-a', 'ML-1');
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** The credentials `institution` holds for `email`. */
const credentialsOf = (email: string, institution = 'uni-a') =>
  core.persistence.credentials.allForRecipient(institution, { kind: 'email', emailHash: emailLookupHash(email) });

const ctx = asInstitution('uni-a');

describe('issuing a credential for a published component', () => {
  it('signs a credential that verifies, issued by the institution to the recipient', async () => {
    const issued = await core.issuer.issue('uni-a', issueRequest(), ctx);

    const verification = await core.verifier.verify(issued.credential);
    expect(verification.errors).toEqual([]);
    expect(verification).toMatchObject({ verified: true, issuer: { id: 'uni-a' } });
    expect(issued.credential).toMatchObject({
      id: issued.id,
      issuer: { id: 'did:web:exchange.test:institutions:uni-a' },
      credentialSubject: { achievement: { id: `${PUBLIC_URL}/v1/institutions/uni-a/components/ML-1/versions/1` } },
      // a proof set of one: 1EdTech's OB 3.0 schema wants proof as an array
      proof: [{ type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', verificationMethod: 'did:web:exchange.test:institutions:uni-a#key-1' }],
    });
  });

  it('stores the record as issued, active, for the entry version it froze', async () => {
    const issued = await core.issuer.issue('uni-a', issueRequest(), ctx);

    expect(await core.persistence.credentials.get('uni-a', issued.id)).toEqual({
      ...issued.record,
      emailHash: emailLookupHash('ada@example.org'),
      status: 'active',
      achievement: { type: 'component', institution: 'uni-a', code: 'ML-1', version: 1 },
      credential: issued.credential,
    });
  });

  it('writes the credential, its delivery and notice, and its audit record in one commit', async () => {
    const commit = vi.spyOn(core.persistence, 'commit');

    const issued = await core.issuer.issue('uni-a', issueRequest(), ctx);

    expect(commit.mock.calls.map(([changes]) => changes.map((change) => change.entity))).toEqual([['credential', 'delivery', 'claim', 'notice', 'audit']]);
    expect(await core.audited('uni-a', 'credential.issue')).toEqual([
      expect.objectContaining({ target: `institutions/uni-a/credentials/${issued.id}`, actor: { kind: 'institution', id: 'uni-a', keyId: 'uni-a-key' }, requestId: 'request-1' }),
    ]);
  });

  it('writes neither the credential nor the audit record when the commit’s condition fails', async () => {
    conflictOnNextCommit(core.persistence);

    await expect(core.issuer.issue('uni-a', issueRequest(), ctx)).rejects.toBeInstanceOf(ConflictError);

    expect(await credentialsOf('ada@example.org')).toEqual([]);
    expect(await core.audited('uni-a', 'credential.issue')).toEqual([]);
  });
});

describe('refusals', () => {
  it('refuses an entry the institution never published with a NotFoundError', async () => {
    await expect(core.issuer.issue('uni-a', issueRequest({ code: 'NO-SUCH' }), ctx)).rejects.toThrow(new NotFoundError('uni-a has no component NO-SUCH'));
  });

  it('refuses a withdrawn entry with a ConflictError, storing nothing', async () => {
    await core.catalogue.withdraw('component', 'uni-a', 'ML-1', ctx);

    await expect(core.issuer.issue('uni-a', issueRequest(), ctx)).rejects.toThrow(
      new ConflictError('component ML-1 is withdrawn; no new credentials are issued for it'),
    );
    expect(await credentialsOf('ada@example.org')).toEqual([]);
  });

  it('refuses an unknown version with a NotFoundError', async () => {
    await expect(core.issuer.issue('uni-a', issueRequest({ version: 2 }), ctx)).rejects.toThrow(new NotFoundError('component ML-1 has no version 2'));
  });
});

describe('tenancy', () => {
  it('issues for the institution’s own catalogue only: another member’s component is not found', async () => {
    await expect(core.issuer.issue('uni-b', issueRequest(), asInstitution('uni-b'))).rejects.toThrow(new NotFoundError('uni-b has no component ML-1'));
    expect(await credentialsOf('ada@example.org', 'uni-b')).toEqual([]);
  });

  it('keeps a credential among its issuer’s: another institution does not find it', async () => {
    const issued = await core.issuer.issue('uni-a', issueRequest(), ctx);

    expect(await core.persistence.credentials.get('uni-b', issued.id)).toBeUndefined();
  });

  it('refuses a suspended institution with a ForbiddenError, storing nothing', async () => {
    await core.institutions.setStatus('uni-a', 'suspended', asInstitution('uni-a'));

    await expect(core.issuer.issue('uni-a', issueRequest(), ctx)).rejects.toThrow(new ForbiddenError('uni-a is suspended and can issue nothing new'));
    expect(await credentialsOf('ada@example.org')).toEqual([]);
  });

  it('refuses an institution that is not a member with a NotFoundError', async () => {
    await expect(core.issuer.issue('uni-x', issueRequest(), asInstitution('uni-x'))).rejects.toThrow(
      new NotFoundError('institution uni-x is not a member of the consortium'),
    );
  });
});

describe('with an Idempotency-Key', () => {
  const keyed = { ...ctx, idempotencyKey: 'key-1' };

  it('issues on the first call and completes the key with the credential’s id', async () => {
    const issued = await core.issuer.issue('uni-a', issueRequest(), keyed);

    expect(await core.persistence.idempotency.get('uni-a', 'key-1')).toMatchObject({ state: 'done', resultId: issued.id });
    expect(await credentialsOf('ada@example.org')).toHaveLength(1);
  });

  it('answers a retry with the same body with the same credential, writing nothing', async () => {
    const first = await core.issuer.issue('uni-a', issueRequest(), keyed);
    const commit = vi.spyOn(core.persistence, 'commit');
    const sign = vi.spyOn(core.keyVault, 'sign');

    const again = await core.issuer.issue('uni-a', issueRequest(), keyed);

    expect(again).toEqual(first);
    expect(commit).not.toHaveBeenCalled();
    expect(sign).not.toHaveBeenCalled();
  });

  it('refuses the key with another body as reused (422), writing nothing', async () => {
    await core.issuer.issue('uni-a', issueRequest(), keyed);
    const commit = vi.spyOn(core.persistence, 'commit');

    const error = await core.issuer.issue('uni-a', issueRequest({ result: { grade: 'A' } }), keyed).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(IdempotencyKeyReusedError);
    expect(error).toBeInstanceOf(UnprocessableError);
    expect(commit).not.toHaveBeenCalled();
  });

  it('answers a key another request holds as in progress once its wait is over, issuing nothing', async () => {
    const request = issueRequest();
    const holder = { key: 'key-1', requestHash: contentHash(request), resultId: 'urn:uuid:held', state: 'pending' as const, createdAt: core.clock.now().toISOString() };
    await core.persistence.idempotency.claim('uni-a', holder);
    // the holder's lease has not run out; the wait passes at once on a clock of its own
    let waitedMs = 0;
    const idempotency = new Idempotency({ store: core.persistence, clock: core.clock });
    const issuer = new CredentialIssuer({
      store: core.persistence,
      keyVault: core.keyVault,
      publicUrl: PUBLIC_URL,
      documentLoader: core.documentLoader,
      clock: core.clock,
      status: core.status,
      idempotency,
      notices: core.notices,
      wait: { now: () => waitedMs, sleep: async (ms) => void (waitedMs += ms) },
    });

    await expect(issuer.issue('uni-a', request, keyed)).rejects.toBeInstanceOf(IdempotencyInProgressError);
    expect(waitedMs).toBeGreaterThan(0);
    expect(await credentialsOf('ada@example.org')).toEqual([]);
  });

  it('takes over a key whose holder’s lease ran out, issuing the credential id the holder reserved', async () => {
    const request = issueRequest();
    const reserved = `urn:uuid:${randomUUID()}`;
    const holder = { key: 'key-1', requestHash: contentHash(request), resultId: reserved, state: 'pending' as const, createdAt: core.clock.now().toISOString() };
    await core.persistence.idempotency.claim('uni-a', holder);
    core.clock.advance(IDEMPOTENCY_LEASE_MS + 1000);

    const issued = await core.issuer.issue('uni-a', request, keyed);

    expect(issued.id).toBe(reserved);
    expect(await core.persistence.idempotency.get('uni-a', 'key-1')).toMatchObject({ state: 'done', resultId: reserved });
  });

  it('issues anew under a key older than its time to live, even with another body', async () => {
    const first = await core.issuer.issue('uni-a', issueRequest(), keyed);
    core.clock.advance(IDEMPOTENCY_TTL_SECONDS * 1000 + 1000);

    const second = await core.issuer.issue('uni-a', issueRequest({ result: { grade: 'A' } }), keyed);

    expect(second.id).not.toBe(first.id);
    expect(await credentialsOf('ada@example.org')).toHaveLength(2);
  });

  it('gives the key up when issuing failed, so a retry after the cause is fixed issues', async () => {
    const late = issueRequest({ code: 'LATE-1' });
    await expect(core.issuer.issue('uni-a', late, keyed)).rejects.toBeInstanceOf(NotFoundError);
    expect(await core.persistence.idempotency.get('uni-a', 'key-1')).toBeUndefined();
    await core.publishComponent('uni-a', 'LATE-1');

    const issued = await core.issuer.issue('uni-a', late, keyed);

    expect(await core.persistence.idempotency.get('uni-a', 'key-1')).toMatchObject({ state: 'done', resultId: issued.id });
  });

  it('belongs to one institution: another using the same key gets its own credential', async () => {
    await core.publishComponent('uni-b', 'ML-1');
    const a = await core.issuer.issue('uni-a', issueRequest(), keyed);

    const b = await core.issuer.issue('uni-b', issueRequest(), { ...asInstitution('uni-b'), idempotencyKey: 'key-1' });

    expect(b.id).not.toBe(a.id);
    expect(b.record.institution).toBe('uni-b');
  });
});

describe('a micro-degree', () => {
  const recipient = { name: 'Lin', email: 'lin@example.org' };
  const forLin = (code: string, type: 'component' | 'micro-degree' = 'component') => issueRequest({ type, code, recipient });

  beforeEach(async () => {
    await core.publishComponent('uni-a', 'DE-1', { ects: 4 });
    const degree = microDegreeBodySchema.parse(degreeBody([{ institution: 'uni-a', code: 'ML-1' }, { institution: 'uni-a', code: 'DE-1' }]));
    await core.catalogue.put('micro-degree', 'uni-a', 'ADS', degree, undefined, ctx);
  });

  it('is composed of the component versions the recipient holds, and names their credentials', async () => {
    const ml = await core.issuer.issue('uni-a', forLin('ML-1'), ctx);
    const de = await core.issuer.issue('uni-a', forLin('DE-1'), ctx);

    const degree = await core.issuer.issue('uni-a', forLin('ADS', 'micro-degree'), ctx);

    const achievement = (degree.credential.credentialSubject as { achievement: { achievementType: string; composedOf: Array<{ id: string }> } }).achievement;
    expect(achievement.achievementType).toBe('Certificate');
    expect(achievement.composedOf.map((c) => c.id).sort()).toEqual([
      `${PUBLIC_URL}/v1/institutions/uni-a/components/DE-1/versions/1`,
      `${PUBLIC_URL}/v1/institutions/uni-a/components/ML-1/versions/1`,
    ]);
    expect(degree.record.builtFrom?.sort()).toEqual([ml.id, de.id].sort());
  });

  it('is refused with an UnprocessableError naming what is missing and what is held', async () => {
    await core.issuer.issue('uni-a', forLin('ML-1'), ctx);

    const error = await core.issuer.issue('uni-a', forLin('ADS', 'micro-degree'), ctx).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UnprocessableError);
    expect(error).toMatchObject({ extensions: { missing: ['uni-a/DE-1'], held: ['uni-a/ML-1'] } });
  });

  it('does not count a revoked component credential', async () => {
    const ml = await core.issuer.issue('uni-a', forLin('ML-1'), ctx);
    await core.issuer.issue('uni-a', forLin('DE-1'), ctx);
    await core.status.change((await core.persistence.institutions.get('uni-a'))!, ml.record, 'revoked', 'fraud', ctx);

    await expect(core.issuer.issue('uni-a', forLin('ADS', 'micro-degree'), ctx)).rejects.toMatchObject({ extensions: { missing: ['uni-a/ML-1'] } });
  });

  it('counts a partner’s component recognised as one of its own through a transfer', async () => {
    await core.publishComponent('uni-b', 'DS-9', { ects: 4 });
    await core.agreements.put('uni-a', 'ba', agreementBodySchema.parse(agreementBody('uni-b', [rule('DS-9', { component: 'DE-1', ects: 4 })])), undefined, ctx);
    const partner = await core.issuer.issue('uni-b', forLin('DS-9'), asInstitution('uni-b'));
    await core.transfers.submit('uni-a', transferBodySchema.parse(transferBody([partner.credential], recipient)), { ...ctx, clientAddress: '192.0.2.1' });
    await core.issuer.issue('uni-a', forLin('ML-1'), ctx);

    const degree = await core.issuer.issue('uni-a', forLin('ADS', 'micro-degree'), ctx);

    expect(degree.record.builtFrom).toContain(partner.id);
    expect(degree.credential.evidence).toContainEqual(
      expect.objectContaining({ id: partner.id, narrative: `Partner credential ${partner.id}, recognised by uni-a through a transfer` }),
    );
  });
});

describe('signing a credential the caller composed (the VC API)', () => {
  const did = 'did:web:exchange.test:institutions:uni-a';
  const composed = (issuer: string) => ({
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
    id: 'urn:uuid:5b1c9f3e-8d0a-4c2b-9e7f-1a2b3c4d5e6f',
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
  });

  it('signs it with the institution’s key, records the credential for status changes, and audits it', async () => {
    const signed = await core.issuer.signComposed('uni-a', composed(did), ctx);

    expect((await core.verifier.verify(signed)).verified).toBe(true);
    expect(await core.persistence.credentials.get('uni-a', String(signed.id))).toMatchObject({ status: 'active', credential: signed });
    expect(await core.audited('uni-a', 'credential.sign-composed')).toEqual([
      expect.objectContaining({ target: 'institutions/uni-a/vc-api/credentials/urn:uuid:5b1c9f3e-8d0a-4c2b-9e7f-1a2b3c4d5e6f', details: expect.objectContaining({ verificationMethod: `${did}#key-1` }) }),
    ]);
  });

  it('refuses a credential whose issuer is not the institution’s DID, naming credential.issuer', async () => {
    const error = await core.issuer.signComposed('uni-a', composed('did:web:exchange.test:institutions:uni-b'), ctx).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.field)).toEqual(['credential.issuer']);
    expect(await core.audited('uni-a', 'credential.sign-composed')).toEqual([]);
  });
});
