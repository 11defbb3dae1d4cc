/** Words, in the reader's language, for the codes the catalogue and credentials use. */
import { iscedFieldName } from '@cx/domain';
import type { MessageKey } from '@cx/i18n';
import { useI18n } from './i18n.js';

const ASSESSMENT: Record<string, MessageKey> = {
  'written-exam': 'code.assessment.written-exam',
  'oral-exam': 'code.assessment.oral-exam',
  project: 'code.assessment.project',
  portfolio: 'code.assessment.portfolio',
  practical: 'code.assessment.practical',
  continuous: 'code.assessment.continuous',
  other: 'code.assessment.other',
};

const SUPERVISION: Record<string, MessageKey> = {
  unsupervised: 'code.supervision.unsupervised',
  supervised: 'code.supervision.supervised',
  'supervised-id-check': 'code.supervision.supervised-id-check',
};

const PARTICIPATION: Record<string, MessageKey> = {
  online: 'code.participation.online',
  onsite: 'code.participation.onsite',
  blended: 'code.participation.blended',
};

const CATEGORY: Record<string, MessageKey> = {
  'digital-skills': 'code.category.digital-skills',
  'social-engagement': 'code.category.social-engagement',
  'project-experience': 'code.category.project-experience',
  'language-skills': 'code.category.language-skills',
  'intercultural-experience': 'code.category.intercultural-experience',
  other: 'code.category.other',
};

const ACHIEVEMENT_TYPE: Record<string, MessageKey> = {
  MicroCredential: 'code.achievement.MicroCredential',
  Badge: 'code.achievement.Badge',
  Certificate: 'code.achievement.Certificate',
};

/** The substantial differences a reviewer can name (the transfer's `justification.difference`). */
const DIFFERENCE: Record<string, MessageKey> = {
  level: 'code.difference.level',
  workload: 'code.difference.workload',
  'learning-outcomes': 'code.difference.learning-outcomes',
  quality: 'code.difference.quality',
  profile: 'code.difference.profile',
};

/** A code's words, or the code itself when it is not one the exchange knows. */
const label = (table: Record<string, MessageKey>) => (code: string | undefined) => {
  if (code === undefined) return undefined;
  const key = Object.hasOwn(table, code) ? table[code] : undefined;
  return key ? useI18n().t(key as 'code.assessment.other') : code;
};
const options = (table: Record<string, MessageKey>) => () => Object.keys(table).map((value) => ({ value, label: label(table)(value)! }));

export const assessmentLabel = label(ASSESSMENT);
export const supervisionLabel = label(SUPERVISION);
export const participationLabel = label(PARTICIPATION);
export const categoryLabel = label(CATEGORY);
export const achievementTypeLabel = label(ACHIEVEMENT_TYPE);
export const differenceLabel = label(DIFFERENCE);

export const assessmentOptions = options(ASSESSMENT);
export const participationOptions = options(PARTICIPATION);
export const categoryOptions = options(CATEGORY);

/** `en` -> `English (en)` / `Englisch (en)`. */
export function languageLabel(code: string): string {
  const name = useI18n().languageName(code);
  return name && name !== code ? `${name} (${code})` : code;
}

/** `NL` -> `Netherlands (NL)` / `Niederlande (NL)`. */
export function countryLabel(code: string): string {
  const name = useI18n().regionName(code);
  return name && name !== code.toUpperCase() ? `${name} (${code})` : code;
}

/** `0613` -> `0613 Software and applications development and analysis` (ISCED-F names are the UNESCO's English ones). */
export function iscedLabel(code: string): string {
  const name = iscedFieldName(code);
  return name ? `${code} ${name}` : useI18n().t('code.isced.unknown', { code });
}

export function requirementLabel(requirement: { type: string; count?: number; ects?: number }, componentCount: number): string {
  const { t } = useI18n();
  switch (requirement.type) {
    case 'all':
      return t('code.requirement.all', { count: componentCount });
    case 'at-least':
      return t('code.requirement.at-least', { n: requirement.count ?? 0, count: componentCount });
    case 'min-ects':
      return t('code.requirement.min-ects', { ects: requirement.ects ?? 0 });
    default:
      return requirement.type;
  }
}

/** A date-time as a reader sees it: `12 March 2026, 14:05 UTC` / `12. März 2026, 14:05 UTC`. */
export function dateLabel(value: unknown): string | undefined {
  return useI18n().dateTime(value);
}
