/**
 * did:web identities of institutions. Each institution is hosted by the exchange:
 * `did:web:<host>:institutions:<id>` resolves to `https://<host>/institutions/<id>/did.json`.
 */
import type { InstitutionRecord } from './institution.js';

/** `did:web` method-specific id of the exchange host; a port is percent-encoded (`localhost%3A3000`). */
export function didWebHost(publicUrl: string): string {
  const url = new URL(publicUrl);
  const path = url.pathname.replace(/\/+$/, '');
  const host = url.port ? `${url.hostname}%3A${url.port}` : url.hostname;
  return [host, ...path.split('/').filter(Boolean).map(encodeURIComponent)].join(':');
}

export function institutionDid(publicUrl: string, institutionId: string): string {
  return `did:web:${didWebHost(publicUrl)}:institutions:${institutionId}`;
}

/** Where a did:web DID document is served, per the did:web method: colons become path segments. */
export function didDocumentUrl(did: string): string {
  const parts = did.replace(/^did:web:/, '').split(':').map(decodeURIComponent);
  const host = parts.shift()!;
  const scheme = /^(localhost|127\.|\[::1\])/.test(host) ? 'http' : 'https';
  return `${scheme}://${host}/${parts.length ? parts.join('/') : '.well-known'}/did.json`;
}

export interface DidDocument {
  '@context': string[];
  id: string;
  controller?: string;
  verificationMethod: Array<{ id: string; type: 'Multikey'; controller: string; publicKeyMultibase: string }>;
  assertionMethod: string[];
  authentication: string[];
}

/**
 * The DID document of an institution: every key it ever signed with, active and retired,
 * so credentials signed before a rotation still verify.
 */
export function institutionDidDocument(publicUrl: string, institution: InstitutionRecord): DidDocument {
  const did = institutionDid(publicUrl, institution.id);
  const methods = institution.keys.map((key) => ({
    id: `${did}#${key.id}`,
    type: 'Multikey' as const,
    controller: did,
    publicKeyMultibase: key.publicKeyMultibase,
  }));
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: did,
    verificationMethod: methods,
    assertionMethod: methods.map((m) => m.id),
    // only the active key may authenticate as the institution; retired keys only verify old proofs
    authentication: institution.keys.filter((k) => k.status === 'active').map((k) => `${did}#${k.id}`),
  };
}
