/**
 * HolderCopies on the in-memory persistence: a copy is the original bound to the holder's
 * DID and signed again, it shares the original's status entry (so revoking or suspending
 * the original revokes or suspends it), it is recorded with its audit entry in one commit,
 * and it is refused for a revoked original, another institution's credential, a suspended
 * institution and a holder DID wallets do not prove.
 */
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type CredentialRecord, type StoredInstitution } from '@cx/domain';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { asInstitution, issueRequest, testCore, type TestCore } from '../test-support.js';
import type { HolderCopyRequest } from './contracts.js';

const HOLDER = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
/** did:jwk of a public P-256 key ({"kty":"EC","crv":"P-256","x":...,"y":...}). */
const JWK_HOLDER = `did:jwk:${Buffer.from(
  JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'acbIQiuMs3i8_uszEjJ2tpTtRM4EU3yz91PH6CdH2V0', y: '_KcyLj9vWMptnmKtm46GqDz8wf74I5LKgrl2GzH3nSE' }),
).toString('base64url')}`;

let core: TestCore;
let uniA: StoredInstitution;
let original: CredentialRecord;
const ctx = asInstitution('uni-a');
/** As the wallet protocols call it: no API key, the wallet's request. */
const wallet = { principal: { kind: 'anonymous' as const }, requestId: 'request-wallet' };

beforeEach(async () => {
  core = testCore();
  uniA = await core.onboard('uni-a');
  await core.onboard('uni-b');
  await core.publishComponent('uni-a', 'ML-1');
  original = (await core.issuer.issue('uni-a', issueRequest(), ctx)).record;
});

afterEach(() => {
  vi.restoreAllMocks();
});

const request = (overrides: Partial<HolderCopyRequest> = {}): HolderCopyRequest => ({
  institution: 'uni-a',
  credentialId: original.id,
  holderDid: HOLDER,
  protocol: 'vcapi',
  ...overrides,
});

describe('issuing a holder copy', () => {
  it('signs a copy that verifies, issued by the institution to the holder DID', async () => {
    const copy = await core.holderCopies.issue(request(), wallet);

    const verification = await core.verifier.verify(copy.credential);
    expect(verification.errors).toEqual([]);
    expect(verification).toMatchObject({ verified: true, issuer: { id: 'uni-a' } });
    expect(copy.credential).toMatchObject({ id: copy.copyId, credentialSubject: { id: HOLDER } });
    expect(copy.copyId).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
  });

  it('changes only the id, the subject id and the proof of the original', async () => {
    const copy = await core.holderCopies.issue(request(), wallet);

    const { id: _copyId, proof: copyProof, credentialSubject: copySubject, ...copyRest } = copy.credential;
    const { id: _originalId, proof: originalProof, credentialSubject: originalSubject, ...originalRest } = original.credential;
    expect(copyRest).toEqual(originalRest);
    expect(copyRest.credentialStatus).toEqual(originalRest.credentialStatus);
    expect(copyRest.validFrom).toBe(originalRest.validFrom);
    const { id: _holder, ...subjectRest } = copySubject as Record<string, unknown>;
    const { id: _recipient, ...originalSubjectRest } = originalSubject as Record<string, unknown>;
    expect(subjectRest).toEqual(originalSubjectRest);
    expect(copyProof).not.toEqual(originalProof);
  });

  it('binds a did:jwk holder, as OpenID4VCI wallets prove', async () => {
    const copy = await core.holderCopies.issue(request({ holderDid: JWK_HOLDER, protocol: 'oid4vci' }), wallet);

    expect(copy).toMatchObject({ holderDid: JWK_HOLDER, protocol: 'oid4vci', credential: { credentialSubject: { id: JWK_HOLDER } } });
  });

  it('records the copy and its audit entry in one commit', async () => {
    const commit = vi.spyOn(core.persistence, 'commit');

    const copy = await core.holderCopies.issue(request(), wallet);

    expect(commit.mock.calls.map(([changes]) => changes.map((change) => change.entity))).toEqual([['copy', 'audit']]);
    expect((await core.persistence.copies.ofCredential('uni-a', original.id, 10)).items).toEqual([copy]);
    expect(copy).toMatchObject({ institution: 'uni-a', originalId: original.id, holderDid: HOLDER, protocol: 'vcapi', issuedAt: core.clock.now().toISOString() });
    expect(await core.audited('uni-a', 'credential.copy')).toEqual([
      expect.objectContaining({
        actor: { kind: 'anonymous' },
        target: `institutions/uni-a/credentials/${original.id}/copies/${copy.copyId}`,
        details: { original: original.id, holderDid: HOLDER, protocol: 'vcapi' },
      }),
    ]);
  });
});

describe("the original's status", () => {
  it('revokes the copy when the original is revoked', async () => {
    const copy = await core.holderCopies.issue(request(), wallet);

    await core.status.change(uniA, original, 'revoked', 'plagiarism', ctx);

    expect((await core.verifier.verify(copy.credential)).errors).toEqual(['revocation: the credential has been revoked']);
  });

  it('suspends the copy while the original is suspended, and reinstates it with the original', async () => {
    const copy = await core.holderCopies.issue(request(), wallet);

    const suspended = await core.status.change(uniA, original, 'suspended', 'investigation', ctx);

    expect((await core.verifier.verify(copy.credential)).checks).toContainEqual(expect.objectContaining({ check: 'suspension', ok: false }));
    await core.status.change(uniA, suspended, 'active', 'cleared', ctx);
    expect((await core.verifier.verify(copy.credential)).verified).toBe(true);
  });

  it('copies a suspended original, the copy suspended with it', async () => {
    await core.status.change(uniA, original, 'suspended', 'investigation', ctx);

    const copy = await core.holderCopies.issue(request(), wallet);

    expect((await core.verifier.verify(copy.credential)).checks).toContainEqual(expect.objectContaining({ check: 'suspension', ok: false }));
  });

  it('refuses to copy a revoked original with a ConflictError, recording nothing', async () => {
    await core.status.change(uniA, original, 'revoked', 'plagiarism', ctx);

    await expect(core.holderCopies.issue(request(), wallet)).rejects.toBeInstanceOf(ConflictError);
    expect((await core.persistence.copies.ofCredential('uni-a', original.id, 10)).items).toEqual([]);
  });
});

describe('refusals', () => {
  it("answers NotFoundError for another institution's credential id", async () => {
    await expect(core.holderCopies.issue(request({ institution: 'uni-b' }), wallet)).rejects.toThrow(new NotFoundError(`uni-b issued no credential ${original.id}`));
    expect((await core.persistence.copies.ofCredential('uni-b', original.id, 10)).items).toEqual([]);
  });

  it('answers NotFoundError for a credential id never issued', async () => {
    await expect(core.holderCopies.issue(request({ credentialId: 'urn:uuid:00000000-0000-4000-8000-000000000000' }), wallet)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses a suspended institution with a ForbiddenError', async () => {
    await core.institutions.setStatus('uni-a', 'suspended', ctx);

    await expect(core.holderCopies.issue(request(), wallet)).rejects.toThrow(new ForbiddenError('uni-a is suspended and can issue nothing new'));
  });

  it.each([
    ['a did:web holder', 'did:web:wallet.example'],
    ['a did:jwk carrying a private key', `did:jwk:${Buffer.from(JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: 'x', d: 'secret' })).toString('base64url')}`],
    ['a did:jwk that is not a JWK', `did:jwk:${Buffer.from('not json').toString('base64url')}`],
    ['a did:key that is not base58btc', 'did:key:z0OIl'],
  ])('refuses %s with a ValidationError, recording nothing', async (_case, holderDid) => {
    const refusal = core.holderCopies.issue(request({ holderDid }), wallet);

    await expect(refusal).rejects.toBeInstanceOf(ValidationError);
    await expect(refusal).rejects.toMatchObject({ issues: [{ field: 'holderDid' }] });
    expect((await core.persistence.copies.ofCredential('uni-a', original.id, 10)).items).toEqual([]);
  });
});
