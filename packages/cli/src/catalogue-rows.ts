/**
 * A university's catalogue export as components for `components:batch`: one row per
 * micro-component, the EU micro-credential elements as columns. Cells are converted, not
 * judged: a cell that is not a number stays text, so that the exchange's answer for the row
 * names the field, exactly as for a JSON import.
 */
import { isLanguageCode } from '@cx/domain';
import { CliError } from './errors.js';
import { matchColumns, normaliseColumn, type CsvTable } from './csv.js';

/** The columns of a catalogue CSV, in the order the example file uses. */
export const CATALOGUE_COLUMNS = [
  'code',
  'title',
  'description',
  'learningOutcomes',
  'ects',
  'eqfLevel',
  'iscedField',
  'languages',
  'assessmentType',
  'supervision',
  'participation',
  'qualityAssurance',
  'prerequisites',
  'stackableTowards',
  'url',
  'validFrom',
  'validUntil',
] as const;
export type CatalogueColumn = (typeof CATALOGUE_COLUMNS)[number];

/** The columns a catalogue CSV also takes in other languages, as `title@de`: the fields of a translation. */
export const TRANSLATED_COLUMNS = ['title', 'description', 'learningOutcomes'] as const;
export type TranslatedColumn = (typeof TRANSLATED_COLUMNS)[number];

/** Separates a column's name from the language of its cells: `title@de`. */
export const LANGUAGE_MARK = '@';

/** The cells of one language's columns of a row, by the field they translate. */
export type TranslatedCells = Record<string, Partial<Record<TranslatedColumn, string>>>;

/** Separates the entries of a list cell (learning outcomes, languages, stackableTowards). */
export const LIST_SEPARATOR = '|';

export interface SourcedItem {
  /** Where the item came from: a CSV row (the file's line) or a JSON array position (1-based). */
  row: number;
  item: unknown;
}

/** Splits a list cell on `|`, dropping empty entries. */
export function listCell(value: string): string[] {
  return value
    .split(LIST_SEPARATOR)
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}

/**
 * A number cell as a number when it is one (a decimal comma is accepted, as European
 * spreadsheets write `2,5`); otherwise the text itself, for the exchange to refuse by name.
 */
export function numberCell(value: string): number | string {
  const normal = value.replace(/\s/g, '');
  if (/^[+-]?\d+([.,]\d+)?$/.test(normal)) return Number(normal.replace(',', '.'));
  return value;
}

/** `uni-b/CS-200` as `{ institution, code }`; an entry without a slash keeps the text as the institution. */
function refCell(value: string): { institution: string; code: string } {
  const slash = value.indexOf('/');
  return slash < 0 ? { institution: value, code: '' } : { institution: value.slice(0, slash).trim(), code: value.slice(slash + 1).trim() };
}

/**
 * One catalogue row as a batch item; empty cells leave their field out, and a language whose
 * cells are all empty is left out of `translations`.
 */
export function componentFromCells(cells: Partial<Record<CatalogueColumn, string>>, translated: TranslatedCells = {}): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  const text = (column: CatalogueColumn) => {
    const value = cells[column]?.trim();
    return value ? value : undefined;
  };
  const put = (field: string, value: unknown) => {
    if (value !== undefined) item[field] = value;
  };
  put('code', text('code'));
  put('title', text('title'));
  put('description', text('description'));
  put('learningOutcomes', text('learningOutcomes') && listCell(text('learningOutcomes')!));
  put('ects', text('ects') && numberCell(text('ects')!));
  put('eqfLevel', text('eqfLevel') && numberCell(text('eqfLevel')!));
  put('iscedField', text('iscedField'));
  put('languages', text('languages') && listCell(text('languages')!).map((l) => l.toLowerCase()));
  if (text('assessmentType') || text('supervision')) {
    const assessment: Record<string, string> = {};
    if (text('assessmentType')) assessment.type = text('assessmentType')!;
    if (text('supervision')) assessment.supervision = text('supervision')!;
    item.assessment = assessment;
  }
  put('participation', text('participation'));
  put('qualityAssurance', text('qualityAssurance'));
  put('prerequisites', text('prerequisites'));
  put('stackableTowards', text('stackableTowards') && listCell(text('stackableTowards')!).map(refCell));
  put('url', text('url'));
  put('validFrom', text('validFrom'));
  put('validUntil', text('validUntil'));
  put('translations', translationsFromCells(translated));
  return item;
}

function translationsFromCells(translated: TranslatedCells): Record<string, Record<string, unknown>> | undefined {
  const translations: Record<string, Record<string, unknown>> = {};
  for (const [language, cells] of Object.entries(translated)) {
    const title = cells.title?.trim();
    const description = cells.description?.trim();
    const outcomes = cells.learningOutcomes?.trim();
    const translation: Record<string, unknown> = {};
    if (title) translation.title = title;
    if (description) translation.description = description;
    if (outcomes) translation.learningOutcomes = listCell(outcomes);
    if (Object.keys(translation).length > 0) translations[language] = translation;
  }
  return Object.keys(translations).length > 0 ? translations : undefined;
}

/** A header column `field@language`, matched like the other columns; the language is lowercased as the languages cell is. */
interface LanguageColumn {
  header: string;
  field: TranslatedColumn;
  language: string;
}

/**
 * Splits the header into the plain columns and the `field@language` ones. A column naming a
 * field that has no translation, or a language that is not an ISO 639-1 code, is an error
 * naming the column: the header is wrong for every row, so no row is sent.
 */
export function languageColumns(columns: string[], source: string): { plain: string[]; translated: LanguageColumn[] } {
  const plain: string[] = [];
  const translated: LanguageColumn[] = [];
  const seen = new Map<string, string>();
  for (const header of columns) {
    const mark = header.lastIndexOf(LANGUAGE_MARK);
    if (mark < 0) {
      plain.push(header);
      continue;
    }
    const name = header.slice(0, mark).trim();
    const language = header.slice(mark + 1).trim().toLowerCase();
    const field = TRANSLATED_COLUMNS.find((column) => normaliseColumn(column) === normaliseColumn(name));
    if (!field) {
      const known = TRANSLATED_COLUMNS.map((column) => `${column}${LANGUAGE_MARK}<language>`).join(', ');
      throw new CliError(`${source}: the column "${header}" is not one a catalogue CSV takes in other languages; those are ${known}, e.g. title${LANGUAGE_MARK}de`);
    }
    if (!isLanguageCode(language)) {
      throw new CliError(`${source}: the column "${header}" names "${header.slice(mark + 1).trim()}", which is not an ISO 639-1 language code; use a two-letter code from that list, e.g. ${field}${LANGUAGE_MARK}de`);
    }
    const key = `${field}${LANGUAGE_MARK}${language}`;
    if (seen.has(key)) throw new CliError(`${source}: the column ${key} appears twice in the header ("${seen.get(key)}" and "${header}")`);
    seen.set(key, header);
    translated.push({ header, field, language });
  }
  return { plain, translated };
}

/** Every row of a catalogue CSV as a batch item, with its row number. */
export function catalogueItemsFromCsv(table: CsvTable, source: string): SourcedItem[] {
  const { plain, translated } = languageColumns(table.columns, source);
  const columns = matchColumns(plain, CATALOGUE_COLUMNS, source);
  if (!columns.has('code')) throw new CliError(`${source}: the header has no code column; the columns are: ${CATALOGUE_COLUMNS.join(', ')}`);
  return table.records.map(({ row, cells }) => {
    const byColumn: Partial<Record<CatalogueColumn, string>> = {};
    for (const [column, header] of columns) byColumn[column] = cells[header];
    const byLanguage: TranslatedCells = {};
    for (const { header, field, language } of translated) (byLanguage[language] ??= {})[field] = cells[header];
    return { row, item: componentFromCells(byColumn, byLanguage) };
  });
}

/**
 * A JSON file of batch items: an array, or `{ "items": [...] }` as the batch routes take.
 * `noun` names the items in the message for anything else, e.g. `components`.
 */
export function itemsFromJson(value: unknown, source: string, noun: string): SourcedItem[] {
  const items = Array.isArray(value) ? value : (value as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) throw new CliError(`${source} must hold a JSON array of ${noun} (or an object with an "items" array)`);
  return items.map((item, index) => ({ row: index + 1, item }));
}
