/** The validity period of a credential: `validFrom`/`validUntil` (VC 2.0). */

export interface ValidityCheck {
  ok: boolean;
  detail?: string;
}

/**
 * Whether `now` lies within the credential's `validFrom`..`validUntil` (either may be absent),
 * allowing the same five minutes of clock skew as @digitalbazaar/vc.
 */
export function checkValidityPeriod(vc: { validFrom?: unknown; validUntil?: unknown }, now: Date = new Date()): ValidityCheck {
  const skew = 300_000;
  for (const field of ['validFrom', 'validUntil'] as const) {
    const value = vc[field];
    if (value !== undefined && (typeof value !== 'string' || Number.isNaN(Date.parse(value)))) {
      return { ok: false, detail: `${field} is not a date-time` };
    }
  }
  if (typeof vc.validFrom === 'string' && Date.parse(vc.validFrom) > now.getTime() + skew) {
    return { ok: false, detail: `not valid before ${vc.validFrom}` };
  }
  if (typeof vc.validUntil === 'string' && Date.parse(vc.validUntil) < now.getTime() - skew) {
    return { ok: false, detail: `expired at ${vc.validUntil}` };
  }
  return { ok: true };
}
