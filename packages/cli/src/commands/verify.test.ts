import type { Verification } from '@cx/client';
import { describe, expect, it } from 'vitest';
import { credentialIn, verificationLines } from './verify.js';

const credential = { credentialSubject: { achievement: { name: 'Machine Learning' } }, proof: {} };

describe('verificationLines', () => {
  it('names the issuer as the member list does and says each check in words', () => {
    const result: Verification = {
      verified: true,
      checks: [
        { check: 'proof', ok: true, detail: 'signed by did:web:x#key-1' },
        { check: 'revocation', ok: true, detail: 'not revoked' },
      ],
      errors: [],
      warnings: [],
      issuer: { id: 'uni-a', name: 'Universiteit van A', did: 'did:web:x', status: 'active' },
    };

    expect(verificationLines(result, credential)).toEqual([
      "Issuer: Universiteit van A (uni-a), as the consortium's member list names it",
      'Achievement: Machine Learning',
      '',
      '  ✓ The signature is intact (signed by did:web:x#key-1)',
      '  ✓ It has not been revoked',
      '',
      'VERIFIED',
    ]);
  });

  it('gives the reason of each failed check, and no achievement from an unverified credential', () => {
    const result: Verification = {
      verified: false,
      checks: [
        { check: 'proof', ok: false, detail: 'Invalid signature.' },
        { check: 'issuer-member', ok: false, detail: 'did:web:evil is not a member of this consortium' },
      ],
      errors: [],
      warnings: [],
    };

    expect(verificationLines(result, credential)).toEqual([
      'Issuer: not a member of this consortium',
      '',
      '  ✗ The signature does not match: the credential was changed after signing, or not signed by that key (Invalid signature.)',
      '  ✗ The issuer is not a member of the consortium (did:web:evil is not a member of this consortium)',
      '',
      'NOT VERIFIED: 2 checks failed',
    ]);
  });

  it('words active, revoked and suspended, and a status that could not be checked, each differently', () => {
    const result: Verification = {
      verified: false,
      checks: [
        { check: 'revocation', ok: true, detail: 'not revoked' },
        { check: 'revocation', ok: false, detail: 'the credential has been revoked' },
        { check: 'suspension', ok: false, detail: 'the credential is suspended' },
        { check: 'revocation', ok: false, outcome: 'not-checked', detail: "the status list's signature does not verify: invalid signature" },
        { check: 'suspension', ok: false, outcome: 'not-checked', detail: 'no status list is published at https://x/status-lists/uni-a/message-7' },
      ],
      errors: [],
      warnings: [],
      issuer: { id: 'uni-a', name: 'Universiteit van A', did: 'did:web:x', status: 'active' },
    };

    expect(verificationLines(result, credential).slice(2, 7)).toEqual([
      '  ✓ It has not been revoked',
      '  ✗ It has been revoked (the credential has been revoked)',
      '  ✗ It is suspended (the credential is suspended)',
      "  ✗ Its revocation status could not be checked: the status list's signature does not verify: invalid signature",
      '  ✗ Its suspension status could not be checked: no status list is published at https://x/status-lists/uni-a/message-7',
    ]);
  });
});

describe('credentialIn', () => {
  it('unwraps the answer of the issue route and of the VC API', () => {
    expect(credentialIn({ id: 'urn:uuid:1', credential })).toBe(credential);
    expect(credentialIn({ verifiableCredential: credential })).toBe(credential);
  });

  it('takes a signed credential as it is', () => {
    expect(credentialIn(credential)).toBe(credential);
  });
});
