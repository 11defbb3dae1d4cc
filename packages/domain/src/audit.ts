import { z } from 'zod';
import { timestampSchema } from './common.js';
import type { Actor } from './principal.js';

/** One change made through the API: who did what to which thing, and when. */
export interface AuditRecord {
  id: string;
  at: string;
  actor: Actor;
  /** Dotted verb, e.g. `institution.create`, `api-key.revoke`. */
  action: string;
  /** The institution the change concerns, when there is one. */
  institution?: string;
  /** What was changed, as a path-like reference, e.g. `institutions/uni-a/api-keys/k1`. */
  target: string;
  requestId?: string;
  /** The caller's own id for the request (its checked `x-request-id`), when it sent one. */
  correlationId?: string;
  details?: Record<string, unknown>;
}

export const auditRecordSchema = z
  .object({
    id: z.string(),
    at: timestampSchema,
    actor: z.object({
      kind: z.enum(['admin', 'institution', 'anonymous']),
      id: z.string().optional(),
      keyId: z.string().optional(),
      suspended: z.literal(true).optional().meta({ description: "The actor's institution was suspended when it acted." }),
    }),
    action: z.string(),
    institution: z.string().optional(),
    target: z.string(),
    requestId: z.string().optional(),
    correlationId: z.string().optional().meta({ description: "The caller's own id for the request (its `x-request-id`), when it sent one." }),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'AuditRecord' });
