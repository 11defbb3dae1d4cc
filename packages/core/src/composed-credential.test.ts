/**
 * Credentials a VC API caller composed: their data model version, their shape problems named
 * under `credential.`, whether the exchange adds its status entry, and how it is added.
 */
import { describe, expect, it } from 'vitest';
import { addsStatusEntry, composedShapeIssues, servedStatusPurposes, vcVersion, withStatusEntries } from './composed-credential.js';

const V1 = 'https://www.w3.org/2018/credentials/v1';
const V2 = 'https://www.w3.org/ns/credentials/v2';
const STATUS_V1 = 'https://www.w3.org/ns/credentials/status/v1';
const entry = { type: 'BitstringStatusListEntry', statusPurpose: 'message', statusListIndex: '70000', statusListCredential: 'https://exchange.example/status-lists/uni-a/message-1' };

const v2 = (extra: Record<string, unknown> = {}) => ({ '@context': [V2], type: ['VerifiableCredential'], issuer: 'did:example:issuer', credentialSubject: { id: 'did:example:subject' }, ...extra });
const v1 = (extra: Record<string, unknown> = {}) => ({ ...v2(), '@context': [V1], issuanceDate: '2026-01-01T00:00:00Z', ...extra });

describe('vcVersion', () => {
  it('reads the version from the first context', () => {
    expect(vcVersion(v2())).toBe('2.0');
    expect(vcVersion(v1())).toBe('1.1');
  });
});

describe('composedShapeIssues', () => {
  it('finds nothing wrong with a plain VC 2.0 or VC 1.1 credential', () => {
    expect(composedShapeIssues(v2())).toEqual([]);
    expect(composedShapeIssues(v1())).toEqual([]);
  });

  it('names each field under credential.', () => {
    expect(composedShapeIssues(v2({ type: ['Other'] })).map((issue) => issue.field)).toEqual(['credential.type']);
  });

  it('refuses VC 2.0 validity dates in a VC 1.1 credential', () => {
    expect(composedShapeIssues(v1({ validFrom: '2026-01-01T00:00:00Z', validUntil: '2027-01-01T00:00:00Z' })).map((issue) => issue.field)).toEqual([
      'credential.validFrom',
      'credential.validUntil',
    ]);
  });
});

describe('addsStatusEntry', () => {
  it('adds one by default to a VC 2.0 credential without a credentialStatus of its own', () => {
    expect(addsStatusEntry(v2(), undefined)).toBe(true);
    expect(addsStatusEntry(v2({ credentialStatus: { type: 'CredentialStatusList2017' } }), undefined)).toBe(false);
  });

  it('adds none by default to a VC 1.1 credential, one when asked', () => {
    expect(addsStatusEntry(v1(), undefined)).toBe(false);
    expect(addsStatusEntry(v1(), { type: 'BitstringStatusListEntry' })).toBe(true);
  });

  it('adds none for options.credentialStatus []', () => {
    expect(addsStatusEntry(v2(), [])).toBe(false);
    expect(addsStatusEntry(v2(), [{ type: 'BitstringStatusListEntry', statusPurpose: 'revocation' }])).toBe(true);
  });
});

describe('withStatusEntries', () => {
  it('sets one entry as an object, after the caller’s own entries as a list', () => {
    expect(withStatusEntries(v2(), [entry]).credentialStatus).toEqual(entry);
    const own = { id: 'did:example:status', type: 'CredentialStatusList2017' };
    expect(withStatusEntries(v2({ credentialStatus: own }), [entry]).credentialStatus).toEqual([own, entry]);
  });

  it('adds the status list context to a VC 1.1 credential, once', () => {
    expect(withStatusEntries(v1(), [entry])['@context']).toEqual([V1, STATUS_V1]);
    expect(withStatusEntries(v1({ '@context': [V1, STATUS_V1] }), [entry])['@context']).toEqual([V1, STATUS_V1]);
    expect(withStatusEntries(v2(), [entry])['@context']).toEqual([V2]);
  });

  it('changes nothing without entries', () => {
    const credential = v1();
    expect(withStatusEntries(credential, [])).toBe(credential);
  });
});

describe('servedStatusPurposes', () => {
  it('serves both purposes with a message entry, and each purpose with its own entry', () => {
    expect([...servedStatusPurposes({ credentialStatus: entry })]).toEqual(['revocation', 'suspension']);
    expect([...servedStatusPurposes({ credentialStatus: [{ ...entry, statusPurpose: 'revocation' }] })]).toEqual(['revocation']);
    expect([...servedStatusPurposes({ credentialStatus: { type: 'CredentialStatusList2017' } })]).toEqual([]);
    expect([...servedStatusPurposes({})]).toEqual([]);
  });
});
