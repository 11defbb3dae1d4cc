/** Valid recognition bodies for tests and examples. */

export interface RuleOptions {
  reviewedVersion?: number;
  ects?: number;
  component?: string;
  minGrade?: string;
  gradeScale?: 'higher-is-better' | 'lower-is-better';
  maxAgeYears?: number;
}

/** One agreement rule recognising `partnerComponent` (version 1, 5 ECTS unless told otherwise). */
export function rule(partnerComponent: string, { reviewedVersion = 1, ects = 5, component, ...conditions }: RuleOptions = {}) {
  return { partnerComponent, reviewedVersion, recognisedAs: { ects, ...(component ? { component } : {}) }, ...conditions };
}

/** A body for `PUT /v1/institutions/{id}/agreements/{agreementId}`. */
export function agreementBody<R>(partner: string, rules: R[], overrides: { validFrom?: string; validUntil?: string; notes?: string } = {}) {
  return { partner, validFrom: '2026-01-01', rules, ...overrides };
}

export const ADA = { name: 'Ada Lovelace', email: 'ada@example.org' };

/** A body for `POST /v1/institutions/{id}/transfers`. */
export function transferBody(credentials: unknown[], student: Record<string, unknown> = ADA) {
  return { student, credentials };
}

/** A decision recognising `credentialId`. */
export function recognise(credentialId: string, extra: Record<string, unknown> = {}) {
  return { credentialId, outcome: 'recognised', justification: { explanation: 'Comparable learning outcomes and workload.' }, ...extra };
}

/** A decision refusing `credentialId` for a substantial difference in workload. */
export function reject(credentialId: string, difference = 'workload') {
  return { credentialId, outcome: 'rejected', justification: { difference, explanation: 'Half the workload of our component.' } };
}
