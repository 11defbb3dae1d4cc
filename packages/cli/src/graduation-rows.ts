/**
 * A graduation run as a CSV: one credential per row, the achievement, the recipient and the
 * result as columns, turned into issue requests for `credential-batches`. As for catalogues,
 * cells are converted, not judged: the exchange's answer names what is wrong with a row.
 */
import { CliError } from './errors.js';
import { matchColumns, type CsvTable } from './csv.js';
import { numberCell, type SourcedItem } from './catalogue-rows.js';

export const GRADUATION_COLUMNS = [
  'type',
  'code',
  'version',
  'name',
  'email',
  'did',
  'studentId',
  'grade',
  'ectsEarned',
  'validUntil',
  'evidenceName',
  'evidenceUrl',
  'evidenceNarrative',
] as const;
export type GraduationColumn = (typeof GRADUATION_COLUMNS)[number];

/** One row as the body of `POST /v1/institutions/{id}/credentials`; an empty `type` means `component`. */
export function issueRequestFromCells(cells: Partial<Record<GraduationColumn, string>>): Record<string, unknown> {
  const text = (column: GraduationColumn) => {
    const value = cells[column]?.trim();
    return value ? value : undefined;
  };
  const defined = (entries: Record<string, unknown>) => Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));

  const body: Record<string, unknown> = {
    achievement: defined({ type: text('type') ?? 'component', code: text('code'), version: text('version') && numberCell(text('version')!) }),
    recipient: defined({ name: text('name'), email: text('email'), did: text('did'), studentId: text('studentId') }),
  };
  const result = defined({ grade: text('grade'), ectsEarned: text('ectsEarned') && numberCell(text('ectsEarned')!) });
  if (Object.keys(result).length > 0) body.result = result;
  const evidence = defined({ name: text('evidenceName'), url: text('evidenceUrl'), narrative: text('evidenceNarrative') });
  if (Object.keys(evidence).length > 0) body.evidence = [evidence];
  if (text('validUntil')) body.validUntil = text('validUntil');
  return body;
}

/** Every row of a graduation CSV as an issue request, with its row number. */
export function issueRequestsFromCsv(table: CsvTable, source: string): SourcedItem[] {
  const columns = matchColumns(table.columns, GRADUATION_COLUMNS, source);
  for (const required of ['code', 'name'] as const) {
    if (!columns.has(required)) throw new CliError(`${source}: the header has no ${required} column; the columns are: ${GRADUATION_COLUMNS.join(', ')}`);
  }
  if (!columns.has('email') && !columns.has('did')) throw new CliError(`${source}: the header needs an email or a did column (each recipient needs at least one)`);
  return table.records.map(({ row, cells }) => {
    const byColumn: Partial<Record<GraduationColumn, string>> = {};
    for (const [column, header] of columns) byColumn[column] = cells[header];
    return { row, item: issueRequestFromCells(byColumn) };
  });
}

/** A recipient's name for a report line: who a failed row was for. */
export function recipientLabel(item: unknown): string | undefined {
  const recipient = (item as { recipient?: { name?: unknown; email?: unknown; studentId?: unknown } } | null)?.recipient;
  if (!recipient) return undefined;
  const parts = [recipient.name, recipient.studentId ?? recipient.email].filter((p): p is string => typeof p === 'string' && p.length > 0);
  return parts.length > 0 ? parts.join(', ') : undefined;
}
