/**
 * The verifier's memory of status lists whose signature verified: keyed by the list's content
 * and the DID document it was checked against, so a list changed in any way (a status change,
 * a forged table item) is checked in full again, and a status is never taken from memory.
 */
import { decodeList, encodeList } from '@cx/credentials';
import { statusListId, type CredentialRecord, type StoredInstitution } from '@cx/domain';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { asInstitution, issueRequest, testCore, type TestCore } from './test-support.js';
import { listFingerprint, VerifiedStatusLists } from './verified-status-lists.js';

type Json = Record<string, any>;

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

const statusChecks = (result: { checks: Array<{ check: string }> }) => result.checks.filter((c) => c.check === 'revocation' || c.check === 'suspension');

describe('verifying with remembered status lists', () => {
  it('checks an unchanged list’s signature once across verifications', async () => {
    const first = await issued('first@example.org');
    const second = await issued('second@example.org');
    const remember = vi.spyOn(VerifiedStatusLists.prototype, 'remember');

    expect((await core.verifier.verify(first.credential)).verified).toBe(true);
    expect((await core.verifier.verify(second.credential)).verified).toBe(true);
    expect((await core.verifier.verify(first.credential)).verified).toBe(true);

    expect(remember).toHaveBeenCalledTimes(1);
  });

  it('answers revoked at once after a revocation, though the list was remembered active', async () => {
    const credential = await issued();
    expect((await core.verifier.verify(credential.credential)).verified).toBe(true);

    await core.status.change(uniA, credential, 'revoked', 'plagiarism', ctx);

    expect((await core.verifier.verify(credential.credential)).errors).toEqual(['revocation: the credential has been revoked']);
  });

  it('answers suspended, then active again, at once after each change', async () => {
    const credential = await issued();
    expect((await core.verifier.verify(credential.credential)).verified).toBe(true);

    await core.status.change(uniA, credential, 'suspended', 'review', ctx);
    expect((await core.verifier.verify(credential.credential)).errors).toEqual(['suspension: the credential is suspended']);

    const suspended = (await core.persistence.credentials.get('uni-a', credential.id))!;
    await core.status.change(uniA, suspended, 'active', 'cleared', ctx);
    expect((await core.verifier.verify(credential.credential)).verified).toBe(true);
  });

  it('checks a list changed in the table without a new proof in full, and fails it as not checked', async () => {
    const credential = await issued();
    expect((await core.verifier.verify(credential.credential)).verified).toBe(true);
    const listId = statusListId('message', credential.statusListNumber);
    const stored = (await core.persistence.statusLists.get('uni-a', listId))!;
    const forged = structuredClone(stored);
    const subject = forged.credential.credentialSubject as Json;
    subject.encodedList = encodeList(new Uint8Array(decodeList(subject.encodedList).length).fill(0xff));
    await core.persistence.commit([core.persistence.statusLists.put(forged, stored.revision)]);

    const result = await core.verifier.verify(credential.credential);

    expect(result.verified).toBe(false);
    for (const check of statusChecks(result)) {
      expect(check).toMatchObject({ ok: false, outcome: 'not-checked', detail: expect.stringMatching(/^the status list's signature does not verify/) });
    }
  });

  it('still checks a remembered list’s validity period against the time of each verification', async () => {
    const credential = await issued();
    expect((await core.verifier.verify(credential.credential)).verified).toBe(true);
    const listId = statusListId('message', credential.statusListNumber);
    const list = (await core.persistence.statusLists.get('uni-a', listId))!.credential;
    // past the five minutes of clock skew the check allows
    vi.spyOn(core.clock, 'now').mockReturnValue(new Date(Date.parse(String(list.validFrom)) - 3_600_000));

    const result = await core.verifier.verify(credential.credential);

    expect(statusChecks(result)[0]).toMatchObject({ ok: false, outcome: 'not-checked', detail: expect.stringMatching(/^the status list is not valid now/) });
  });
});

describe('VerifiedStatusLists', () => {
  const list = (n: number) => ({ purpose: 'message', bits: new Uint8Array([n]) });

  it('forgets the least recently used list beyond its capacity', () => {
    const lists = new VerifiedStatusLists(2);
    lists.remember('a', list(1));
    lists.remember('b', list(2));
    lists.get('a');
    lists.remember('c', list(3));

    expect([lists.get('a')?.bits[0], lists.get('b'), lists.get('c')?.bits[0], lists.size]).toEqual([1, undefined, 3, 2]);
  });
});

describe('listFingerprint', () => {
  const credential = { id: 'https://x/status-lists/uni-a/message-1', credentialSubject: { encodedList: 'uH4sI' } };
  const didDocument = { id: 'did:web:x:institutions:uni-a', verificationMethod: [{ id: '#key-1', publicKeyMultibase: 'z6MkA' }] };

  it('differs when the list or the DID document it is checked against differs', () => {
    const base = listFingerprint(credential, didDocument);
    expect(listFingerprint(structuredClone(credential), structuredClone(didDocument))).toBe(base);
    expect(listFingerprint({ ...credential, credentialSubject: { encodedList: 'uH4sJ' } }, didDocument)).not.toBe(base);
    expect(listFingerprint(credential, { ...didDocument, verificationMethod: [{ id: '#key-1', publicKeyMultibase: 'z6MkB' }] })).not.toBe(base);
    expect(listFingerprint(credential, undefined)).not.toBe(base);
  });
});
