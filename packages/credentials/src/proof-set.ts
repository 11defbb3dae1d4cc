/**
 * Proof sets and proof chains (VC Data Integrity 1.0 §2.1.1, §2.1.2, §4.5): a `proof` list
 * whose proofs must all verify, where a proof may name by `previousProof` others that it
 * secures along with the document.
 */
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import type { DocumentLoader } from './document-loader.js';
import { describeJsonLdError } from './jsonld-errors.js';
import { asList, isJsonObject } from './json-values.js';

type Json = Record<string, unknown>;

/**
 * What is wrong with the `previousProof` references of a proof set, before any signature is
 * checked: "If a proof with id equal to previousProof does not exist in allProofs, an error MUST
 * be raised". Answers undefined when every reference names another proof of the set.
 *
 * @example
 * checkProofChain([{ id: 'urn:p1', ... }, { previousProof: 'urn:p1', ... }]) // undefined
 */
export function checkProofChain(proofs: readonly unknown[]): string | undefined {
  const ids = new Set(proofs.filter(isJsonObject).map((proof) => proof.id).filter((id): id is string => typeof id === 'string'));
  for (const [index, proof] of proofs.entries()) {
    if (!isJsonObject(proof) || proof.previousProof === undefined) continue;
    for (const id of asList(proof.previousProof)) {
      if (typeof id !== 'string') return `proof ${index}: previousProof must be a proof id or a list of proof ids`;
      if (id === proof.id) return `proof ${index}: previousProof names the proof itself`;
      if (!ids.has(id)) return `proof ${index}: previousProof ${id} names no proof of the credential`;
    }
  }
  return undefined;
}

export interface ProofSetOptions {
  documentLoader: DocumentLoader;
  /** The eddsa-rdfc-2022 cryptosuite to verify with (a bounded one). */
  cryptosuite: unknown;
}

export interface ProofSetVerification {
  verified: boolean;
  /** The issuer's key among the proofs, when they all verified. */
  verificationMethod?: string;
  error?: string;
}

/**
 * Verifies a credential carrying several proofs, or a chain: every proof must verify, each by an
 * `assertionMethod` key of its controller, and at least one must be the issuer's. A proof with a
 * `previousProof` secures the document together with the proofs it names (§4.5: "Set
 * inputDocument.proof to matchingProofs"); the others secure the document without proofs.
 */
export async function verifyProofSet(credential: Json, proofs: readonly unknown[], { documentLoader, cryptosuite }: ProofSetOptions): Promise<ProofSetVerification> {
  const chain = checkProofChain(proofs);
  if (chain) return { verified: false, error: chain };
  const { proof: _all, ...unsecured } = credential;
  const issuer = isJsonObject(credential.issuer) ? credential.issuer.id : credential.issuer;
  let issuerMethod: string | undefined;
  for (const [index, proof] of proofs.entries()) {
    const fail = (reason: string): ProofSetVerification => ({ verified: false, error: `proof ${index} of ${proofs.length}: ${reason}` });
    if (!isJsonObject(proof)) return fail('is not an object');
    if (proof.type !== 'DataIntegrityProof' || proof.cryptosuite !== 'eddsa-rdfc-2022') return fail('cannot be checked: only eddsa-rdfc-2022 DataIntegrityProof proofs are');
    if (proof.proofPurpose !== 'assertionMethod') return fail(`proofPurpose must be "assertionMethod", not ${JSON.stringify(proof.proofPurpose)}`);
    const previous = asList(proof.previousProof);
    const input = previous.length > 0 ? { ...unsecured, proof: proofs.filter((p) => isJsonObject(p) && previous.includes(p.id)) } : unsecured;
    try {
      const suite = new DataIntegrityProof({ cryptosuite });
      // as jsonld-signatures does: the proof options are canonicalised under the document's context
      const result = await suite.verifyProof({ proof: { '@context': credential['@context'], ...proof }, document: input, proofSet: [...proofs], documentLoader });
      if (!result.verified) return fail(result.error ? describeJsonLdError(result.error).message : 'the signature does not verify');
      const method = result.verificationMethod as { id?: unknown; controller?: unknown } | undefined;
      if (typeof method?.id !== 'string' || typeof method.controller !== 'string') return fail('its key has no controller');
      const { document: controller } = await documentLoader(method.controller);
      const assertion = asList((controller as Json).assertionMethod).map((entry) => (isJsonObject(entry) ? entry.id : entry));
      if (!assertion.includes(method.id)) return fail(`${method.id} is not listed for assertions by ${method.controller}`);
      if (method.controller === issuer) issuerMethod ??= method.id;
    } catch (error) {
      return fail(describeJsonLdError(error).message);
    }
  }
  if (!issuerMethod) return { verified: false, error: `none of the credential's ${proofs.length} proofs is by its issuer ${String(issuer)}` };
  return { verified: true, verificationMethod: issuerMethod };
}
