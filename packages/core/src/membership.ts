/**
 * The membership rule: every route naming an institution needs it to be a member of the
 * consortium, and a suspended member may read but not create (issue, publish, decide).
 */
import { ForbiddenError, NotFoundError, type Persistence, type StoredInstitution } from '@cx/domain';

/** A member institution, or NotFoundError. `consistent` reads what was written a moment ago. */
export async function requireMember(persistence: Persistence, id: string, options: { consistent?: boolean } = {}): Promise<StoredInstitution> {
  const record = await persistence.institutions.get(id, options.consistent ?? false);
  if (!record) throw new NotFoundError(`institution ${id} is not a member of the consortium`);
  return record;
}

/**
 * A member that is not suspended, or ForbiddenError `<id> is suspended and <refused>`.
 *
 * @example
 * await requireActiveMember(persistence, 'uni-a', 'can issue nothing new');
 */
export async function requireActiveMember(persistence: Persistence, id: string, refused: string): Promise<StoredInstitution> {
  return activeMember(await persistence.institutions.get(id, false), id, refused);
}

/** {@link requireActiveMember} on a record read already (with others, in one request). */
export function activeMember(record: StoredInstitution | undefined, id: string, refused: string): StoredInstitution {
  if (!record) throw new NotFoundError(`institution ${id} is not a member of the consortium`);
  if (record.status !== 'active') throw new ForbiddenError(`${id} is suspended and ${refused}`);
  return record;
}
