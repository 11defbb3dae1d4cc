/** Who is calling, as established from a verified API key. Never from the body. */
export type Principal =
  | { kind: 'admin'; keyId: string }
  | { kind: 'institution'; institutionId: string; keyId: string }
  | { kind: 'anonymous' };

/** The actor recorded in audit records. */
export interface Actor {
  kind: Principal['kind'];
  /** The institution id for institution keys, `admin` for admins, absent for anonymous callers. */
  id?: string;
  keyId?: string;
  /** Set when an institution acted while suspended (it may still change its credentials' status). */
  suspended?: true;
}

/**
 * The audit actor of a principal. Given the institution the change is made for, an institution
 * acting for itself while suspended is marked so (`suspended: true`).
 *
 * @example
 * actorOf(principal, institution); // { kind: 'institution', id: 'uni-a', keyId: 'k1', suspended: true }
 */
export function actorOf(principal: Principal, actingFor?: { id: string; status: string }): Actor {
  switch (principal.kind) {
    case 'admin':
      return { kind: 'admin', id: 'admin', keyId: principal.keyId };
    case 'institution': {
      const suspended = actingFor?.id === principal.institutionId && actingFor.status === 'suspended';
      return { kind: 'institution', id: principal.institutionId, keyId: principal.keyId, ...(suspended ? { suspended: true as const } : {}) };
    }
    case 'anonymous':
      return { kind: 'anonymous' };
  }
}
