/**
 * StatusService on the in-memory persistence: revoking, suspending and reinstating change the
 * credential's status in its signed `message` list (or, for a credential issued with two
 * entries before, its revocation and suspension lists) and its record together; revocation is final;
 * asking for the status a credential has writes nothing; a change made on a stale read is
 * answered from what the winner wrote.
 */
import { decodeList, encodeList, getBit, newBitstring, readMessageStatus, statusEntry } from '@cx/credentials';
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

/** The signed list `purpose`-N of the credential, decoded from its `encodedList`. */
async function publishedBits(credential: CredentialRecord, purpose: StatusPurpose): Promise<Uint8Array> {
  const list = await core.persistence.statusLists.get('uni-a', statusListId(purpose, credential.statusListNumber));
  if (!list) throw new Error(`uni-a has no ${purpose} list ${credential.statusListNumber}`);
  const subject = list.credential.credentialSubject as { encodedList: string; statusPurpose: string };
  expect(subject.statusPurpose).toBe(purpose);
  return decodeList(subject.encodedList);
}

/** The credential's status as its signed `message` list publishes it. */
const publishedStatus = async (credential: CredentialRecord) => readMessageStatus(await publishedBits(credential, 'message'), credential.statusIndex);

/** The credential's bit in the signed `revocation` or `suspension` list (credentials issued with two entries). */
const publishedBit = async (credential: CredentialRecord, purpose: 'revocation' | 'suspension') =>
  getBit(await publishedBits(credential, purpose), credential.statusIndex);

/**
 * A credential as the exchange issued it before one `message` entry: two entries at index 4242
 * of `revocation-1` and `suspension-1`, lists that exist with all bits clear.
 */
async function issuedWithTwoEntries(): Promise<CredentialRecord> {
  const fresh = await issued('before@example.org');
  for (const purpose of ['revocation', 'suspension'] as const) {
    await core.persistence.statusLists.create({
      institution: 'uni-a',
      listId: statusListId(purpose, 1),
      purpose,
      listNumber: 1,
      bits: Buffer.from(newBitstring()).toString('base64'),
      revision: 1,
      updatedAt: core.clock.now().toISOString(),
      // what the list served, as far as this test reads it
      credential: { credentialSubject: { statusPurpose: purpose, encodedList: encodeList(newBitstring()) } },
    });
  }
  const older: CredentialRecord = {
    ...fresh,
    id: 'urn:uuid:00000000-0000-4000-8000-000000004242',
    statusListNumber: 1,
    statusIndex: 4242,
    credential: {
      ...fresh.credential,
      credentialStatus: (['revocation', 'suspension'] as const).map((purpose) =>
        statusEntry({ statusListCredential: core.status.listUrl('uni-a', statusListId(purpose, 1)), index: 4242, purpose }),
      ),
    },
  };
  await core.persistence.commit([core.persistence.credentials.create(older)]);
  return older;
}

const stored = (credential: CredentialRecord) => core.persistence.credentials.get('uni-a', credential.id);

describe('revoking', () => {
  it('publishes the credential revoked in its message list and marks the record revoked with the reason', async () => {
    const credential = await issued();

    const answer = await core.status.change(uniA, credential, 'revoked', 'plagiarism', ctx);

    expect(await publishedStatus(credential)).toBe('revoked');
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
    const before = await core.persistence.statusLists.get('uni-a', statusListId('message', credential.statusListNumber));

    await core.status.change(uniA, credential, 'revoked', 'plagiarism', ctx);

    const after = await core.persistence.statusLists.get('uni-a', statusListId('message', credential.statusListNumber));
    expect(after!.revision).toBe(before!.revision + 1);
    expect(after!.credential.proof).not.toEqual(before!.credential.proof);
  });

  it('makes the credential fail verification as revoked', async () => {
    const credential = await issued();

    await core.status.change(uniA, credential, 'revoked', 'plagiarism', ctx);

    expect((await core.verifier.verify(credential.credential)).errors).toEqual(['revocation: the credential has been revoked']);
  });

  it('touches no other credential’s status', async () => {
    const revoked = await issued('first@example.org');
    const neighbour = await issued('second@example.org');

    await core.status.change(uniA, revoked, 'revoked', 'plagiarism', ctx);

    expect(await publishedStatus(neighbour)).toBe('active');
  });

  it('of a suspended credential replaces the suspension', async () => {
    const credential = await issued();
    const suspended = await core.status.change(uniA, credential, 'suspended', 'investigation', ctx);

    await core.status.change(uniA, suspended, 'revoked', 'plagiarism', ctx);

    expect(await publishedStatus(credential)).toBe('revoked');
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
    expect(await publishedStatus(revoked)).toBe('revoked');
  });
});

describe('suspending and reinstating', () => {
  it('publishes the credential suspended and marks the record suspended', async () => {
    const credential = await issued();

    await core.status.change(uniA, credential, 'suspended', 'investigation', ctx);

    expect(await publishedStatus(credential)).toBe('suspended');
    expect(await stored(credential)).toMatchObject({ status: 'suspended', statusReason: 'investigation' });
  });

  it('publishes the credential active again when it is reinstated', async () => {
    const suspended = await core.status.change(uniA, await issued(), 'suspended', 'investigation', ctx);

    const reinstated = await core.status.change(uniA, suspended, 'active', 'cleared', ctx);

    expect(await publishedStatus(suspended)).toBe('active');
    expect(reinstated).toMatchObject({ status: 'active', statusReason: 'cleared' });
    expect(await core.audited('uni-a', 'credential.reinstate')).toHaveLength(1);
  });
});

describe('a credential issued with two status entries (revocation and suspension lists)', () => {
  it('is revoked in its revocation list, its suspension list left, and no message list written, in one commit', async () => {
    const older = await issuedWithTwoEntries();
    const commit = vi.spyOn(core.persistence, 'commit');

    await core.status.change(uniA, older, 'revoked', 'plagiarism', ctx);

    expect([await publishedBit(older, 'revocation'), await publishedBit(older, 'suspension')]).toEqual([true, false]);
    expect(commit.mock.calls.map(([changes]) => changes.map((change) => change.entity))).toEqual([['status-list', 'credential', 'audit']]);
    expect((await core.persistence.statusLists.get('uni-a', statusListId('message', 1)))!.revision).toBe(1);
  });

  it('is suspended and reinstated in its suspension list', async () => {
    const older = await issuedWithTwoEntries();

    const suspended = await core.status.change(uniA, older, 'suspended', 'investigation', ctx);
    expect([await publishedBit(older, 'revocation'), await publishedBit(older, 'suspension')]).toEqual([false, true]);

    await core.status.change(uniA, suspended, 'active', 'cleared', ctx);
    expect([await publishedBit(older, 'revocation'), await publishedBit(older, 'suspension')]).toEqual([false, false]);
  });

  it('fails our verification as revoked once revoked', async () => {
    const older = await issuedWithTwoEntries();

    await core.status.change(uniA, older, 'revoked', 'plagiarism', ctx);

    // its proof no longer holds (the fixture rewrote its entries), but its status is read from the two lists
    expect((await core.verifier.verify(older.credential)).checks).toContainEqual({ check: 'revocation', ok: false, detail: 'the credential has been revoked' });
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
