import { PreconditionFailedError } from './errors.js';

/** Strong ETag for a versioned entity. */
export const etagOf = (version: number): string => `"${version}"`;

/**
 * Checks an `If-Match` header against the current version: absent passes, `*` needs an
 * existing entity, anything else must name the current version (412 otherwise).
 */
export function checkIfMatchVersion(header: string | undefined, currentVersion: number | undefined): void {
  if (header === undefined) return;
  const tags = header.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
  const ok = currentVersion !== undefined && (tags.includes('*') || tags.includes(etagOf(currentVersion)));
  if (ok) return;
  throw new PreconditionFailedError(
    currentVersion === undefined
      ? 'If-Match was given but the entry does not exist yet'
      : `If-Match does not match the current version ${etagOf(currentVersion)}; read the entry again before changing it`,
    { currentVersion: currentVersion ?? null },
  );
}
