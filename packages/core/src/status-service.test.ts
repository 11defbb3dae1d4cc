/**
 * StatusService on the in-memory persistence: revoking, suspending and reinstating change the
 * credential's bits in its signed status lists and its record together; revocation is final;
 * asking for the status a credential has writes nothing; a change made on a stale read is
 * answered from what the winner wrote.
 */
import { decodeList, getBit } from '@cx/credentials';
import { ConflictError, statusListId, type CredentialRecord, type StatusPurpose, type StoredInstitution } from '@cx/domain';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { asInstitution, issueRequest, testCore, type TestCore } from './test-support.js';

let core: TestCore;
let uniA: StoredInstitution;
const ctx = asInstitution('uni-a');

beforeEach(async () => {
  core = testCore();
  uniA = await core.onboard('uni-a');
  await core.publishComponent('uni-a', 'ML-1');
});

afterEach(() => {
  vi.restoreAllMocks();
});

async function issued(email = 'ada@example.org'): Promise<CredentialRecord> {
  return (await core.issuer.issue('uni-a', issueRequest({ recipient: { name: 'Ada', email } }), ctx)).record;
}

/** The credential's bit for `purpose` as its signed status list publishes it (decoded from `encodedList`). */
async function publishedBit(credential: CredentialRecord, purpose: StatusPurpose): Promise<boolean> {
  const list = await core.persistence.statusLists.get('uni-a', statusListId(purpose, credential.statusListNumber));
  if (!list) throw new Error(`uni-a has no ${purpose} list ${credential.statusListNumber}`);
  const subject = list.credential.credentialSubject as { encodedList: string; statusPurpose: string };
  expect(subject.statusPurpose).toBe(purpose);
  return getBit(decodeList(subject.encodedList), credential.statusIndex);
}

const stored = (credential: CredentialRecord) => core.persistence.credentials.get('uni-a', credential.id);

describe('revoking', () => {
  it('sets the revocation bit, leaves the suspension bit, and marks the record revoked with the reason', async () => {
    const credential = await issued();

    const answer = await core.status.change(uniA, credential, 'revoked', 'plagiarism', ctx);

    expect(await publishedBit(credential, 'revocation')).toBe(true);
    expect(await publishedBit(credential, 'suspension')).toBe(false);
    expect(await stored(credential)).toMatchObject({ status: 'revoked', statusReason: 'plagiarism', statusChangedAt: core.clock.now().toISOString() });
    expect(answer).toEqual(await stored(credential));
  });

  it('writes the list, the record and the audit record in one commit', async () => {
    const credential = await issued();
    const commit = vi.spyOn(core.persistence, 'commit');

    await core.status.change(uniA, credential, 'revoked', 'issued in error', ctx);

    expect(commit.mock.calls.map(([changes]) => changes.map((change) => change.entity))).toEqual([['status-list', 'credential', 'audit']]);
    expect(await core.audited('uni-a', 'credential.revoke')).toEqual([
      expect.objectContaining({ target: `institutions/uni-a/credentials/${credential.id}`, details: { from: 'active', to: 'revoked', reason: 'issued in error' } }),
    ]);
  });

  it('re-signs the list at its next revision', async () => {
    const credential = await issued();
    const before = await core.persistence.statusLists.get('uni-a', statusListId('revocation', credential.statusListNumber));

    await core.status.change(uniA, credential, 'revoked', 'plagiarism', ctx);

    const after = await core.persistence.statusLists.get('uni-a', statusListId('revocation', credential.statusListNumber));
    expect(after!.revision).toBe(before!.revision + 1);
    expect(after!.credential.proof).not.toEqual(before!.credential.proof);
  });

  it('makes the credential fail verification as revoked', async () => {
    const credential = await issued();

    await core.status.change(uniA, credential, 'revoked', 'plagiarism', ctx);

    expect((await core.verifier.verify(credential.credential)).errors).toEqual(['revocation: the credential has been revoked']);
  });

  it('touches no other credential’s bit', async () => {
    const revoked = await issued('first@example.org');
    const neighbour = await issued('second@example.org');

    await core.status.change(uniA, revoked, 'revoked', 'plagiarism', ctx);

    expect(await publishedBit(neighbour, 'revocation')).toBe(false);
  });

  it('of a suspended credential clears its suspension bit', async () => {
    const credential = await issued();
    const suspended = await core.status.change(uniA, credential, 'suspended', 'investigation', ctx);

    await core.status.change(uniA, suspended, 'revoked', 'plagiarism', ctx);

    expect(await publishedBit(credential, 'revocation')).toBe(true);
    expect(await publishedBit(credential, 'suspension')).toBe(false);
  });

  it('is final: suspending or reinstating afterwards is a conflict that writes nothing', async () => {
    const revoked = await core.status.change(uniA, await issued(), 'revoked', 'plagiarism', ctx);
    const commit = vi.spyOn(core.persistence, 'commit');

    for (const to of ['suspended', 'active'] as const) {
      await expect(core.status.change(uniA, revoked, to, 'second thoughts', ctx)).rejects.toThrow(
        new ConflictError(`credential ${revoked.id} is revoked; revocation is final`),
      );
    }
    expect(commit).not.toHaveBeenCalled();
    expect(await publishedBit(revoked, 'revocation')).toBe(true);
  });
});

describe('suspending and reinstating', () => {
  it('sets the suspension bit and marks the record suspended', async () => {
    const credential = await issued();

    await core.status.change(uniA, credential, 'suspended', 'investigation', ctx);

    expect(await publishedBit(credential, 'suspension')).toBe(true);
    expect(await publishedBit(credential, 'revocation')).toBe(false);
    expect(await stored(credential)).toMatchObject({ status: 'suspended', statusReason: 'investigation' });
  });

  it('clears the suspension bit again when the credential is reinstated', async () => {
    const suspended = await core.status.change(uniA, await issued(), 'suspended', 'investigation', ctx);

    const reinstated = await core.status.change(uniA, suspended, 'active', 'cleared', ctx);

    expect(await publishedBit(suspended, 'suspension')).toBe(false);
    expect(reinstated).toMatchObject({ status: 'active', statusReason: 'cleared' });
    expect(await core.audited('uni-a', 'credential.reinstate')).toHaveLength(1);
  });
});

describe('asking for the status a credential already has', () => {
  it('answers the record as it is and writes nothing (a client retrying a lost answer)', async () => {
    const revoked = await core.status.change(uniA, await issued(), 'revoked', 'plagiarism', ctx);
    const commit = vi.spyOn(core.persistence, 'commit');

    const again = await core.status.change(uniA, revoked, 'revoked', 'plagiarism', ctx);

    expect(again).toEqual(revoked);
    expect(commit).not.toHaveBeenCalled();
  });
});

describe('a change made on a stale read', () => {
  it('is a conflict when another request revoked the credential meanwhile', async () => {
    const stale = await issued();
    await core.status.change(uniA, stale, 'revoked', 'plagiarism', ctx);

    await expect(core.status.change(uniA, stale, 'suspended', 'investigation', ctx)).rejects.toThrow(
      new ConflictError(`credential ${stale.id} is revoked; revocation is final`),
    );
    expect(await stored(stale)).toMatchObject({ status: 'revoked', statusReason: 'plagiarism' });
  });

  it('answers what the other request wrote when it made the same change, writing nothing more', async () => {
    const stale = await issued();
    const winner = await core.status.change(uniA, stale, 'suspended', 'investigation', ctx);
    const commit = vi.spyOn(core.persistence, 'commit');

    const answer = await core.status.change(uniA, stale, 'suspended', 'investigation too', ctx);

    expect(answer).toEqual(winner);
    // the one attempt on the stale read lost on its conditions and wrote nothing
    expect(commit).toHaveBeenCalledTimes(1);
    expect(await core.audited('uni-a', 'credential.suspend')).toHaveLength(1);
  });
});
