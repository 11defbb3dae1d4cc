/** Signing credentials with Data Integrity proofs, cryptosuite eddsa-rdfc-2022. */
import { ValidationError } from '@cx/domain';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { issue } from '@digitalbazaar/vc';
import { boundedCryptosuite } from './bounded-cryptosuite.js';
import type { DocumentLoader } from './document-loader.js';
import { describeJsonLdError } from './jsonld-errors.js';
import type { CredentialSigner } from './signer.js';

/** The proof {@link signCredential} adds. */
export interface DataIntegrityProofValue {
  type: 'DataIntegrityProof';
  cryptosuite: 'eddsa-rdfc-2022';
  created: string;
  verificationMethod: string;
  proofPurpose: 'assertionMethod';
  proofValue: string;
}

export interface SignOptions {
  signer: CredentialSigner;
  documentLoader: DocumentLoader;
  /** The proof's `created`; now when absent. */
  date?: Date | string;
}

/**
 * Signs a credential: adds a `DataIntegrityProof` (cryptosuite `eddsa-rdfc-2022`, `proofPurpose`
 * `assertionMethod`, `verificationMethod` the signer's id) through @digitalbazaar/vc `issue`,
 * as `proof: [proof]`: a proof set of one, the same signature. 1EdTech's OB 3.0 JSON Schema
 * requires `proof` to be an array (the JSON-LD compacted form, one object, does not pass it).
 * The input is not changed. Canonicalisation runs in JSON-LD safe mode, so a term that none of
 * the credential's contexts defines, or a context the loader does not serve, is refused.
 *
 * @throws ValidationError when the credential is not a VC its contexts can express (nothing was signed)
 * @throws whatever the signer throws (the key vault failed), unchanged
 */
export async function signCredential<T extends object>(
  credential: T,
  { signer, documentLoader, date }: SignOptions,
): Promise<T & { proof: DataIntegrityProofValue[] }> {
  const failures: unknown[] = [];
  const watchedSigner: CredentialSigner = {
    id: signer.id,
    algorithm: signer.algorithm,
    sign: (options) =>
      signer.sign(options).catch((error: unknown) => {
        failures.push(error);
        throw error;
      }),
  };
  // bounded like verifying: the VC API's issue route signs credentials a client wrote
  const bounded = boundedCryptosuite();
  const suite = new DataIntegrityProof({ signer: watchedSigner, cryptosuite: bounded.cryptosuite, date: date ?? new Date() });
  try {
    const signed = (await issue({ credential: structuredClone(credential), suite, documentLoader })) as T & {
      proof: DataIntegrityProofValue | DataIntegrityProofValue[];
    };
    // a proof is not part of what it signs, so listing it in an array changes no signature
    return { ...signed, proof: Array.isArray(signed.proof) ? signed.proof : [signed.proof] };
  } catch (error) {
    if (failures.length > 0) throw failures[0];
    const exceeded = bounded.exceeded();
    if (exceeded) throw new ValidationError(`the credential cannot be signed: ${exceeded}`);
    const { message, field } = describeJsonLdError(error);
    throw new ValidationError(`the credential cannot be signed: ${message}`, field ? [{ field, message }] : []);
  }
}
