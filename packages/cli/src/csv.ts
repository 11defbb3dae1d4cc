/**
 * Reading the CSV exports staff bring: a header row naming the columns, then one record per
 * row. Quoted cells may hold commas, quotes (`""`) and line breaks; a UTF-8 byte order mark
 * (as spreadsheets write it) is ignored. Each record keeps the line it starts on, which is
 * the row number a spreadsheet shows when no cell spans lines.
 */
import { parse, type Info } from 'csv-parse/sync';
import { CliError } from './errors.js';

export interface CsvRecord {
  /** The line of the file the record starts on; the header is line 1. */
  row: number;
  /** Cell values by column name as written in the header, trimmed. */
  cells: Record<string, string>;
}

export interface CsvTable {
  /** The column names as written in the header. */
  columns: string[];
  records: CsvRecord[];
}

/** A row as csv-parse answers it with `info: true`. */
type RecordWithInfo = { record: string[]; info: Pick<Info, 'bytes'> };

/** Parses CSV text (or bytes); throws `CliError` naming the line of a malformed record. */
export function parseCsv(input: string | Buffer, source: string): CsvTable {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  let parsed: RecordWithInfo[];
  try {
    // csv-parse's types do not know that `info: true` turns each row into { record, info }
    parsed = parse(bytes, { bom: true, info: true, skip_empty_lines: true, relax_column_count: false }) as unknown as RecordWithInfo[];
  } catch (error) {
    const err = error as { message?: string; lines?: number };
    throw new CliError(`${source} is not a valid CSV file${err.lines ? ` (near line ${err.lines})` : ''}: ${err.message ?? String(error)}`);
  }
  if (parsed.length === 0) throw new CliError(`${source} is empty: it needs a header row naming the columns, then one row per item`);
  const [header, ...rest] = parsed;
  const columns = header!.record.map((c) => c.trim());
  const rows = rest.map((entry, index) => ({ entry, start: parsed[index]!.info.bytes }));
  const records = rows.map(({ entry, start }) => {
    const cells: Record<string, string> = {};
    columns.forEach((column, i) => {
      cells[column] = (entry.record[i] ?? '').trim();
    });
    return { row: lineAt(bytes, start), cells };
  });
  return { columns, records };
}

/** The 1-based line of the first character at or after `offset` that is not a line break. */
function lineAt(bytes: Buffer, offset: number): number {
  let position = offset;
  while (position < bytes.length && (bytes[position] === 0x0a || bytes[position] === 0x0d)) position++;
  let lines = 1;
  for (let i = 0; i < position; i++) if (bytes[i] === 0x0a) lines++;
  return lines;
}

/** A header name reduced to letters and digits, so that `Learning outcomes` matches `learningOutcomes`. */
export function normaliseColumn(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * Matches a header against the known columns (ignoring case, spaces, hyphens and
 * underscores) and answers, for each known column, the header name that holds it. Unknown or
 * repeated columns are an error that lists the known ones.
 */
export function matchColumns<K extends string>(columns: string[], known: readonly K[], source: string): Map<K, string> {
  const byNormal = new Map(known.map((k) => [normaliseColumn(k), k]));
  const found = new Map<K, string>();
  const unknown: string[] = [];
  for (const column of columns) {
    const key = byNormal.get(normaliseColumn(column));
    if (!key) {
      unknown.push(column === '' ? '(a column without a name)' : `"${column}"`);
      continue;
    }
    if (found.has(key)) throw new CliError(`${source}: the column ${key} appears twice in the header ("${found.get(key)}" and "${column}")`);
    found.set(key, column);
  }
  if (unknown.length > 0) {
    throw new CliError(`${source}: unknown ${unknown.length === 1 ? 'column' : 'columns'} ${unknown.join(', ')} in the header; the columns are: ${known.join(', ')}`);
  }
  return found;
}
