/**
 * Fixtures for this package's tests: an institution with keys in a LocalKeyVault (temp dir),
 * its DID document, catalogue entries and complete credential inputs. Not exported by index.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ed25519ToMultibase, institutionDid, institutionDidDocument, type InstitutionRecord, type KeyVault } from '@cx/domain';
import { LocalKeyVault } from '@cx/signing';
import type { ComponentEntry, BadgeEntry, MicroDegreeEntry, OpenBadgeInput } from './open-badge.js';
import { messageStatusEntry } from './status-list.js';

export const PUBLIC_URL = 'https://exchange.example.eu';
export const INSTITUTION_ID = 'uni-leiden';

/** A LocalKeyVault in a fresh temp dir, and a way to delete it. */
export function tempKeyVault(): { keyVault: LocalKeyVault; cleanup: () => void } {
  const directory = mkdtempSync(join(tmpdir(), 'cx-credentials-'));
  return { keyVault: new LocalKeyVault(directory), cleanup: () => rmSync(directory, { recursive: true, force: true }) };
}

/** An institution with `keyCount` keys in `keyVault`: the last one active, the earlier ones retired. */
export async function institutionWithKeys(keyVault: KeyVault, keyCount = 1, id = INSTITUTION_ID): Promise<InstitutionRecord> {
  const keys = [];
  for (let n = 1; n <= keyCount; n++) {
    const { keyRef, publicKey } = await keyVault.createKey({ consortium: 'test', institutionId: id, keyId: `key-${n}` });
    keys.push({
      id: `key-${n}`,
      keyRef,
      publicKeyMultibase: ed25519ToMultibase(publicKey),
      status: n === keyCount ? ('active' as const) : ('retired' as const),
      createdAt: '2025-01-01T00:00:00Z',
    });
  }
  return {
    id,
    name: 'Universiteit Leiden',
    country: 'NL',
    homepage: 'https://www.universiteitleiden.nl',
    erasmusCode: 'NL LEIDEN01',
    status: 'active',
    keys,
    createdAt: '2025-01-01T00:00:00Z',
    updatedAt: '2025-01-01T00:00:00Z',
  };
}

export const didOf = (institution: InstitutionRecord) => institutionDid(PUBLIC_URL, institution.id);
export const didDocumentOf = (institution: InstitutionRecord) => institutionDidDocument(PUBLIC_URL, institution);

export const component: ComponentEntry = {
  code: 'CS-101',
  version: 3,
  title: 'Secure Software Development',
  description: 'Threat modelling, secure coding and code review for web applications.',
  learningOutcomes: ['Builds a threat model of a web application', 'Finds and fixes injection flaws in code review'],
  ects: 5,
  eqfLevel: 6,
  qfEheaCycle: 'first',
  iscedField: '0613',
  languages: ['en', 'nl'],
  assessment: { type: 'project', supervision: 'supervised-id-check' },
  participation: 'blended',
  qualityAssurance: 'Internal QA of the Faculty of Science; NVAO-accredited programme',
  prerequisites: 'Programming in any language (2 ECTS)',
  url: 'https://www.universiteitleiden.nl/courses/cs-101',
};

export const badge: BadgeEntry = {
  code: 'PEER-MENTOR',
  version: 1,
  name: 'Peer mentor',
  description: 'Mentored first-year students for a full semester.',
  category: 'social-engagement',
  criteria: 'Held at least ten mentoring sessions and wrote a reflection.',
  alignments: [{ targetName: 'mentor others', targetUrl: 'http://data.europa.eu/esco/skill/example-mentor' }],
};

export const microDegree: MicroDegreeEntry = {
  code: 'MD-SEC',
  version: 2,
  title: 'Micro-degree in Software Security',
  description: 'Three components on building and assessing secure software.',
  learningOutcomes: ['Designs, builds and reviews secure web applications'],
  eqfLevel: 6,
  requirement: { type: 'at-least', count: 2 },
  totalEcts: 15,
};

const entryUrl = (kind: string, code: string, version: number) =>
  `${PUBLIC_URL}/v1/institutions/${INSTITUTION_ID}/${kind}/${code}/versions/${version}`;

/** The credential's one status entry, at `index` of the institution's `message-1` list. */
const statusSlot = (index = 142_424) => messageStatusEntry({ statusListCredential: `${PUBLIC_URL}/status-lists/${INSTITUTION_ID}/message-1`, index });

/** A complete component credential input: DID recipient, grade, ECTS earned, evidence, validUntil. */
export function componentInput(institution: InstitutionRecord, overrides: Partial<OpenBadgeInput> = {}): OpenBadgeInput {
  return {
    publicUrl: PUBLIC_URL,
    issuer: { did: didOf(institution), name: institution.name, url: institution.homepage, country: institution.country, erasmusCode: institution.erasmusCode },
    recipient: { name: 'Ada Lovelace', did: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' },
    achievement: {
      type: 'component',
      id: entryUrl('components', component.code, component.version),
      entry: component,
      stackableTowards: [{ id: entryUrl('micro-degrees', microDegree.code, microDegree.version), name: microDegree.title }],
    },
    validFrom: '2025-06-30T10:00:00Z',
    validUntil: '2035-06-30T10:00:00Z',
    result: { grade: '8.5', ectsEarned: 5 },
    evidence: [{ name: 'Final project', narrative: 'A threat model and fixes for an open-source web shop.', url: 'https://example.org/projects/ada' }],
    status: statusSlot(),
    ...overrides,
  };
}

export function badgeInput(institution: InstitutionRecord): OpenBadgeInput {
  return {
    ...componentInput(institution),
    recipient: { name: 'Ada Lovelace', email: 'Ada@Example.org', salt: 'c0ffee' },
    achievement: { type: 'badge', id: entryUrl('badges', badge.code, badge.version), entry: badge },
    result: undefined,
    evidence: undefined,
    validUntil: undefined,
    status: statusSlot(131_089),
  };
}

export function microDegreeInput(institution: InstitutionRecord): OpenBadgeInput {
  return {
    ...componentInput(institution),
    achievement: {
      type: 'micro-degree',
      id: entryUrl('micro-degrees', microDegree.code, microDegree.version),
      entry: microDegree,
      components: [
        { id: entryUrl('components', 'CS-101', 3), name: 'Secure Software Development', ects: 5 },
        { id: `${PUBLIC_URL}/v1/institutions/uni-ghent/components/SEC-2/versions/1`, name: 'Penetration Testing', ects: 10 },
      ],
    },
    result: { ectsEarned: 15 },
    status: statusSlot(200_024),
  };
}
