/**
 * LinkedIn's "Add to profile" link for a certification: the fields of LinkedIn's Add to
 * Profile program (`startTask=CERTIFICATION_NAME`), filled so the student only confirms.
 */

export interface Certification {
  /** The achievement's name. */
  name: string;
  /** The issuing university, as the member list names it. */
  organizationName: string;
  /** ISO date-time the credential was issued (`validFrom`). */
  issuedAt?: string;
  /** ISO date-time it stops being valid (`validUntil`), if it does. */
  expiresAt?: string;
  /** The public link anyone can verify it at. */
  certUrl: string;
  /** The credential's id. */
  certId: string;
}

/**
 * @example
 * linkedInAddUrl({ name: 'Machine learning', organizationName: 'Universiteit Leiden', issuedAt: '2026-03-12T10:00:00Z',
 *   certUrl: 'https://exchange.example/credentials/abc', certId: 'urn:uuid:...' });
 * // https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name=Machine+learning&...&issueYear=2026&issueMonth=3&...
 */
export function linkedInAddUrl(certification: Certification): string {
  const params = new URLSearchParams({ startTask: 'CERTIFICATION_NAME', name: certification.name, organizationName: certification.organizationName });
  const issued = yearMonth(certification.issuedAt);
  params.set('issueYear', issued?.year ?? '');
  params.set('issueMonth', issued?.month ?? '');
  const expires = yearMonth(certification.expiresAt);
  if (expires) {
    params.set('expirationYear', expires.year);
    params.set('expirationMonth', expires.month);
  }
  params.set('certUrl', certification.certUrl);
  params.set('certId', certification.certId);
  return `https://www.linkedin.com/profile/add?${params}`;
}

function yearMonth(value: string | undefined): { year: string; month: string } | undefined {
  const time = value ? Date.parse(value) : NaN;
  if (Number.isNaN(time)) return undefined;
  const date = new Date(time);
  return { year: String(date.getUTCFullYear()), month: String(date.getUTCMonth() + 1) };
}
