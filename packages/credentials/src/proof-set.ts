/**
 * Proof sets and proof chains (VC Data Integrity 1.0 §2.1.1, §2.1.2): a `proof` list whose
 * proofs must all verify, where a proof may name by `previousProof` others that must verify
 * before it.
 */

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * What is wrong with the `previousProof` references of a proof set, before any signature is
 * checked: "If a proof with id equal to previousProof does not exist in allProofs, an error MUST
 * be raised". Answers undefined when every reference names another proof of the set. Each
 * proof of the set is then verified on its own, over the document without its proofs, as
 * jsonld-signatures signs a chain; verifying them all verifies every proof a chain names.
 *
 * @example
 * checkProofChain([{ id: 'urn:p1', ... }, { previousProof: 'urn:p1', ... }]) // undefined
 */
export function checkProofChain(proofs: readonly unknown[]): string | undefined {
  const ids = new Set(proofs.filter(isObject).map((proof) => proof.id).filter((id): id is string => typeof id === 'string'));
  for (const [index, proof] of proofs.entries()) {
    if (!isObject(proof) || proof.previousProof === undefined) continue;
    const previous = Array.isArray(proof.previousProof) ? proof.previousProof : [proof.previousProof];
    for (const id of previous) {
      if (typeof id !== 'string') return `proof ${index}: previousProof must be a proof id or a list of proof ids`;
      if (id === proof.id) return `proof ${index}: previousProof names the proof itself`;
      if (!ids.has(id)) return `proof ${index}: previousProof ${id} names no proof of the credential`;
    }
  }
  return undefined;
}
