import { describe, expect, it } from 'vitest';
import { checkCredentialShape, checkPresentationShape } from './credential-shape.js';

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

describe('checkCredentialShape, VC 2.0 data model rules', () => {
  const vc = (): Json => ({
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    type: ['VerifiableCredential'],
    issuer: 'did:example:issuer',
    credentialSubject: { id: 'did:example:ada' },
  });
  const entry = (statusListIndex: unknown) => ({
    type: 'BitstringStatusListEntry',
    statusPurpose: 'revocation',
    statusListIndex,
    statusListCredential: 'https://exchange.example.eu/status-lists/uni-leiden/revocation-1',
  });

  it.each<[string, Json, string]>([
    ['a credentialSchema without id', { credentialSchema: { type: 'JsonSchema' } }, 'credentialSchema.id'],
    ['a credentialSchema without type', { credentialSchema: { id: 'https://example.org/schema.json' } }, 'credentialSchema.type'],
    ['a credentialSchema id that is no URL', { credentialSchema: [{ id: 'https ://x', type: 'JsonSchema' }] }, 'credentialSchema.0.id'],
    ['a status type that is a number', { credentialStatus: { id: 'did:example:status', type: 2 } }, 'credentialStatus.type'],
    ['a statusListIndex that is a number', { credentialStatus: entry(94567) }, 'credentialStatus.statusListIndex'],
    ['a statusListIndex with a leading zero', { credentialStatus: entry('0945') }, 'credentialStatus.statusListIndex'],
    ['a negative statusListIndex', { credentialStatus: entry('-1') }, 'credentialStatus.statusListIndex'],
    ['a relatedResource without digest', { relatedResource: [{ id: 'https://www.w3.org/ns/credentials/v2' }] }, 'relatedResource.0'],
  ])('reports %s', (_what, extra, field) => {
    expect(fieldsOf({ ...vc(), ...extra }, { profile: 'vc' })).toContain(field);
  });

  it('accepts a status entry whose index is a base-10 string', () => {
    expect(checkCredentialShape({ ...vc(), credentialStatus: entry('94567') }, { profile: 'vc' })).toEqual([]);
  });

  it('accepts VC 1.1 under the vc profile, asking for its issuanceDate', () => {
    const v1 = { ...vc(), '@context': ['https://www.w3.org/2018/credentials/v1'], issuanceDate: '2020-03-16T22:37:26.544Z' };
    expect(checkCredentialShape(v1, { profile: 'vc' })).toEqual([]);
    delete (v1 as Json).issuanceDate;
    expect(fieldsOf(v1, { profile: 'vc' })).toEqual(['issuanceDate']);
  });
});

describe('checkPresentationShape', () => {
  const vp = (): Json => ({ '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiablePresentation'] });

  it('finds nothing wrong with a minimal presentation', () => {
    expect(checkPresentationShape(vp())).toEqual([]);
    expect(checkPresentationShape({ ...vp(), id: 'urn:uuid:9c9a36f8-518f-4976-a934-6649502d0008', holder: { id: 'did:example:holder' } })).toEqual([]);
  });

  it.each<[string, (p: Json) => void, string]>([
    ['no @context', (p) => delete p['@context'], '@context'],
    ['the VC context not first', (p) => p['@context'].unshift('https://www.w3.org/ns/credentials/examples/v2'), '@context.0'],
    ['a context that is a number', (p) => p['@context'].push(123192875), '@context.1'],
    ['no type', (p) => delete p.type, 'type'],
    ['a type without VerifiablePresentation', (p) => (p.type = ['CredentialManagerPresentation']), 'type'],
    ['a holder that is no URL', (p) => (p.holder = 'z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj'), 'holder'],
    ['a holder object without an id', (p) => (p.holder = { name: 'Acme' }), 'holder.id'],
    ['a credential that is a URL', (p) => (p.verifiableCredential = ['https://example.org/vc/1']), 'verifiableCredential.0'],
  ])('reports %s', (_what, change, field) => {
    const presentation = vp();
    change(presentation);
    expect(checkPresentationShape(presentation).map((i) => i.field)).toContain(field);
  });
});
