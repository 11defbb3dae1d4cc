/**
 * CredentialIssuer on the in-memory persistence: what it issues and verifies, what it refuses,
 * that the credential and its audit record are written together or not at all, tenancy, and
 * Idempotency-Key retries (completed, reused, in progress, expired, released after a failure).
 */
import { ConflictError, contentHash, ForbiddenError, IDEMPOTENCY_TTL_SECONDS, NotFoundError, UnprocessableError } from '@cx/domain';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Idempotency, IdempotencyInProgressError, IdempotencyKeyReusedError } from './idempotency.js';
import { CredentialIssuer, emailLookupHash } from './issuer.js';
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
      proof: { type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', verificationMethod: 'did:web:exchange.test:institutions:uni-a#key-1' },
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

  it('writes the credential and its audit record in one commit', async () => {
    const commit = vi.spyOn(core.persistence, 'commit');

    const issued = await core.issuer.issue('uni-a', issueRequest(), ctx);

    expect(commit.mock.calls.map(([changes]) => changes.map((change) => change.entity))).toEqual([['credential', 'audit']]);
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
      wait: { now: () => waitedMs, sleep: async (ms) => void (waitedMs += ms) },
    });

    await expect(issuer.issue('uni-a', request, keyed)).rejects.toBeInstanceOf(IdempotencyInProgressError);
    expect(waitedMs).toBeGreaterThan(0);
    expect(await credentialsOf('ada@example.org')).toEqual([]);
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
