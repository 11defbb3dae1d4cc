/**
 * The VC API's status bits in the exchange's terms: which status a credential is to have after
 * an update, what the answer reads, and which purposes a credential's entries serve.
 */
import { ConflictError, ValidationError, type CredentialRecord, type CredentialStatus } from '@cx/domain';
import { describe, expect, it } from 'vitest';
import { statusAfter, statusBits, type StatusBitUpdate } from './vc-api-status.js';

const LIST = 'https://exchange.example/status-lists/uni-a';
const messageEntry = { type: 'BitstringStatusListEntry', statusPurpose: 'message', statusSize: 2, statusListIndex: '70000', statusListCredential: `${LIST}/message-1` };
const twoEntries = [
  { type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: '5', statusListCredential: `${LIST}/revocation-1` },
  { type: 'BitstringStatusListEntry', statusPurpose: 'suspension', statusListIndex: '5', statusListCredential: `${LIST}/suspension-1` },
];

function record(status: CredentialStatus, credentialStatus: unknown = messageEntry): CredentialRecord {
  return {
    id: 'urn:uuid:0f4b1c7e-1111-4222-8333-444455556666',
    institution: 'uni-a',
    achievement: { type: 'composed', institution: 'uni-a', code: '', version: 0 },
    recipient: { name: '' },
    status,
    statusListNumber: 1,
    statusIndex: 70000,
    issuedAt: '2026-01-01T00:00:00Z',
    credential: { credentialStatus },
  };
}

const bit = (statusPurpose: 'revocation' | 'suspension', status: boolean): StatusBitUpdate => ({ type: 'BitstringStatusListEntry', statusPurpose, status });
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
};

describe('statusAfter', () => {
  it('revokes on revocation true, whatever the suspension bit asks', () => {
    expect(statusAfter(record('active'), [bit('revocation', true)])).toBe('revoked');
    expect(statusAfter(record('suspended'), [bit('revocation', true), bit('suspension', false)])).toBe('revoked');
  });

  it('suspends on suspension true and reinstates on suspension false', () => {
    expect(statusAfter(record('active'), [bit('suspension', true)])).toBe('suspended');
    expect(statusAfter(record('suspended'), [bit('suspension', false)])).toBe('active');
  });

  it('keeps the status for revocation false alone', () => {
    expect(statusAfter(record('suspended'), [bit('revocation', false)])).toBe('suspended');
    expect(statusAfter(record('active'), [bit('revocation', false)])).toBe('active');
  });

  it('keeps revocation final: anything but revocation true on a revoked credential is a conflict', () => {
    expect(statusAfter(record('revoked'), [bit('revocation', true)])).toBe('revoked');
    for (const updates of [[bit('revocation', false)], [bit('suspension', true)], [bit('suspension', false)]]) {
      expect(refusal(() => statusAfter(record('revoked'), updates))).toBeInstanceOf(ConflictError);
    }
  });

  it('refuses a purpose asked twice, naming the second entry', () => {
    const error = refusal(() => statusAfter(record('active'), [bit('suspension', true), bit('suspension', false)]));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.field)).toEqual(['credentialStatus.1.statusPurpose']);
  });

  it('refuses a purpose the credential has no entry for, naming it', () => {
    const revocationOnly = record('active', twoEntries[0]);
    const error = refusal(() => statusAfter(revocationOnly, [bit('suspension', true)]));
    expect((error as ValidationError).issues.map((issue) => issue.field)).toEqual(['credentialStatus.0.statusPurpose']);
  });

  it('reads both purposes from a message entry and from the two entries credentials were issued with before', () => {
    expect(statusAfter(record('active', twoEntries), [bit('suspension', true)])).toBe('suspended');
    expect(statusAfter(record('active', messageEntry), [bit('suspension', true)])).toBe('suspended');
  });
});

describe('statusBits', () => {
  it('answers one bit per purpose the credential’s entries serve', () => {
    expect(statusBits(record('suspended'))).toEqual({
      credentialId: 'urn:uuid:0f4b1c7e-1111-4222-8333-444455556666',
      credentialStatus: [bit('revocation', false), bit('suspension', true)],
    });
    expect(statusBits(record('revoked', twoEntries[0])).credentialStatus).toEqual([bit('revocation', true)]);
  });
});
