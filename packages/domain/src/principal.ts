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
}

export function actorOf(principal: Principal): Actor {
  switch (principal.kind) {
    case 'admin':
      return { kind: 'admin', id: 'admin', keyId: principal.keyId };
    case 'institution':
      return { kind: 'institution', id: principal.institutionId, keyId: principal.keyId };
    case 'anonymous':
      return { kind: 'anonymous' };
  }
}
