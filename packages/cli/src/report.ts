/** Turning what went wrong into lines a person can act on. */
import { ApiError, InvalidRequestError, NetworkError, type FieldError } from '@cx/client';

/** `  field: message` lines, one per failing field. */
export function fieldLines(errors: ReadonlyArray<Pick<FieldError, 'field' | 'message'>>, indent = '  '): string[] {
  return errors.map((e) => `${indent}${e.field}: ${e.message}`);
}

/** A problem document (from an API error or a batch item) in one line: `404 Not found: detail`. */
export function problemLine(problem: unknown): string {
  if (typeof problem === 'string') return problem;
  const p = (problem ?? {}) as { status?: unknown; title?: unknown; detail?: unknown };
  const head = [p.status, p.title].filter((v) => v !== undefined && v !== '').join(' ');
  const detail = typeof p.detail === 'string' ? p.detail : '';
  return head && detail ? `${head}: ${detail}` : head || detail || JSON.stringify(problem);
}

/** The field errors of a problem document, if it has any. */
export function problemFields(problem: unknown): FieldError[] {
  const errors = (problem as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors)) return [];
  return errors
    .filter((e): e is { field: string; message: string } => typeof e?.field === 'string')
    .map((e) => ({ field: e.field, message: String(e.message) }));
}

/**
 * What to print for an error thrown by the client: the problem's status, title and detail,
 * each failing field, the request id, and a hint where the cause is likely the settings.
 */
export function describeClientError(error: ApiError | NetworkError | InvalidRequestError, settings: { url: string; urlIsDefault: boolean }): string[] {
  if (error instanceof NetworkError) {
    const lines = [`cx: cannot reach CX_URL ${settings.url}: ${error.reason}`];
    if (settings.urlIsDefault) lines.push('  CX_URL is not set, so the default was used; set CX_URL to the exchange\'s address');
    return lines;
  }
  if (error instanceof InvalidRequestError) return [`cx: ${error.message}`, ...fieldLines(error.errors)];
  const lines = [`cx: the exchange answered ${error.status} ${error.title}: ${error.detail}`, ...fieldLines(error.errors)];
  if (error.status === 401) lines.push('  CX_API_KEY is missing, unknown or revoked');
  if (error.status === 403) lines.push('  CX_API_KEY may not do this (an admin key for consortium tasks, the institution\'s own key for its catalogue and credentials)');
  if (error.requestId) lines.push(`  request id: ${error.requestId}`);
  return lines;
}

/** A fixed-width table: a header row and one row per entry. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** `items` joined by commas on lines of at most `width` characters, each line indented. */
export function wrapList(items: readonly string[], indent = '  ', width = 100): string {
  const lines: string[] = [];
  let line = '';
  for (const [i, item] of items.entries()) {
    const next = `${item}${i < items.length - 1 ? ',' : ''}`;
    if (line && indent.length + line.length + 1 + next.length > width) {
      lines.push(indent + line);
      line = next;
    } else line = line ? `${line} ${next}` : next;
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}
