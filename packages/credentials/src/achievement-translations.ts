/**
 * A catalogue entry's `translations` as the achievement carries them: the language maps and
 * per-outcome nodes of the exchange's translations context (see translations-context.ts).
 */
import type { LanguageMap, LearningOutcomeTranslation } from './translations-context.js';

/** A component's or micro-degree's texts in one more language (a catalogue `EntryTranslation` fits). */
export interface EntryTranslationInput {
  title: string;
  description?: string;
  learningOutcomes?: string[];
}

/** A badge class's texts in one more language (a catalogue `BadgeTranslation` fits). */
export interface BadgeTranslationInput {
  name: string;
  description?: string;
  criteria?: string;
}

/** What the achievement node gains, each member only when some language has it. */
export interface AchievementTranslations {
  nameTranslations?: LanguageMap;
  descriptionTranslations?: LanguageMap;
  learningOutcomeTranslations?: LearningOutcomeTranslation[];
  /** Goes into the `criteria` node, beside its `narrative`. */
  narrativeTranslations?: LanguageMap;
}

/** Languages in code order, so the same translations always make the same credential body. */
const languagesOf = (translations: Record<string, unknown>) => Object.keys(translations).sort();

function languageMap(pairs: Array<[string, string | undefined]>): LanguageMap | undefined {
  const present = pairs.filter((pair): pair is [string, string] => pair[1] !== undefined);
  return present.length ? Object.fromEntries(present) : undefined;
}

/**
 * Pairs each primary learning outcome with its translations by position, in the languages whose
 * list is one for one with the primary list; a language with a list of another length cannot be
 * paired (which of its outcomes is which is not known), so its outcomes get nodes of their own.
 */
function outcomeTranslations(primary: readonly string[], byLanguage: Array<[string, string[] | undefined]>): LearningOutcomeTranslation[] | undefined {
  const paired = byLanguage.filter((entry): entry is [string, string[]] => entry[1]?.length === primary.length);
  const unpaired = byLanguage.filter((entry): entry is [string, string[]] => entry[1] !== undefined && entry[1].length !== primary.length);
  const nodes: LearningOutcomeTranslation[] = [];
  if (paired.length) primary.forEach((original, index) => nodes.push({ original, translations: Object.fromEntries(paired.map(([language, list]) => [language, list[index]!])) }));
  for (const [language, list] of unpaired) for (const text of list) nodes.push({ translations: { [language]: text } });
  return nodes.length ? nodes : undefined;
}

const withoutEmpty = (value: AchievementTranslations): AchievementTranslations =>
  Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as AchievementTranslations;

/** A component's or micro-degree's translations: name, description and learning outcomes. */
export function entryTranslations(learningOutcomes: readonly string[], translations: Record<string, EntryTranslationInput> | undefined): AchievementTranslations {
  if (!translations) return {};
  const languages = languagesOf(translations);
  return withoutEmpty({
    nameTranslations: languageMap(languages.map((language) => [language, translations[language]!.title])),
    descriptionTranslations: languageMap(languages.map((language) => [language, translations[language]!.description])),
    learningOutcomeTranslations: outcomeTranslations(learningOutcomes, languages.map((language) => [language, translations[language]!.learningOutcomes])),
  });
}

/** A badge class's translations: name, description and criteria. */
export function badgeTranslations(translations: Record<string, BadgeTranslationInput> | undefined): AchievementTranslations {
  if (!translations) return {};
  const languages = languagesOf(translations);
  return withoutEmpty({
    nameTranslations: languageMap(languages.map((language) => [language, translations[language]!.name])),
    descriptionTranslations: languageMap(languages.map((language) => [language, translations[language]!.description])),
    narrativeTranslations: languageMap(languages.map((language) => [language, translations[language]!.criteria])),
  });
}
