/**
 * A university's catalogue export as components for `components:batch`: one row per
 * micro-component, the EU micro-credential elements as columns. Cells are converted, not
 * judged: a cell that is not a number stays text, so that the exchange's answer for the row
 * names the field, exactly as for a JSON import.
 */
import { CliError } from './errors.js';
import { matchColumns, type CsvTable } from './csv.js';

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

/** One catalogue row as a batch item; empty cells leave their field out. */
export function componentFromCells(cells: Partial<Record<CatalogueColumn, string>>): Record<string, unknown> {
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
  return item;
}

/** Every row of a catalogue CSV as a batch item, with its row number. */
export function catalogueItemsFromCsv(table: CsvTable, source: string): SourcedItem[] {
  const columns = matchColumns(table.columns, CATALOGUE_COLUMNS, source);
  if (!columns.has('code')) throw new CliError(`${source}: the header has no code column; the columns are: ${CATALOGUE_COLUMNS.join(', ')}`);
  return table.records.map(({ row, cells }) => {
    const byColumn: Partial<Record<CatalogueColumn, string>> = {};
    for (const [column, header] of columns) byColumn[column] = cells[header];
    return { row, item: componentFromCells(byColumn) };
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
