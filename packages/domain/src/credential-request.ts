/** What partners send to issue credentials and change their status. */
import { z } from 'zod';
import { entryCodeSchema } from './catalogue.js';
import { httpUrlSchema, timestampSchema } from './common.js';

export const recipientSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    email: z.email().max(254).optional(),
    did: z
      .string()
      .max(2048)
      .regex(/^did:[a-z0-9]+:[A-Za-z0-9._:%-]+(#[A-Za-z0-9._-]+)?$/, 'must be a DID, e.g. did:key:z6Mk...')
      .optional(),
    studentId: z.string().trim().min(1).max(100).optional(),
  })
  .superRefine((value, ctx) => {
    if (!value.email && !value.did) ctx.addIssue({ code: 'custom', path: ['email'], message: 'give at least one of email and did' });
  })
  .meta({ id: 'Recipient' });
export type Recipient = z.infer<typeof recipientSchema>;

export const issueRequestSchema = z
  .strictObject({
    achievement: z.strictObject({
      type: z.enum(['component', 'badge', 'micro-degree']),
      code: entryCodeSchema,
      version: z.number().int().min(1).optional().meta({ description: 'A catalogue version; the latest when absent.' }),
    }),
    recipient: recipientSchema,
    result: z
      .strictObject({
        grade: z.string().trim().min(1).max(50).optional(),
        ectsEarned: z.number().min(0).max(600).optional(),
      })
      .optional(),
    evidence: z
      .array(z.strictObject({ name: z.string().trim().min(1).max(300), narrative: z.string().trim().min(1).max(5000).optional(), url: httpUrlSchema.optional() }))
      .max(20)
      .optional(),
    validUntil: timestampSchema.optional(),
    notify: z
      .boolean()
      .optional()
      .meta({
        description:
          'Whether the recipient’s email address gets a notice with a claim link (default true). `false` sends none; the credential is the same either way, and its claim link can be sent later with `POST .../credentials/{credentialId}/notices`.',
      }),
  })
  .meta({ id: 'IssueRequest' });
export type IssueRequest = z.infer<typeof issueRequestSchema>;

export const statusChangeSchema = z
  .strictObject({
    status: z.enum(['revoked', 'suspended', 'active']),
    reason: z.string().trim().min(1).max(1000),
  })
  .meta({ id: 'StatusChange' });
export type StatusChange = z.infer<typeof statusChangeSchema>;

/** How a recipient is given in `?recipient=`: an email, a DID, or a student id. */
export function recipientKind(value: string): 'email' | 'did' | 'sid' {
  if (value.startsWith('did:')) return 'did';
  if (value.includes('@')) return 'email';
  return 'sid';
}
