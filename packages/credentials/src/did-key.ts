/**
 * did:key for Ed25519 keys, resolved locally: the DID is its public key, so its DID document
 * is derived from the DID itself and nothing is fetched (the did:key method's "read" operation
 * for `z6Mk...` Multikey values).
 */
import { multibaseToEd25519, type DidDocument } from '@cx/domain';

/** A did:key DID naming an Ed25519 key: `did:key:z6Mk...`. */
const DID_KEY = /^did:key:(z6Mk[1-9A-HJ-NP-Za-km-z]+)$/;

/** Whether `did` is a did:key DID of an Ed25519 key (it may still fail to decode). */
export function isEd25519DidKey(did: string): boolean {
  return DID_KEY.test(did);
}

/**
 * The DID document of an Ed25519 `did:key` DID: one Multikey verification method,
 * `did:key:z6Mk...#z6Mk...`, usable for assertions (issuing) and authentication (presenting).
 *
 * @example
 * didKeyDocument('did:key:z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj').verificationMethod[0].id
 * // 'did:key:z6MkpJy...Uqcj#z6MkpJy...Uqcj'
 * @throws Error when `did` is not a did:key DID of an Ed25519 key
 */
export function didKeyDocument(did: string): DidDocument {
  const match = DID_KEY.exec(did);
  if (!match) throw new Error(`${did} is not a did:key DID of an Ed25519 key (did:key:z6Mk...)`);
  const publicKeyMultibase = match[1]!;
  // decoding checks the multicodec header and the key length, not only the alphabet
  multibaseToEd25519(publicKeyMultibase);
  const id = `${did}#${publicKeyMultibase}`;
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: did,
    verificationMethod: [{ id, type: 'Multikey', controller: did, publicKeyMultibase }],
    assertionMethod: [id],
    authentication: [id],
  };
}
