/**
 * The eddsa-rdfc-2022 cryptosuite with its canonicalisation bounded: rdf-canonize's work
 * factor, and an abort signal that ends the canonicalisation once its time is up (rdf-canonize
 * yields between batches of work and checks the signal, so the timer can fire). Whichever limit
 * was hit is remembered, so the caller can answer "too costly" instead of "not signed".
 */
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { CANONIZE_MAX_WORK_FACTOR, CANONIZE_TIME_LIMIT_MS } from './credential-budget.js';

export interface BoundedCryptosuite {
  /** Pass as `cryptosuite` to `DataIntegrityProof`. */
  cryptosuite: typeof eddsaRdfc2022;
  /** Why canonicalisation was stopped, once it was; undefined while it kept to its limits. */
  exceeded(): string | undefined;
}

/** rdf-canonize's messages for its two limits. */
const LIMIT_MESSAGE = /^(Abort signal received|Maximum deep iterations exceeded)/;

/**
 * A cryptosuite for one credential: every canonicalisation it runs (the document's and the
 * proof options') shares one time limit of `timeLimitMs`, counted from the first one (loading
 * the issuer's DID document before it is I/O, not the credential's cost).
 */
export function boundedCryptosuite(timeLimitMs = CANONIZE_TIME_LIMIT_MS): BoundedCryptosuite {
  let signal: AbortSignal | undefined;
  let exceeded: string | undefined;
  const cryptosuite: typeof eddsaRdfc2022 = {
    ...eddsaRdfc2022,
    canonize: async (input, options) => {
      signal ??= AbortSignal.timeout(timeLimitMs);
      try {
        return await eddsaRdfc2022.canonize(input, { ...(options as object), maxWorkFactor: CANONIZE_MAX_WORK_FACTOR, signal });
      } catch (error) {
        const message = (error as Error | undefined)?.message ?? '';
        if (LIMIT_MESSAGE.test(message)) {
          exceeded = signal?.aborted
            ? `canonicalising the credential took longer than ${timeLimitMs} ms; it is too complex to verify`
            : 'the credential is too complex to canonicalise (too many indistinguishable blank nodes)';
        }
        throw error;
      }
    },
  };
  return { cryptosuite, exceeded: () => exceeded };
}
