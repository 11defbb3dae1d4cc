import { createHash } from 'node:crypto';
import jsonld from 'jsonld';
import { ValidationError, type InstitutionRecord } from '@cx/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCredentialShape } from './credential-shape.js';
import { createDocumentLoader } from './document-loader.js';
import { EU_MICROCREDENTIAL_INLINE_CONTEXT, EU_MICROCREDENTIAL_VOCAB } from './eu-microcredential-context.js';
import { emailMatches, hashEmail } from './identity-hash.js';
import { buildOpenBadgeCredential } from './open-badge.js';
import { signCredential } from './sign.js';
import { keyVaultSigner } from './signer.js';
import {
  badgeInput,
  component,
  componentInput,
  didDocumentOf,
  didOf,
  institutionWithKeys,
  microDegreeInput,
  PUBLIC_URL,
  tempKeyVault,
} from './test-support.js';

type Json = Record<string, any>;

let institution: InstitutionRecord;
let cleanup: () => void;
let keyVault: ReturnType<typeof tempKeyVault>['keyVault'];

beforeAll(async () => {
  ({ keyVault, cleanup } = tempKeyVault());
  institution = await institutionWithKeys(keyVault);
});
afterAll(() => cleanup());

describe('buildOpenBadgeCredential', () => {
  it('builds a VC 2.0 OpenBadgeCredential with the contexts in order and a urn:uuid id', () => {
    const credential = buildOpenBadgeCredential(componentInput(institution));
    expect(credential['@context']).toEqual([
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      // inline, so no verifier depends on the exchange being reachable (it used to be euContextUrl)
      EU_MICROCREDENTIAL_INLINE_CONTEXT,
    ]);
    expect(credential.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);
    expect(credential.id).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(credential.validFrom).toBe('2025-06-30T10:00:00Z');
  });

  it('names the issuer as a Profile with its did:web, name, homepage and country', () => {
    expect(buildOpenBadgeCredential(componentInput(institution)).issuer).toMatchObject({
      id: didOf(institution),
      type: ['Profile'],
      name: 'Universiteit Leiden',
      url: 'https://www.universiteitleiden.nl',
      address: { type: ['Address'], addressCountryCode: 'NL' },
    });
  });

  it('freezes the component into the achievement with every EU element', () => {
    const { achievement } = buildOpenBadgeCredential(componentInput(institution)).credentialSubject;
    expect(achievement).toMatchObject({
      type: ['Achievement'],
      achievementType: 'MicroCredential',
      name: component.title,
      description: component.description,
      criteria: { narrative: expect.any(String) },
      creditsAvailable: 5,
      inLanguage: 'en',
      humanCode: 'CS-101',
      version: '3',
      ectsCredits: 5,
      eqfLevel: 6,
      qfEheaCycle: 'first',
      iscedField: '0613',
      learningOutcomes: component.learningOutcomes,
      assessmentType: 'project',
      assessmentSupervision: 'supervised-id-check',
      participationForm: 'blended',
      qualityAssurance: component.qualityAssurance,
      awardingBody: { id: didOf(institution), name: 'Universiteit Leiden' },
      prerequisites: component.prerequisites,
      stackability: 'stackable',
      stackableTowards: [{ id: expect.stringContaining('/micro-degrees/MD-SEC/versions/2'), name: 'Micro-degree in Software Security' }],
      instructionLanguages: ['en', 'nl'],
      furtherInformation: component.url,
    });
  });

  it('records the grade as an Open Badges result described by the achievement', () => {
    const { credentialSubject } = buildOpenBadgeCredential(componentInput(institution));
    const [description] = credentialSubject.achievement.resultDescription as Array<{ id: string }>;
    expect(credentialSubject.result).toEqual([{ type: ['Result'], resultDescription: description!.id, value: '8.5' }]);
    expect(credentialSubject.creditsEarned).toBe(5);
  });

  it('gives a badge the Badge achievement type, its criteria and alignments', () => {
    const { achievement } = buildOpenBadgeCredential(badgeInput(institution)).credentialSubject;
    expect(achievement).toMatchObject({
      achievementType: 'Badge',
      name: 'Peer mentor',
      criteria: { narrative: 'Held at least ten mentoring sessions and wrote a reflection.' },
      alignment: [{ type: ['Alignment'], targetName: 'mentor others', targetUrl: 'http://data.europa.eu/esco/skill/example-mentor' }],
    });
  });

  it('gives a micro-degree the Certificate type, its total ECTS, components and requirement', () => {
    const { achievement } = buildOpenBadgeCredential(microDegreeInput(institution)).credentialSubject;
    expect(achievement).toMatchObject({
      achievementType: 'Certificate',
      creditsAvailable: 15,
      ectsCredits: 15,
      eqfLevel: 6,
      criteria: { narrative: 'Holds credentials for at least 2 of the 2 components of the micro-degree.' },
      composedOf: [
        { id: expect.stringContaining('/uni-leiden/components/CS-101/versions/3'), name: 'Secure Software Development', ectsCredits: 5 },
        { id: expect.stringContaining('/uni-ghent/components/SEC-2/versions/1'), name: 'Penetration Testing', ectsCredits: 10 },
      ],
    });
  });

  it('identifies a recipient with a DID by that DID, without an email hash', () => {
    const { credentialSubject } = buildOpenBadgeCredential(componentInput(institution, { recipient: { did: 'did:example:ada', email: 'ada@example.org' } }));
    expect(credentialSubject.id).toBe('did:example:ada');
    expect(credentialSubject.identifier).toBeUndefined();
  });

  it('identifies a recipient without a DID by a salted SHA-256 hash of the email, and shows the name', () => {
    const { credentialSubject } = buildOpenBadgeCredential(badgeInput(institution));
    expect(credentialSubject.id).toBeUndefined();
    expect(credentialSubject.identifier).toEqual([
      { type: 'IdentityObject', identityType: 'name', hashed: false, identityHash: 'Ada Lovelace' },
      { type: 'IdentityObject', identityType: 'emailAddress', hashed: true, identityHash: hashEmail('ada@example.org', 'c0ffee'), salt: 'c0ffee' },
    ]);
    expect(JSON.stringify(credentialSubject)).not.toContain('example.org');
  });

  it('refuses a recipient with neither a DID nor an email', () => {
    expect(() => buildOpenBadgeCredential(componentInput(institution, { recipient: { name: 'Nobody' } }))).toThrow(ValidationError);
  });

  it('carries one status entry, an object (OB 3.0 allows at most one): purpose message, 2 bits for active, revoked, suspended', () => {
    expect(buildOpenBadgeCredential(componentInput(institution)).credentialStatus).toEqual({
      id: `${PUBLIC_URL}/status-lists/${institution.id}/message-1#142424`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'message',
      statusListIndex: '142424',
      statusListCredential: `${PUBLIC_URL}/status-lists/${institution.id}/message-1`,
      statusSize: 2,
      statusMessage: [
        { status: '0x0', message: 'active' },
        { status: '0x1', message: 'revoked' },
        { status: '0x2', message: 'suspended' },
        { status: '0x3', message: 'undefined' },
      ],
      statusReference: 'https://www.w3.org/TR/vc-bitstring-status-list/#bitstringstatuslistentry',
    });
  });

  it.each([
    ['a component', componentInput],
    ['a badge', badgeInput],
    ['a micro-degree', microDegreeInput],
  ])('builds %s credential that passes the shape check', (_kind, input) => {
    expect(checkCredentialShape(buildOpenBadgeCredential(input(institution)))).toEqual([]);
  });
});

describe('hashed emails', () => {
  it('hashes as sha256$ + hex of the email followed by the salt', () => {
    // sha256("ada@example.org" + "c0ffee"), as the OB 3.0 IdentityHash is defined
    expect(hashEmail('ada@example.org', 'c0ffee')).toBe('sha256$' + createHash('sha256').update('ada@example.orgc0ffee').digest('hex'));
  });

  it('matches the same email in any case, and no other', () => {
    const { identifier } = buildOpenBadgeCredential(badgeInput(institution)).credentialSubject;
    expect(emailMatches(identifier, ' ADA@example.org ')).toBe(true);
    expect(emailMatches(identifier, 'eve@example.org')).toBe(false);
  });

  it('matches nothing in malformed identifiers', () => {
    expect(emailMatches(undefined, 'ada@example.org')).toBe(false);
    expect(emailMatches([{ identityType: 'emailAddress', hashed: true, identityHash: 'md5$abc' }], 'ada@example.org')).toBe(false);
  });
});

describe('JSON-LD expansion of an issued credential', () => {
  const documentLoader = () => createDocumentLoader({ publicUrl: PUBLIC_URL, resolveDid: async () => didDocumentOf(institution) });

  /** Every property IRI in an expanded document, with its values, at any depth. */
  function expandedProperties(node: unknown, into = new Map<string, unknown[]>()): Map<string, unknown[]> {
    if (Array.isArray(node)) node.forEach((n) => expandedProperties(n, into));
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (!key.startsWith('@')) into.set(key, [...(into.get(key) ?? []), value]);
        expandedProperties(value, into);
      }
    }
    return into;
  }

  it('keeps every EU element under the EU vocabulary, in safe mode', async () => {
    const signer = keyVaultSigner({ keyVault, keyRef: institution.keys[0]!.keyRef, verificationMethod: `${didOf(institution)}#key-1` });
    const issued = await signCredential(buildOpenBadgeCredential(componentInput(institution)), { signer, documentLoader: documentLoader() });
    const expanded = await jsonld.expand(issued, { documentLoader: documentLoader(), safe: true });
    const properties = expandedProperties(expanded);

    const achievement = issued.credentialSubject.achievement as Json;
    const euTerms = Object.keys(achievement).filter((key) => properties.has(`${EU_MICROCREDENTIAL_VOCAB}${key}`));
    expect(euTerms.sort()).toEqual(
      [
        'ectsCredits',
        'eqfLevel',
        'qfEheaCycle',
        'iscedField',
        'learningOutcomes',
        'assessmentType',
        'assessmentSupervision',
        'participationForm',
        'qualityAssurance',
        'awardingBody',
        'prerequisites',
        'stackability',
        'stackableTowards',
        'instructionLanguages',
        'furtherInformation',
      ].sort(),
    );
    const outcomes = properties.get(`${EU_MICROCREDENTIAL_VOCAB}learningOutcomes`)!.flat() as Array<{ '@value': string }>;
    expect(outcomes.map((o) => o['@value'])).toEqual(component.learningOutcomes);
  });

  it('keeps the micro-degree components under the EU vocabulary', async () => {
    const expanded = await jsonld.expand(buildOpenBadgeCredential(microDegreeInput(institution)), { documentLoader: documentLoader(), safe: true });
    const components = expandedProperties(expanded).get(`${EU_MICROCREDENTIAL_VOCAB}composedOf`)!.flat() as Array<{ '@id': string }>;
    expect(components.map((c) => c['@id'])).toHaveLength(2);
  });

  it('fails in safe mode on a term that no context defines', async () => {
    const credential = buildOpenBadgeCredential(componentInput(institution)) as Json;
    credential.credentialSubject.achievement.ectsWorkload = 5;
    await expect(jsonld.expand(credential, { documentLoader: documentLoader(), safe: true })).rejects.toThrow(/Safe mode validation error/);
  });
});
