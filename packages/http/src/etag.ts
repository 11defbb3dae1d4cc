import { PreconditionFailedError } from '@cx/domain';

/** Strong ETag for a versioned entity. */
export const etagOf = (version: number): string => `"${version}"`;

/**
 * Checks an `If-Match` header against the current version: absent passes, `*` needs an
 * existing entity, anything else must name the current version.
 */
export function checkIfMatch(header: string | undefined, currentVersion: number | undefined): void {
  if (header === undefined) return;
  const tags = header.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
  if (tags.includes('*') ? currentVersion !== undefined : currentVersion !== undefined && tags.includes(etagOf(currentVersion))) return;
  throw new PreconditionFailedError(
    currentVersion === undefined ? 'If-Match was given but the entry does not exist' : `If-Match does not match the current version ${etagOf(currentVersion)}`,
    { currentVersion },
  );
}
