/** Checking the Data Integrity proof of a credential (eddsa-rdfc-2022), as any verifier would. */
import { ValidationError } from '@cx/domain';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { verifyCredential } from '@digitalbazaar/vc';
import { boundedCryptosuite } from './bounded-cryptosuite.js';
import { assertCredentialBudget } from './credential-budget.js';
import type { DocumentLoader } from './document-loader.js';
import { describeJsonLdError } from './jsonld-errors.js';
import { verifyProofSet } from './proof-set.js';

export interface ProofVerification {
  verified: boolean;
  /** The key that made the proof, when it verified, e.g. `did:web:host:institutions:x#key-1`. */
  verificationMethod?: string;
  /** Why it did not verify. */
  error?: string;
}

export interface VerifyProofOptions {
  documentLoader: DocumentLoader;
  /**
   * The time to check `validFrom`/`validUntil` against (@digitalbazaar/vc fails a credential
   * outside its validity period). When absent the proof is checked at a time inside the
   * period, so an expired credential's proof still verifies: see `checkValidityPeriod`.
   */
  now?: Date | string;
}

/**
 * Verifies the credential's proof with @digitalbazaar/vc `verifyCredential`, the
 * `DataIntegrityProof` suite and the eddsa-rdfc-2022 cryptosuite: the signature over the
 * canonical (safe mode) form, the key listed under `assertionMethod` in the DID document of the
 * issuer, and the issuer being that key's controller. A credential with several proofs, or a
 * chain (`previousProof`), verifies only when every proof does and one is the issuer's (see
 * proof-set.ts). Status (`credentialStatus`) is not looked at here. Anything that is not a
 * verifiable credential answers `verified: false` with a reason; the work is bounded first (see
 * credential-budget.ts).
 *
 * @throws PayloadTooLargeError or ValidationError when the credential exceeds the credential
 *   budget, and ValidationError when its canonicalisation exceeds its time or work limit
 */
export async function verifyCredentialProof(vc: unknown, { documentLoader, now }: VerifyProofOptions): Promise<ProofVerification> {
  assertCredentialBudget(vc);
  const bounded = boundedCryptosuite();
  try {
    if (typeof vc !== 'object' || vc === null || Array.isArray(vc)) return { verified: false, error: 'a credential is a JSON object' };
    if (!('proof' in vc) || typeof vc.proof !== 'object' || vc.proof === null) return { verified: false, error: 'the credential has no proof' };
    const proofs = Array.isArray(vc.proof) ? (vc.proof as unknown[]) : [vc.proof];
    if (proofs.length > 1 || proofs.some((p) => typeof p === 'object' && p !== null && 'previousProof' in p)) {
      // several signers, or a chain: each proof on its own terms (proof-set.ts)
      const set = await verifyProofSet(vc as Record<string, unknown>, proofs, { documentLoader, cryptosuite: bounded.cryptosuite });
      tooCostly(bounded.exceeded());
      return set;
    }
    const result = await verifyCredential({
      credential: vc,
      suite: new DataIntegrityProof({ cryptosuite: bounded.cryptosuite }),
      documentLoader,
      // status is a check of its own; @digitalbazaar/vc insists on a checkStatus when credentialStatus is present
      checkStatus: async () => ({ verified: true }),
      now: now ?? insideValidityPeriod(vc as Record<string, unknown>),
    });
    tooCostly(bounded.exceeded());
    if (result.verified) {
      const method = result.results?.find((r) => r.verified)?.verificationMethod?.id;
      return { verified: true, ...(method ? { verificationMethod: method } : {}) };
    }
    const cause = result.error?.errors?.[0] ?? result.results?.find((r) => r.error)?.error ?? result.error;
    return { verified: false, error: cause ? describeJsonLdError(cause).message : 'the proof did not verify' };
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    tooCostly(bounded.exceeded());
    return { verified: false, error: describeJsonLdError(error).message };
  }
}

/** A credential whose canonicalisation was stopped is refused (400), not reported as forged. */
function tooCostly(reason: string | undefined): void {
  if (reason) throw new ValidationError(reason);
}

/** A time at which the credential's own validity period holds, or now when it names none. */
function insideValidityPeriod(vc: Record<string, unknown>): Date {
  const start = vc.validFrom ?? vc.issuanceDate;
  const time = typeof start === 'string' ? Date.parse(start) : NaN;
  return Number.isNaN(time) ? new Date() : new Date(time);
}
