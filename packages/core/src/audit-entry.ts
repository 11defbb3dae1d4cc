/** The one place an audit record is made from a request: who, under which ids, did what to what. */
import { actorOf, type AuditRecord, type RequestContext } from '@cx/domain';

export interface AuditFact {
  /** Dotted verb, e.g. `credential.issue`. */
  action: string;
  /** The institution the change concerns, when there is one. */
  institution?: string;
  /** What was changed, as a path-like reference. */
  target: string;
  at: string;
  details?: Record<string, unknown>;
  /** The institution the actor acts for, so the record says when it was suspended. */
  actingFor?: { id: string; status: string };
}

/**
 * The audit record of `fact` done in request `ctx`, ready for `persistence.audit.entry`
 * (committed with the change it describes).
 *
 * @example
 * persistence.audit.entry(auditEntry(ctx, { action: 'api-key.create', institution: id, target: `institutions/${id}/api-keys/${keyId}`, at }));
 */
export function auditEntry(ctx: RequestContext, fact: AuditFact): Omit<AuditRecord, 'id'> {
  return {
    at: fact.at,
    actor: actorOf(ctx.principal, fact.actingFor),
    action: fact.action,
    institution: fact.institution,
    target: fact.target,
    requestId: ctx.requestId,
    ...(ctx.correlationId ? { correlationId: ctx.correlationId } : {}),
    details: fact.details,
  };
}
