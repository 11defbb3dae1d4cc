import type { Check, Verification } from '@cx/core';
import { describe, expect, it } from 'vitest';
import { i18nFor } from '@cx/i18n';
import * as view from './credential-view.js';
import { describeCredential } from './credential-view.js';

// these tests read the English wording; credential-view-de.test.ts checks the German
const en = i18nFor('en');
const verdictOf = (vc: unknown, verification: Verification) => view.verdictOf(vc, verification, en);
const checkWording = (item: Check, issuerName: string | undefined) => view.checkWording(item, issuerName, en);

const ALL_OK: Check[] = [
  { check: 'schema', ok: true },
  { check: 'proof', ok: true },
  { check: 'issuer-member', ok: true },
  { check: 'revocation', ok: true, detail: 'not revoked' },
  { check: 'suspension', ok: true, detail: 'not suspended' },
  { check: 'validity-period', ok: true },
];
const issuer = { id: 'uni-a', name: 'Universiteit Leiden', did: 'did:web:x:institutions:uni-a', status: 'active' };
const credential = { issuer: { id: issuer.did, name: 'Claimed Name' }, proof: {}, validUntil: '2026-01-01T00:00:00Z' };

function verification(failing: Partial<Record<Check['check'], string>>, withIssuer = true): Verification {
  const checks = ALL_OK.map((c) => (c.check in failing ? { check: c.check, ok: false, detail: failing[c.check] } : c));
  const errors = checks.filter((c) => !c.ok).map((c) => `${c.check}: ${c.detail}`);
  return { verified: errors.length === 0, checks, errors, warnings: [], issuer: withIssuer ? issuer : undefined };
}

describe('the verdict', () => {
  it('names the member-list issuer of a verified credential, not the name it claims', () => {
    const verdict = verdictOf(credential, verification({}));
    expect(verdict).toMatchObject({ kind: 'verified', ok: true });
    expect(verdict.explanation).toContain('Universiteit Leiden');
    expect(verdict.explanation).not.toContain('Claimed Name');
  });

  it('calls a credential from a non-member foreign, even though its signature fails too', () => {
    expect(verdictOf(credential, verification({ 'issuer-member': 'not a member', proof: 'unknown key' }, false)).kind).toBe('foreign');
  });

  it('calls a broken signature of a member tampered', () => {
    expect(verdictOf(credential, verification({ proof: 'invalid signature' })).kind).toBe('tampered');
  });

  it('tells revoked, suspended, expired and not yet valid apart', () => {
    expect(verdictOf(credential, verification({ revocation: 'the credential has been revoked' })).kind).toBe('revoked');
    expect(verdictOf(credential, verification({ suspension: 'the credential is suspended' })).kind).toBe('suspended');
    expect(verdictOf(credential, verification({ 'validity-period': 'expired at 2026-01-01T00:00:00Z' })).kind).toBe('expired');
    expect(verdictOf(credential, verification({ 'validity-period': 'not valid before 2099-01-01T00:00:00Z' })).kind).toBe('not-yet-valid');
  });

  it('says a status whose list could not be checked is not checked, with the reason, not revoked', () => {
    const reason = "the status list's signature does not verify: invalid signature";
    const unchecked = verification({});
    unchecked.checks = unchecked.checks.map((c) => (c.check === 'revocation' || c.check === 'suspension' ? { check: c.check, ok: false, outcome: 'not-checked', detail: reason } : c));
    unchecked.verified = false;

    const verdict = verdictOf(credential, unchecked);

    expect(verdict).toMatchObject({ kind: 'status-not-checked', ok: false, headline: 'Its status could not be checked' });
    expect(verdict.explanation).toContain(`its status could not be checked: ${reason}.`);
    expect(verdict.explanation).not.toMatch(/has revoked|has suspended/);
    expect(describeCredential(credential, unchecked).status.state).toBe('unknown');
  });

  it('still says revoked when the revocation list was read, whatever the suspension list', () => {
    const mixed = verification({ revocation: 'the credential has been revoked' });
    mixed.checks = mixed.checks.map((c) => (c.check === 'suspension' ? { check: 'suspension', ok: false, outcome: 'not-checked', detail: 'no status list is published at x' } : c));

    expect(verdictOf(credential, mixed).kind).toBe('revoked');
  });

  it('calls JSON without issuer or proof not a credential', () => {
    expect(verdictOf({ a: 1 }, verification({ schema: 'bad', proof: 'none', 'issuer-member': 'none' }, false)).kind).toBe('not-a-credential');
  });
});

describe('each status check in words', () => {
  it('words not revoked, revoked and could not be checked differently', () => {
    expect(checkWording({ check: 'revocation', ok: true, detail: 'not revoked' }, undefined).text).toBe('Not revoked.');
    expect(checkWording({ check: 'revocation', ok: false, detail: 'the credential has been revoked' }, undefined).text).toBe('Revoked: the issuer has withdrawn it for good.');
    expect(checkWording({ check: 'revocation', ok: false, outcome: 'not-checked', detail: 'no status list is published at x' }, undefined).text).toBe(
      'Its revocation status could not be checked: no status list is published at x.',
    );
  });

  it('words not suspended, suspended and could not be checked differently', () => {
    expect(checkWording({ check: 'suspension', ok: true, detail: 'not suspended' }, undefined).text).toBe('Not suspended.');
    expect(checkWording({ check: 'suspension', ok: false, detail: 'the credential is suspended' }, undefined).text).toBe('Suspended: the issuer has put it on hold.');
    expect(checkWording({ check: 'suspension', ok: false, outcome: 'not-checked', detail: "the status list's signature does not verify: bad." }, undefined).text).toBe(
      "Its suspension status could not be checked: the status list's signature does not verify: bad.",
    );
  });
});

describe('what the credential states', () => {
  it('reads the recipient as a DID, or as a hashed email', () => {
    const byDid = describeCredential({ credentialSubject: { id: 'did:key:z6Mk' } }, verification({}));
    expect(byDid.recipient).toMatchObject({ did: 'did:key:z6Mk', hashedEmail: false });
    const byEmail = describeCredential(
      { credentialSubject: { identifier: [{ type: 'IdentityObject', identityType: 'emailAddress', hashed: true, identityHash: 'sha256$abc' }] } },
      verification({}),
    );
    expect(byEmail.recipient).toMatchObject({ did: undefined, hashedEmail: true });
  });

  it('reads the status from the status checks', () => {
    expect(describeCredential(credential, verification({})).status.state).toBe('active');
    expect(describeCredential(credential, verification({ revocation: 'the credential has been revoked' })).status.state).toBe('revoked');
    expect(describeCredential(credential, verification({ suspension: 'the credential is suspended' })).status.state).toBe('suspended');
  });

  it('survives a credential of the wrong shape', () => {
    expect(() => describeCredential({ credentialSubject: 'x', evidence: 'y', type: 7 }, verification({ schema: 'bad' }))).not.toThrow();
  });
});
