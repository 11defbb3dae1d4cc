import { describe, expect, it } from 'vitest';
import { checkCredentialShape } from './credential-shape.js';

type Json = Record<string, any>;

const openBadge = (): Json => ({
  '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
  id: 'urn:uuid:2a5b4a57-3f4e-4d3b-9a61-0e0f0a9c1a11',
  type: ['VerifiableCredential', 'OpenBadgeCredential'],
  issuer: { id: 'did:web:exchange.example.eu:institutions:uni-leiden', type: ['Profile'], name: 'Universiteit Leiden' },
  validFrom: '2025-06-30T10:00:00Z',
  credentialSubject: {
    type: ['AchievementSubject'],
    id: 'did:example:ada',
    achievement: {
      id: 'https://exchange.example.eu/v1/institutions/uni-leiden/badges/B/versions/1',
      type: ['Achievement'],
      name: 'Badge',
      description: 'A badge.',
      criteria: { narrative: 'Did it.' },
    },
  },
});

const fieldsOf = (value: unknown, options?: Parameters<typeof checkCredentialShape>[1]) => checkCredentialShape(value, options).map((i) => i.field);

describe('checkCredentialShape', () => {
  it('finds nothing wrong with a minimal OpenBadgeCredential', () => {
    expect(checkCredentialShape(openBadge())).toEqual([]);
  });

  it.each([null, 'a string', 42, [openBadge()]])('reports %j as not a JSON object', (value) => {
    expect(checkCredentialShape(value)).toEqual([{ field: '', message: 'a credential is a JSON object' }]);
  });

  it.each<[string, (c: Json) => void, string]>([
    ['a missing @context', (c) => delete c['@context'], '@context'],
    ['the OB context before the VC context', (c) => c['@context'].reverse(), '@context.0'],
    ['a VC 1.1 context', (c) => (c['@context'][0] = 'https://www.w3.org/2018/credentials/v1'), '@context.0'],
    ['no Open Badges context', (c) => c['@context'].pop(), '@context'],
    ['a missing type', (c) => delete c.type, 'type'],
    ['a type without VerifiableCredential', (c) => (c.type = ['OpenBadgeCredential']), 'type'],
    ['a type without OpenBadgeCredential', (c) => (c.type = ['VerifiableCredential']), 'type'],
    ['an id that is no URI', (c) => (c.id = '1234'), 'id'],
    ['a missing issuer', (c) => delete c.issuer, 'issuer'],
    ['an issuer without a URI id', (c) => (c.issuer.id = 'leiden'), 'issuer.id'],
    ['an issuer that is no Profile', (c) => (c.issuer.type = ['Organization']), 'issuer.type'],
    ['an issuer without a name', (c) => delete c.issuer.name, 'issuer.name'],
    ['a missing validFrom', (c) => delete c.validFrom, 'validFrom'],
    ['a validFrom without a time zone', (c) => (c.validFrom = '2025-06-30T10:00:00'), 'validFrom'],
    ['a validUntil before validFrom', (c) => (c.validUntil = '2024-01-01T00:00:00Z'), 'validUntil'],
    ['a missing credentialSubject', (c) => delete c.credentialSubject, 'credentialSubject'],
    ['a subject that is no AchievementSubject', (c) => (c.credentialSubject.type = ['Person']), 'credentialSubject.type'],
    ['a subject with neither id nor identifier', (c) => delete c.credentialSubject.id, 'credentialSubject'],
    ['a missing achievement', (c) => delete c.credentialSubject.achievement, 'credentialSubject.achievement'],
    ['an achievement without a name', (c) => delete c.credentialSubject.achievement.name, 'credentialSubject.achievement.name'],
    ['criteria without id or narrative', (c) => (c.credentialSubject.achievement.criteria = {}), 'credentialSubject.achievement.criteria'],
    ['a credentialStatus without a type', (c) => (c.credentialStatus = [{ statusListIndex: '1' }]), 'credentialStatus.0.type'],
  ])('reports %s', (_what, change, field) => {
    const credential = openBadge();
    change(credential);
    expect(fieldsOf(credential)).toContain(field);
  });

  it('asks only for VC 2.0 under the vc profile', () => {
    const credential = openBadge();
    credential['@context'].pop();
    credential.type = ['VerifiableCredential'];
    credential.issuer = 'did:example:issuer';
    credential.credentialSubject = { id: 'did:example:ada' };
    expect(checkCredentialShape(credential, { profile: 'vc' })).toEqual([]);
  });

  it('asks for a complete proof when verifying', () => {
    expect(fieldsOf(openBadge(), { requireProof: true })).toEqual(['proof']);
    const signed = { ...openBadge(), proof: { type: 'DataIntegrityProof', verificationMethod: 'did:web:x#key-1', proofPurpose: 'assertionMethod' } };
    expect(fieldsOf(signed, { requireProof: true })).toEqual(['proof.cryptosuite', 'proof.proofValue']);
  });
});
