/**
 * Checking a verifiable presentation's own proof (eddsa-rdfc-2022, proof purpose
 * `authentication`), as the holder's: the signature, the key listed under `authentication` in
 * its controller's DID document, that controller being the presentation's `holder` when one is
 * named, and the verifier's `challenge` and `domain` when it gave them.
 */
import { ValidationError } from '@cx/domain';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { signPresentation as signWithVc } from '@digitalbazaar/vc';
import { boundedCryptosuite } from './bounded-cryptosuite.js';
import type { DocumentLoader } from './document-loader.js';
import { describeJsonLdError } from './jsonld-errors.js';
import type { CredentialSigner } from './signer.js';
import { asList, isJsonObject } from './json-values.js';

export interface PresentationProofOptions {
  documentLoader: DocumentLoader;
  /** The challenge the verifier asked the holder to sign; the proof must carry it. */
  challenge?: string;
  /** The domain the verifier asked for; the proof's `domain` must be or list it. */
  domain?: string;
}

export interface PresentationProofVerification {
  verified: boolean;
  /** The holder's key that made the proof(s), when they verified. */
  verificationMethod?: string;
  /** Why it did not verify. */
  error?: string;
}

type Json = Record<string, unknown>;

/**
 * Verifies every proof of `presentation` (a proof set needs them all). Answers `verified: false`
 * with a reason for anything a client sent; throws only when canonicalisation was stopped for
 * its cost.
 *
 * @throws ValidationError when canonicalising the presentation exceeds its time or work limit
 */
export async function verifyPresentationProof(presentation: Json, options: PresentationProofOptions): Promise<PresentationProofVerification> {
  const proofs = asList(presentation.proof);
  if (proofs.length === 0) return { verified: false, error: 'the presentation has no proof' };
  const { proof: _proofs, ...document } = presentation;
  let verificationMethod: string | undefined;
  for (const [index, proof] of proofs.entries()) {
    const name = proofs.length > 1 ? `proof ${index}` : 'the proof';
    const result = await verifyOne(proof, document, proofs, options);
    if (!result.verified) return { verified: false, error: `${name}: ${result.error}` };
    verificationMethod ??= result.verificationMethod;
  }
  const holder = typeof presentation.holder === 'string' ? presentation.holder : isJsonObject(presentation.holder) ? presentation.holder.id : undefined;
  const controller = verificationMethod?.split('#')[0];
  if (typeof holder === 'string' && controller !== holder) {
    return { verified: false, error: `the presentation is signed by ${controller}, not by its holder ${holder}` };
  }
  return { verified: true, ...(verificationMethod ? { verificationMethod } : {}) };
}

async function verifyOne(proof: unknown, document: Json, proofSet: unknown[], options: PresentationProofOptions): Promise<PresentationProofVerification> {
  if (!isJsonObject(proof)) return { verified: false, error: 'is not an object' };
  if (proof.type !== 'DataIntegrityProof' || proof.cryptosuite !== 'eddsa-rdfc-2022') {
    return { verified: false, error: `only DataIntegrityProof with cryptosuite eddsa-rdfc-2022 is supported, not ${String(proof.type)} ${String(proof.cryptosuite ?? '')}`.trim() };
  }
  if (proof.proofPurpose !== 'authentication') return { verified: false, error: `proofPurpose must be "authentication", not ${JSON.stringify(proof.proofPurpose)}` };
  if (typeof proof.verificationMethod !== 'string') return { verified: false, error: 'verificationMethod must be a key URL' };
  if (options.challenge !== undefined && proof.challenge !== options.challenge) {
    return { verified: false, error: proof.challenge === undefined ? 'carries no challenge, and one was asked for' : 'carries another challenge than the one asked for' };
  }
  if (options.domain !== undefined && !asList(proof.domain).includes(options.domain)) {
    return { verified: false, error: proof.domain === undefined ? 'carries no domain, and one was asked for' : `is not for the domain ${options.domain}` };
  }

  const bounded = boundedCryptosuite();
  try {
    const suite = new DataIntegrityProof({ cryptosuite: bounded.cryptosuite });
    // as jsonld-signatures does: the proof options are canonicalised under the document's context
    const result = await suite.verifyProof({
      proof: { '@context': document['@context'], ...proof },
      document,
      proofSet,
      documentLoader: options.documentLoader,
    });
    tooCostly(bounded.exceeded());
    if (!result.verified) return { verified: false, error: result.error ? describeJsonLdError(result.error).message : 'the signature does not verify' };
    const method = result.verificationMethod as { id?: unknown; controller?: unknown } | undefined;
    if (typeof method?.id !== 'string' || typeof method.controller !== 'string') return { verified: false, error: 'its key has no controller' };
    const { document: controller } = await options.documentLoader(method.controller);
    const authentication = asList((controller as Json).authentication).map((entry) => (isJsonObject(entry) ? entry.id : entry));
    if (!authentication.includes(method.id)) {
      return { verified: false, error: `${method.id} is not listed for authentication by ${method.controller}` };
    }
    return { verified: true, verificationMethod: method.id };
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    tooCostly(bounded.exceeded());
    return { verified: false, error: describeJsonLdError(error).message };
  }
}

export interface SignPresentationOptions {
  /** The holder's key: its id is the verification method, e.g. `did:key:z6Mk...#z6Mk...`. */
  signer: CredentialSigner;
  documentLoader: DocumentLoader;
  /** The verifier's challenge, which the proof carries. */
  challenge: string;
  domain?: string;
}

/**
 * Signs a presentation as its holder, as a wallet does: a `DataIntegrityProof`
 * (eddsa-rdfc-2022, proof purpose `authentication`) carrying the verifier's challenge and
 * domain. The input is not changed; its credentials keep their own proofs.
 *
 * @throws ValidationError when the presentation is not one its contexts can express
 */
export async function signPresentation(presentation: Json, { signer, documentLoader, challenge, domain }: SignPresentationOptions): Promise<Json> {
  const suite = new DataIntegrityProof({ signer, cryptosuite: boundedCryptosuite().cryptosuite, date: new Date() });
  try {
    return await signWithVc({ presentation: structuredClone(presentation), suite, challenge, ...(domain ? { domain } : {}), documentLoader });
  } catch (error) {
    const { message, field } = describeJsonLdError(error);
    throw new ValidationError(`the presentation cannot be signed: ${message}`, field ? [{ field, message }] : []);
  }
}

/** A presentation whose canonicalisation was stopped is refused (400), not reported as forged. */
function tooCostly(reason: string | undefined): void {
  if (reason) throw new ValidationError(reason);
}
