/**
 * The signer port between Data Integrity proofs and the key vault: private keys never leave the
 * vault (KMS in AWS), so signing is a call to it.
 */
import type { KeyVault } from '@cx/domain';

/** The signer object @digitalbazaar/data-integrity's `DataIntegrityProof` takes. */
export interface CredentialSigner {
  /** The verification method the proof names, e.g. `did:web:host:institutions:x#key-2`. */
  id: string;
  algorithm: 'Ed25519';
  sign(options: { data: Uint8Array }): Promise<Uint8Array>;
}

export interface KeyVaultSignerOptions {
  keyVault: KeyVault;
  /** The vault's reference to the institution's private key (KMS key ARN or local key name). */
  keyRef: string;
  /** The key's id in the institution's DID document. */
  verificationMethod: string;
}

/**
 * A signer for eddsa-rdfc-2022 proofs that delegates to {@link KeyVault.sign}: one vault call
 * per proof, over the 64 bytes of hash data the cryptosuite signs (Ed25519 over the raw message,
 * as KMS `ED25519_SHA_512` with `MessageType: RAW` does).
 *
 * @example
 * const signer = keyVaultSigner({ keyVault, keyRef: key.keyRef, verificationMethod: `${did}#${key.id}` });
 */
export function keyVaultSigner({ keyVault, keyRef, verificationMethod }: KeyVaultSignerOptions): CredentialSigner {
  return {
    id: verificationMethod,
    algorithm: 'Ed25519',
    async sign({ data }) {
      const signature = await keyVault.sign(keyRef, data);
      if (signature.length !== 64) throw new Error(`the key vault answered a ${signature.length}-byte signature; Ed25519 signatures have 64 bytes`);
      return signature;
    },
  };
}
