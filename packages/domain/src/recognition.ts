/**
 * Recognition of credits between partners (Lisbon Recognition Convention): agreements that
 * recognise a partner's components in advance, transfers a student submits, and decisions
 * that must name a substantial difference to refuse.
 */
import { z } from 'zod';
import { dateSchema, ectsSchema, entryCodeSchema } from './catalogue.js';
import { institutionIdSchema } from './common.js';
import { recipientSchema } from './credential-request.js';

export const agreementIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, dots, underscores or hyphens')
  .meta({ example: 'uni-a-2026' });

export const agreementRuleSchema = z.strictObject({
  partnerComponent: entryCodeSchema,
  reviewedVersion: z.number().int().min(1).meta({ description: 'The version of the partner component the receiving institution reviewed.' }),
  recognisedAs: z.strictObject({
    component: entryCodeSchema.optional().meta({ description: 'An own component the partner component counts as.' }),
    ects: ectsSchema,
  }),
  minGrade: z.string().trim().min(1).max(20).optional(),
  gradeScale: z
    .enum(['higher-is-better', 'lower-is-better'])
    .optional()
    .meta({ description: 'How numeric grades compare to minGrade: higher-is-better (the default, e.g. 6-10) or lower-is-better (e.g. the German 1.0-5.0).' }),
  maxAgeYears: z.number().int().min(1).max(50).optional(),
});
export type AgreementRule = z.infer<typeof agreementRuleSchema>;

export const agreementBodySchema = z
  .strictObject({
    partner: institutionIdSchema,
    validFrom: dateSchema,
    validUntil: dateSchema.optional(),
    rules: z
      .array(agreementRuleSchema)
      .min(1)
      .max(200)
      .superRefine((rules, ctx) => {
        const seen = new Set<string>();
        rules.forEach((rule, index) => {
          if (seen.has(rule.partnerComponent)) ctx.addIssue({ code: 'custom', path: [index, 'partnerComponent'], message: 'has a rule already' });
          seen.add(rule.partnerComponent);
        });
      }),
    notes: z.string().trim().min(1).max(5000).optional(),
  })
  .superRefine((value, ctx) => {
    if (value.validUntil && value.validUntil < value.validFrom) ctx.addIssue({ code: 'custom', path: ['validUntil'], message: 'must not be before validFrom' });
  })
  .meta({ id: 'AgreementBody' });
export type AgreementBody = z.infer<typeof agreementBodySchema>;

export const substantialDifferences = ['level', 'workload', 'learning-outcomes', 'quality', 'profile'] as const;

export const transferBodySchema = z
  .strictObject({
    student: recipientSchema,
    credentials: z.array(z.unknown()).min(1).max(50).meta({ description: 'Signed credentials (1-50).' }),
  })
  .meta({ id: 'TransferRequest' });
export type TransferBody = z.infer<typeof transferBodySchema>;

export const decisionBodySchema = z
  .strictObject({
    credentialId: z.string().min(1).max(200),
    outcome: z.enum(['recognised', 'rejected']),
    ects: ectsSchema.optional(),
    recognisedAs: entryCodeSchema.optional().meta({ description: 'An own component the credential counts as.' }),
    justification: z.strictObject({
      difference: z.enum(substantialDifferences).optional().meta({ description: 'The substantial difference a rejection rests on.' }),
      explanation: z.string().trim().min(1).max(5000),
    }),
  })
  .superRefine((value, ctx) => {
    if (value.outcome === 'rejected' && !value.justification.difference) {
      ctx.addIssue({ code: 'custom', path: ['justification', 'difference'], message: 'a rejection must name the substantial difference (Lisbon Recognition Convention)' });
    }
  })
  .meta({ id: 'Decision' });
export type DecisionBody = z.infer<typeof decisionBodySchema>;

export const appealBodySchema = z
  .strictObject({ credentialId: z.string().min(1).max(200), grounds: z.string().trim().min(1).max(5000) })
  .meta({ id: 'Appeal' });
export type AppealBody = z.infer<typeof appealBodySchema>;

/**
 * Whether `grade` meets `minimum`: numbers compare numerically (higher is better unless the
 * scale says lower is, as in Germany's 1.0-5.0), single letters alphabetically (A is best),
 * anything else only when equal.
 */
export function gradeMeets(grade: string | undefined, minimum: string, scale: 'higher-is-better' | 'lower-is-better' = 'higher-is-better'): boolean {
  if (grade === undefined) return false;
  const a = Number(grade.replace(',', '.'));
  const b = Number(minimum.replace(',', '.'));
  if (Number.isFinite(a) && Number.isFinite(b)) return scale === 'lower-is-better' ? a <= b : a >= b;
  if (/^[A-Fa-f][+-]?$/.test(grade) && /^[A-Fa-f][+-]?$/.test(minimum)) {
    const rank = (g: string) => (g.toUpperCase().charCodeAt(0) - 65) * 3 + (g[1] === '+' ? 0 : g[1] === '-' ? 2 : 1);
    return rank(grade) <= rank(minimum);
  }
  return grade.trim().toLowerCase() === minimum.trim().toLowerCase();
}
