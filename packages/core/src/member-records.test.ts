/**
 * Member records kept for a few seconds by verification: used again within the TTL, read
 * afresh after it, at once when a proof names a key the kept record lacks, and never kept
 * when the member is unknown.
 */
import type { StoredInstitution } from '@cx/domain';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MEMBER_RECORD_TTL_MS, MemberRecords } from './member-records.js';
import { asAdmin, asInstitution, issueRequest, testCore, type TestCore } from './test-support.js';

let core: TestCore;
let now: number;
let members: MemberRecords;
let reads: ReturnType<typeof vi.spyOn>;

beforeEach(async () => {
  core = testCore();
  await core.onboard('uni-a');
  now = 0;
  members = new MemberRecords(core.persistence, { now: () => now });
  reads = vi.spyOn(core.persistence.institutions, 'get');
});

describe('MemberRecords', () => {
  it('reads a member once within the TTL', async () => {
    const first = await members.get('uni-a');
    now += MEMBER_RECORD_TTL_MS - 1;
    const second = await members.get('uni-a');

    expect(second).toEqual(first);
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it('reads it again once the TTL has passed, and then has its new status', async () => {
    await members.get('uni-a');
    await core.institutions.setStatus('uni-a', 'suspended', asAdmin);
    reads.mockClear();
    now += MEMBER_RECORD_TTL_MS;

    expect((await members.get('uni-a'))?.status).toBe('suspended');
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it('reads it again at once when asked for a key the kept record lacks', async () => {
    await members.get('uni-a', 'key-1');
    await core.institutions.rotateKey('uni-a', asAdmin);
    reads.mockClear();

    const record = (await members.get('uni-a', 'key-2')) as StoredInstitution;

    expect(record.keys.map((key) => key.id)).toEqual(['key-1', 'key-2']);
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it('never keeps an unknown member, so one onboarded next is found at once', async () => {
    expect(await members.get('uni-b')).toBeUndefined();
    await core.onboard('uni-b');

    expect((await members.get('uni-b'))?.id).toBe('uni-b');
  });
});

describe('verifying with kept member records', () => {
  it('verifies a credential signed with a key made after the issuer was kept, at once', async () => {
    await core.publishComponent('uni-a', 'ML-1');
    const before = await core.issuer.issue('uni-a', issueRequest(), asInstitution('uni-a'));
    expect((await core.verifier.verify(before.credential)).verified).toBe(true);
    await core.institutions.rotateKey('uni-a', asAdmin);

    const after = await core.issuer.issue('uni-a', issueRequest({ recipient: { name: 'Bo', email: 'bo@example.org' } }), asInstitution('uni-a'));
    const result = await core.verifier.verify(after.credential);

    expect(JSON.stringify(after.credential.proof)).toMatch(/#key-2"/);
    expect(result).toMatchObject({ verified: true, errors: [] });
  });

  it('reads the issuer once for several verifications in a row', async () => {
    await core.publishComponent('uni-a', 'ML-1');
    const { credential } = await core.issuer.issue('uni-a', issueRequest(), asInstitution('uni-a'));
    reads.mockClear();

    for (let i = 0; i < 3; i++) expect((await core.verifier.verify(credential)).verified).toBe(true);

    expect(reads).toHaveBeenCalledTimes(1);
  });
});
