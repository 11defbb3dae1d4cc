/** Plain-English words for the codes the catalogue and credentials use. */
import { iscedFieldName } from '@cx/domain';

const ASSESSMENT: Record<string, string> = {
  'written-exam': 'Written exam',
  'oral-exam': 'Oral exam',
  project: 'Project',
  portfolio: 'Portfolio',
  practical: 'Practical',
  continuous: 'Continuous assessment',
  other: 'Other',
};

const SUPERVISION: Record<string, string> = {
  unsupervised: 'Unsupervised',
  supervised: 'Supervised',
  'supervised-id-check': 'Supervised, with identity check',
};

const PARTICIPATION: Record<string, string> = {
  online: 'Online',
  onsite: 'On site',
  blended: 'Blended (online and on site)',
};

const CATEGORY: Record<string, string> = {
  'digital-skills': 'Digital skills',
  'social-engagement': 'Social engagement',
  'project-experience': 'Project experience',
  'language-skills': 'Language skills',
  'intercultural-experience': 'Intercultural experience',
  other: 'Other',
};

const ACHIEVEMENT_TYPE: Record<string, string> = {
  MicroCredential: 'Micro-credential (a micro-component)',
  Badge: 'Badge',
  Certificate: 'Micro-degree',
};

const label = (table: Record<string, string>) => (code: string | undefined) => (code === undefined ? undefined : (table[code] ?? code));

export const assessmentLabel = label(ASSESSMENT);
export const supervisionLabel = label(SUPERVISION);
export const participationLabel = label(PARTICIPATION);
export const categoryLabel = label(CATEGORY);
export const achievementTypeLabel = label(ACHIEVEMENT_TYPE);

export const assessmentOptions = Object.entries(ASSESSMENT).map(([value, text]) => ({ value, label: text }));
export const participationOptions = Object.entries(PARTICIPATION).map(([value, text]) => ({ value, label: text }));
export const categoryOptions = Object.entries(CATEGORY).map(([value, text]) => ({ value, label: text }));

const languageNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });
const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });

/** `en` -> `English (en)`. */
export function languageLabel(code: string): string {
  try {
    const name = languageNames.of(code);
    return name && name !== code ? `${name} (${code})` : code;
  } catch {
    return code;
  }
}

/** `NL` -> `Netherlands (NL)`. */
export function countryLabel(code: string): string {
  try {
    const name = regionNames.of(code);
    return name && name !== code ? `${name} (${code})` : code;
  } catch {
    return code;
  }
}

/** `0613` -> `0613 Software and applications development and analysis`. */
export function iscedLabel(code: string): string {
  const name = iscedFieldName(code);
  return name ? `${code} ${name}` : `${code} (not an ISCED-F 2013 field)`;
}

export function requirementLabel(requirement: { type: string; count?: number; ects?: number }, componentCount: number): string {
  switch (requirement.type) {
    case 'all':
      return `All ${componentCount} components`;
    case 'at-least':
      return `At least ${requirement.count} of the ${componentCount} components`;
    case 'min-ects':
      return `Components worth at least ${requirement.ects} ECTS credits`;
    default:
      return requirement.type;
  }
}

/** A date-time as a reader sees it: `12 March 2026, 14:05 UTC`. */
export function dateLabel(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const time = Date.parse(value);
  if (Number.isNaN(time)) return value;
  const date = new Date(time);
  const day = date.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  const clock = date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });
  return `${day}, ${clock} UTC`;
}
