/**
 * The body of the credentials the exchange issues: a VC 2.0 `OpenBadgeCredential` whose
 * achievement is frozen from the catalogue version it is issued for, with every EU
 * micro-credential element in the exchange's EU context. Unsigned: `signCredential` adds the proof.
 */
import { randomUUID } from 'node:crypto';
import { ValidationError } from '@cx/domain';
import { OB_V3_CONTEXT_URL, VC_V2_CONTEXT_URL } from './contexts.js';
import { dateTime } from './date-time.js';
import { badgeTranslations, entryTranslations, type BadgeTranslationInput, type EntryTranslationInput } from './achievement-translations.js';
import { EU_MICROCREDENTIAL_INLINE_CONTEXT } from './eu-microcredential-context.js';
import { hashEmail, newSalt } from './identity-hash.js';
import type { BitstringStatusListEntry } from './status-list.js';
import { TRANSLATIONS_INLINE_CONTEXT } from './translations-context.js';

/** The issuing institution, as its `Profile`. */
export interface IssuerInput {
  /** `did:web:<host>:institutions:<id>` */
  did: string;
  name: string;
  /** Homepage. */
  url: string;
  /** ISO 3166-1 alpha-2, e.g. `NL`. */
  country: string;
  erasmusCode?: string;
}

/** Who the credential is for: a DID, or else an email (hashed into the credential). */
export interface RecipientInput {
  /** Shown in the credential (an unhashed `IdentityObject` of type `name`). */
  name?: string;
  did?: string;
  email?: string;
  /** Salt for the email hash; random when absent. Keep it to match the email later. */
  salt?: string;
}

/** Another achievement a credential points at: its URL (a catalogue version), and name. */
export interface LinkedAchievement {
  id: string;
  name?: string;
  /** ECTS credits, for the components of a micro-degree. */
  ects?: number;
}

/** A catalogue entry's identity: fields the catalogue adds to every entry. */
interface EntryIdentity {
  code: string;
  version: number;
}

/** A micro-component as the catalogue stores it (a catalogue `Component` fits). */
export interface ComponentEntry extends EntryIdentity {
  title: string;
  description: string;
  learningOutcomes: string[];
  ects: number;
  eqfLevel: number;
  /** QF-EHEA cycle, where it applies: `short`, `first`, `second` or `third`. */
  qfEheaCycle?: string;
  iscedField: string;
  /** ISO 639-1, the first the main language. */
  languages: string[];
  assessment: { type: string; supervision: string };
  participation: string;
  qualityAssurance: string;
  prerequisites?: string;
  url?: string;
  alignments?: AlignmentInput[];
  /** The title, description and learning outcomes in other languages, by ISO 639-1 code. */
  translations?: Record<string, EntryTranslationInput>;
}

/** A badge class as the catalogue stores it (a catalogue `Badge` fits). */
export interface BadgeEntry extends EntryIdentity {
  name: string;
  description: string;
  category: string;
  criteria: string;
  alignments?: AlignmentInput[];
  /** The name, description and criteria in other languages, by ISO 639-1 code. */
  translations?: Record<string, BadgeTranslationInput>;
}

export type RequirementInput = { type: 'all' } | { type: 'at-least'; count: number } | { type: 'min-ects'; ects: number };

/** A micro-degree as the catalogue stores it (a catalogue `MicroDegree` fits); optional EU elements where known. */
export interface MicroDegreeEntry extends EntryIdentity {
  title: string;
  description: string;
  learningOutcomes: string[];
  eqfLevel: number;
  qfEheaCycle?: string;
  requirement: RequirementInput;
  totalEcts: number;
  iscedField?: string;
  languages?: string[];
  participation?: string;
  qualityAssurance?: string;
  url?: string;
  /** The title, description and learning outcomes in other languages, by ISO 639-1 code. */
  translations?: Record<string, EntryTranslationInput>;
}

export interface AlignmentInput {
  targetName: string;
  targetUrl: string;
}

/** What the credential is for, frozen at one catalogue version (`id`: that version's URL). */
export type AchievementInput =
  | { type: 'component'; id: string; entry: ComponentEntry; stackableTowards?: LinkedAchievement[] }
  | { type: 'badge'; id: string; entry: BadgeEntry }
  | { type: 'micro-degree'; id: string; entry: MicroDegreeEntry; components: LinkedAchievement[] };

export interface OpenBadgeInput {
  /** The exchange's public URL (older credentials named the EU context under it; it is embedded now). */
  publicUrl: string;
  /** `urn:uuid:...`; a new one when absent. */
  id?: string;
  issuer: IssuerInput;
  recipient: RecipientInput;
  achievement: AchievementInput;
  validFrom: Date | string;
  validUntil?: Date | string;
  result?: { grade?: string; ectsEarned?: number };
  evidence?: Array<{ name: string; narrative?: string; url?: string }>;
  /** The credential's one status entry (OB 3.0 allows at most one), as the status service makes it. */
  status: BitstringStatusListEntry;
}

export interface ProfileNode {
  id: string;
  type: ['Profile'];
  name: string;
  url: string;
  address: { type: ['Address']; addressCountryCode: string };
  otherIdentifier?: Array<{ type: 'IdentifierEntry'; identifier: string; identifierType: string }>;
}

export interface IdentityObject {
  type: 'IdentityObject';
  identityType: 'emailAddress' | 'name';
  hashed: boolean;
  identityHash: string;
  salt?: string;
}

/** The unsigned credential {@link buildOpenBadgeCredential} builds. */
export interface OpenBadgeCredential {
  /** The translations context last, only when the achievement carries translations. */
  '@context':
    | [typeof VC_V2_CONTEXT_URL, typeof OB_V3_CONTEXT_URL, typeof EU_MICROCREDENTIAL_INLINE_CONTEXT]
    | [typeof VC_V2_CONTEXT_URL, typeof OB_V3_CONTEXT_URL, typeof EU_MICROCREDENTIAL_INLINE_CONTEXT, typeof TRANSLATIONS_INLINE_CONTEXT];
  id: string;
  type: ['VerifiableCredential', 'OpenBadgeCredential'];
  name: string;
  issuer: ProfileNode;
  validFrom: string;
  validUntil?: string;
  awardedDate: string;
  credentialSubject: {
    type: ['AchievementSubject'];
    id?: string;
    identifier?: IdentityObject[];
    achievement: Record<string, unknown> & { id: string; type: ['Achievement']; name: string };
    creditsEarned?: number;
    result?: Array<{ type: ['Result']; resultDescription: string; value: string }>;
  };
  evidence?: Array<{ id?: string; type: ['Evidence']; name: string; narrative?: string }>;
  credentialStatus: BitstringStatusListEntry;
}

const ACHIEVEMENT_TYPES = { component: 'MicroCredential', badge: 'Badge', 'micro-degree': 'Certificate' } as const;

/** A new credential id, `urn:uuid:<v4>`. */
export function newCredentialId(): string {
  return `urn:uuid:${randomUUID()}`;
}

/**
 * Builds the unsigned `OpenBadgeCredential` for a component, badge or micro-degree:
 * `@context` [VC v2, OB 3.0.3, the EU context], an issuer `Profile` with its country, an
 * `AchievementSubject` (the recipient's DID as `id`, or else a salted hash of the email),
 * the achievement with every EU element, result and credits earned, evidence, and one
 * `credentialStatus` object (OB 3.0's multiplicity is 0..1).
 *
 * @throws ValidationError when the recipient has neither a DID nor an email
 */
export function buildOpenBadgeCredential(input: OpenBadgeInput): OpenBadgeCredential {
  const { recipient } = input;
  if (!recipient.did && !recipient.email) throw ValidationError.field('recipient', 'needs a did or an email');

  const issuer = profile(input.issuer);
  const achievement = buildAchievement(input.achievement, issuer);
  const validFrom = dateTime(input.validFrom);

  const identifier: IdentityObject[] = [];
  if (recipient.name) identifier.push({ type: 'IdentityObject', identityType: 'name', hashed: false, identityHash: recipient.name });
  if (!recipient.did && recipient.email) {
    const salt = recipient.salt ?? newSalt();
    identifier.push({ type: 'IdentityObject', identityType: 'emailAddress', hashed: true, identityHash: hashEmail(recipient.email, salt), salt });
  }

  const grade = input.result?.grade;
  const gradeDescription = `${achievement.id}${achievement.id.includes('#') ? '-' : '#'}grade`;
  if (grade !== undefined) {
    achievement.resultDescription = [{ id: gradeDescription, type: ['ResultDescription'], name: 'Grade', resultType: 'ext:Grade' }];
  }

  return {
    // the EU context inline: no verifier depends on this deployment being reachable; the
    // translations context only where there are translations, so other credentials stay as they were
    '@context': hasTranslations(input.achievement)
      ? [VC_V2_CONTEXT_URL, OB_V3_CONTEXT_URL, EU_MICROCREDENTIAL_INLINE_CONTEXT, TRANSLATIONS_INLINE_CONTEXT]
      : [VC_V2_CONTEXT_URL, OB_V3_CONTEXT_URL, EU_MICROCREDENTIAL_INLINE_CONTEXT],
    id: input.id ?? newCredentialId(),
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: achievement.name,
    issuer,
    validFrom,
    ...(input.validUntil ? { validUntil: dateTime(input.validUntil) } : {}),
    awardedDate: validFrom,
    credentialSubject: {
      type: ['AchievementSubject'],
      ...(recipient.did ? { id: recipient.did } : {}),
      ...(identifier.length ? { identifier } : {}),
      achievement,
      ...(input.result?.ectsEarned !== undefined ? { creditsEarned: input.result.ectsEarned } : {}),
      ...(grade !== undefined ? { result: [{ type: ['Result'] as ['Result'], resultDescription: gradeDescription, value: grade }] } : {}),
    },
    ...(input.evidence?.length
      ? {
          evidence: input.evidence.map((e) => ({
            ...(e.url ? { id: e.url } : {}),
            type: ['Evidence'] as ['Evidence'],
            name: e.name,
            ...(e.narrative ? { narrative: e.narrative } : {}),
          })),
        }
      : {}),
    credentialStatus: { ...input.status },
  };
}

function profile(issuer: IssuerInput): ProfileNode {
  return {
    id: issuer.did,
    type: ['Profile'],
    name: issuer.name,
    url: issuer.url,
    address: { type: ['Address'], addressCountryCode: issuer.country },
    ...(issuer.erasmusCode
      ? { otherIdentifier: [{ type: 'IdentifierEntry' as const, identifier: issuer.erasmusCode, identifierType: 'ext:ErasmusCode' }] }
      : {}),
  };
}

type AchievementNode = OpenBadgeCredential['credentialSubject']['achievement'];

function buildAchievement(input: AchievementInput, awardingBody: ProfileNode): AchievementNode {
  const common = {
    id: input.id,
    type: ['Achievement'] as ['Achievement'],
    achievementType: ACHIEVEMENT_TYPES[input.type],
    humanCode: input.entry.code,
    version: String(input.entry.version),
  };
  switch (input.type) {
    case 'component': {
      const c = input.entry;
      const towards = input.stackableTowards ?? [];
      const { learningOutcomeTranslations, ...texts } = entryTranslations(c.learningOutcomes, c.translations);
      return {
        ...common,
        name: c.title,
        description: c.description,
        ...texts,
        criteria: {
          narrative: `Completed ${c.title} (${c.ects} ECTS, EQF level ${c.eqfLevel}) and passed its assessment (${c.assessment.type}, ${c.assessment.supervision}), showing the learning outcomes listed.`,
        },
        creditsAvailable: c.ects,
        ...(c.languages.length ? { inLanguage: c.languages[0] } : {}),
        ...alignment(c.alignments),
        ectsCredits: c.ects,
        eqfLevel: c.eqfLevel,
        ...(c.qfEheaCycle ? { qfEheaCycle: c.qfEheaCycle } : {}),
        iscedField: c.iscedField,
        learningOutcomes: [...c.learningOutcomes],
        ...(learningOutcomeTranslations ? { learningOutcomeTranslations } : {}),
        assessmentType: c.assessment.type,
        assessmentSupervision: c.assessment.supervision,
        participationForm: c.participation,
        qualityAssurance: c.qualityAssurance,
        awardingBody,
        ...(c.prerequisites ? { prerequisites: c.prerequisites } : {}),
        stackability: towards.length ? 'stackable' : 'stand-alone',
        ...(towards.length ? { stackableTowards: towards.map(linked) } : {}),
        instructionLanguages: [...c.languages],
        ...(c.url ? { furtherInformation: c.url } : {}),
      };
    }
    case 'badge': {
      const b = input.entry;
      const { narrativeTranslations, ...texts } = badgeTranslations(b.translations);
      return {
        ...common,
        name: b.name,
        description: b.description,
        ...texts,
        criteria: { narrative: b.criteria, ...(narrativeTranslations ? { narrativeTranslations } : {}) },
        tag: [b.category],
        ...alignment(b.alignments),
        awardingBody,
      };
    }
    case 'micro-degree': {
      const d = input.entry;
      const { learningOutcomeTranslations, ...texts } = entryTranslations(d.learningOutcomes, d.translations);
      return {
        ...common,
        name: d.title,
        description: d.description,
        ...texts,
        criteria: { narrative: requirementNarrative(d.requirement, input.components.length) },
        creditsAvailable: d.totalEcts,
        ...(d.languages?.length ? { inLanguage: d.languages[0] } : {}),
        ectsCredits: d.totalEcts,
        eqfLevel: d.eqfLevel,
        ...(d.qfEheaCycle ? { qfEheaCycle: d.qfEheaCycle } : {}),
        ...(d.iscedField ? { iscedField: d.iscedField } : {}),
        learningOutcomes: [...d.learningOutcomes],
        ...(learningOutcomeTranslations ? { learningOutcomeTranslations } : {}),
        ...(d.participation ? { participationForm: d.participation } : {}),
        ...(d.qualityAssurance ? { qualityAssurance: d.qualityAssurance } : {}),
        awardingBody,
        composedOf: input.components.map(linked),
        ...(d.languages?.length ? { instructionLanguages: [...d.languages] } : {}),
        ...(d.url ? { furtherInformation: d.url } : {}),
      };
    }
  }
}

/** Whether the entry has any translation (an empty object is none: the catalogue refuses it anyway). */
function hasTranslations(input: AchievementInput): boolean {
  return Object.keys(input.entry.translations ?? {}).length > 0;
}

function linked(achievement: LinkedAchievement) {
  return {
    id: achievement.id,
    ...(achievement.name ? { name: achievement.name } : {}),
    ...(achievement.ects !== undefined ? { ectsCredits: achievement.ects } : {}),
  };
}

function alignment(alignments: AlignmentInput[] | undefined) {
  if (!alignments?.length) return {};
  return { alignment: alignments.map((a) => ({ type: ['Alignment'], targetName: a.targetName, targetUrl: a.targetUrl })) };
}

function requirementNarrative(requirement: RequirementInput, componentCount: number): string {
  switch (requirement.type) {
    case 'all':
      return `Holds credentials for all ${componentCount} components of the micro-degree.`;
    case 'at-least':
      return `Holds credentials for at least ${requirement.count} of the ${componentCount} components of the micro-degree.`;
    case 'min-ects':
      return `Holds credentials for components of the micro-degree worth at least ${requirement.ects} ECTS credits.`;
  }
}
