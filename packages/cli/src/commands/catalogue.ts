/** Catalogue tasks of university staff: importing the catalogue export, and searching the consortium's. */
import type { BatchOutcome, Component, ComponentBatchResult } from '@cx/client';
import { componentBatchItemSchema, fieldIssues, MAX_BATCH_ITEMS } from '@cx/domain';
import { institutionOption, jsonOption, type CommandContext, type CommandSpec } from '../command.js';
import { catalogueItemsFromCsv, itemsFromJson, CATALOGUE_COLUMNS, type SourcedItem } from '../catalogue-rows.js';
import { CliError } from '../errors.js';
import { readInputFile } from '../files.js';
import { parseCsv } from '../csv.js';
import { fieldLines, wrapList, table } from '../report.js';

/** A batch result located in the file; `valid` is the outcome of a --dry-run check. */
interface RowResult extends Omit<ComponentBatchResult, 'index' | 'outcome'> {
  row: number;
  outcome: BatchOutcome | 'valid';
}

/** The items of a catalogue file, CSV or JSON by its extension, each with its row. */
export async function readCatalogue(ctx: CommandContext, file: string): Promise<{ items: SourcedItem[]; label: 'row' | 'item' }> {
  const { source, bytes, format } = await readInputFile(ctx, file, ['csv', 'json']);
  if (format === 'csv') return { items: catalogueItemsFromCsv(parseCsv(bytes, source), source), label: 'row' };
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new CliError(`${source} is not valid JSON: ${(error as Error).message}`);
  }
  return { items: itemsFromJson(value, source, 'components'), label: 'item' };
}

/** What the exchange would answer for each item, judged here with the same schema (for --dry-run). */
function checkLocally(items: SourcedItem[]): RowResult[] {
  const seen = new Map<string, number>();
  return items.map(({ row, item }) => {
    const code = typeof (item as { code?: unknown } | null)?.code === 'string' ? (item as { code: string }).code : undefined;
    const parsed = componentBatchItemSchema.safeParse(item);
    if (!parsed.success) {
      const errors = fieldIssues(parsed.error);
      return { row, code, outcome: 'invalid', problem: { detail: `invalid fields: ${[...new Set(errors.map((e) => e.field))].join(', ')}`, errors } };
    }
    const first = seen.get(parsed.data.code);
    if (first !== undefined) return { row, code, outcome: 'invalid', problem: { detail: `code ${parsed.data.code} appears twice (first at ${first})`, errors: [{ field: 'code', message: 'is a duplicate in this file' }] } };
    seen.set(parsed.data.code, row);
    return { row, code, outcome: 'valid' };
  });
}

function printResults(ctx: CommandContext, results: RowResult[], label: string): void {
  const rows = results.map((r) => [`${label} ${r.row}`, r.code ?? '(no code)', r.version ? `${r.outcome}, version ${r.version}` : r.outcome]);
  const lines = table(['', 'CODE', 'OUTCOME'], rows).slice(1);
  results.forEach((result, i) => {
    ctx.out(`  ${lines[i]}`);
    if (result.problem) {
      const fields = result.problem.errors ?? [];
      if (fields.length === 0) ctx.out(`      ${result.problem.detail}`);
      for (const line of fieldLines(fields, '      ')) ctx.out(line);
    }
  });
}

const importCommand: CommandSpec = {
  name: 'catalogue import',
  summary: "import the institution's catalogue from a CSV or JSON export",
  args: '<file.csv|file.json>',
  description: [
    `Sends the components in requests of ${MAX_BATCH_ITEMS} to the batch import, and reports each row: created, updated,`,
    'unchanged, or invalid with the fields at fault. Valid rows are stored even when others fail; importing the',
    'same file again changes nothing. Exits 1 if any row was not imported.',
    '',
    'A CSV file has a header row, then one row per component. Columns (case, spaces and hyphens are ignored):',
    wrapList(CATALOGUE_COLUMNS),
    'learningOutcomes, languages and stackableTowards hold several entries separated by |;',
    'stackableTowards entries are institution/code. title@de, description@de and learningOutcomes@de (any ISO 639-1',
    'code after the @) hold the texts in another language: the entry\'s translations. Row numbers are lines of the file',
    '(the header is line 1).',
    'A JSON file is an array of components, each { "code", ...the body of PUT /v1/institutions/{id}/components/{code} }.',
  ].join('\n'),
  options: {
    ...institutionOption,
    'dry-run': { type: 'boolean', description: 'check every row here, with the API\'s own rules, and send nothing' },
    ...jsonOption,
  },
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const file = ctx.positionals[0]!;
    const dryRun = ctx.flag('dry-run');
    const institution = dryRun ? undefined : await ctx.institution();
    const client = dryRun ? undefined : ctx.client('key');
    const { items, label } = await readCatalogue(ctx, file);
    if (items.length === 0) throw new CliError(`${file} holds no components`);

    let results: RowResult[] = [];
    if (dryRun) {
      results = checkLocally(items);
    } else {
      if (!ctx.flag('json')) ctx.out(`Importing ${items.length} ${items.length === 1 ? 'component' : 'components'} from ${file} into ${institution}...`);
      try {
        for (let start = 0; start < items.length; start += MAX_BATCH_ITEMS) {
          const chunk = items.slice(start, start + MAX_BATCH_ITEMS);
          const answer = await client!.catalogue.batchComponents(institution!, chunk.map((c) => c.item));
          results.push(...answer.results.map(({ index, ...result }) => ({ ...result, row: chunk[index]!.row })));
        }
      } catch (error) {
        // report what was stored before the failing request, then fail with its problem
        if (results.length > 0 && !ctx.flag('json')) {
          printResults(ctx, results, label);
          ctx.err(`cx: the rows above were processed; the rows from ${label} ${items[results.length]!.row} on were not sent`);
        }
        throw error;
      }
    }

    const count = (outcome: string) => results.filter((r) => r.outcome === outcome).length;
    const refused = count('invalid') + count('failed');
    if (ctx.flag('json')) {
      ctx.json({ results, summary: dryRun ? { valid: count('valid'), invalid: count('invalid') } : { created: count('created'), updated: count('updated'), unchanged: count('unchanged'), invalid: count('invalid'), failed: count('failed') } });
    } else {
      printResults(ctx, results, label);
      ctx.out(
        dryRun
          ? `Checked ${results.length} ${label}s: ${count('valid')} valid, ${count('invalid')} invalid (nothing was sent)`
          : `Summary: ${count('created')} created, ${count('updated')} updated, ${count('unchanged')} unchanged, ${count('invalid')} invalid, ${count('failed')} failed`,
      );
    }
    if (refused > 0) {
      ctx.err(`cx: ${refused} of ${results.length} ${label}s ${dryRun ? 'would be refused' : 'were not imported'}; see the fields named above`);
      return 1;
    }
    return 0;
  },
};

const search: CommandSpec = {
  name: 'catalogue search',
  summary: "search components across the consortium's catalogues",
  description: 'Public: no key needed. Filters combine; --q words must all occur in the title, description or learning outcomes.',
  options: {
    q: { type: 'string', placeholder: '<words>', description: 'words to search for' },
    institution: { type: 'string', placeholder: '<id>', description: 'one institution only' },
    field: { type: 'string', placeholder: '<isced>', description: 'ISCED-F code; 2 or 3 digits match the fields under it' },
    'eqf-level': { type: 'string', placeholder: '<1-8>', description: 'EQF level' },
    language: { type: 'string', placeholder: '<xx>', description: 'ISO 639-1 language of instruction' },
    participation: { type: 'string', placeholder: '<form>', description: 'online, onsite or blended' },
    'min-ects': { type: 'string', placeholder: '<n>', description: 'at least this many ECTS' },
    'max-ects': { type: 'string', placeholder: '<n>', description: 'at most this many ECTS' },
    limit: { type: 'string', placeholder: '<n>', description: 'show at most this many (default 50)' },
    ...jsonOption,
  },
  positionals: { min: 0, max: 0 },
  async run(ctx) {
    const limit = ctx.number('limit', { min: 1, max: 10_000, integer: true }) ?? 50;
    const found: Component[] = [];
    const participation = ctx.string('participation') as 'online' | 'onsite' | 'blended' | undefined;
    const results = ctx.client('none').catalogue.allComponents({
      q: ctx.string('q'),
      institution: ctx.string('institution'),
      field: ctx.string('field'),
      eqfLevel: ctx.number('eqf-level', { min: 1, max: 8, integer: true }),
      language: ctx.string('language'),
      participation,
      minEcts: ctx.number('min-ects', { min: 0, max: 60 }),
      maxEcts: ctx.number('max-ects', { min: 0, max: 60 }),
      limit: Math.min(limit, 100),
    });
    for await (const component of results) {
      found.push(component);
      if (found.length >= limit) break;
    }
    if (ctx.flag('json')) {
      ctx.json(found);
      return 0;
    }
    if (found.length === 0) {
      ctx.out('No components match.');
      return 0;
    }
    const rows = found.map((c) => [`${c.institution}/${c.code}`, String(c.ects), String(c.eqfLevel), c.iscedField, c.languages.join(','), c.title]);
    for (const line of table(['COMPONENT', 'ECTS', 'EQF', 'ISCED', 'LANG', 'TITLE'], rows)) ctx.out(line);
    ctx.out(`${found.length} shown${found.length >= limit ? ` (the first ${limit}; raise --limit for more)` : ''}`);
    return 0;
  },
};

export const catalogueCommands: CommandSpec[] = [importCommand, search];
