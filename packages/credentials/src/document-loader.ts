/**
 * The JSON-LD document loader for signing and verifying: bundled contexts, the exchange's EU
 * context, did:web DIDs through an injected resolver and did:key DIDs resolved locally. It never fetches an arbitrary URL:
 * a context from the network could change what a signed credential says.
 */
import { RECOGNITION_CONTEXT_V1, recognitionContextUrl } from './recognition-context.js';
import { checkJsonLimits, didDocumentUrl, type DidDocument } from '@cx/domain';
import { MULTIKEY_V1_CONTEXT_URL, STATIC_CONTEXTS } from './contexts.js';
import { didKeyDocument, isEd25519DidKey } from './did-key.js';
import { EU_MICROCREDENTIAL_CONTEXT_V1, euContextUrl } from './eu-microcredential-context.js';

/** What jsonld.js and jsonld-signatures expect from a document loader. */
export interface LoadedDocument {
  contextUrl: null;
  documentUrl: string;
  document: object;
  /**
   * `static` on the bundled contexts: jsonld then keeps the context it resolved from them in its
   * process-wide cache, so the next credential does not process the VC and Open Badges contexts
   * again. Only for documents that never change under their URL: never for a DID document.
   */
  tag?: 'static';
}

export type DocumentLoader = (url: string) => Promise<LoadedDocument>;

/** Resolves a DID to its DID document (from the store inside the exchange, over HTTP elsewhere). */
export type DidResolver = (did: string) => Promise<DidDocument>;

/** The verification method as @digitalbazaar/ed25519-multikey reads it. */
export interface MultikeyDocument {
  '@context': typeof MULTIKEY_V1_CONTEXT_URL;
  id: string;
  type: 'Multikey';
  controller: string;
  publicKeyMultibase: string;
}

/** A URL the loader will not load: neither a bundled context nor a did:web or did:key DID (URL). */
export class UnknownDocumentError extends Error {
  constructor(
    readonly url: string,
    reason: string,
  ) {
    super(`refusing to load ${JSON.stringify(url)}: ${reason}`);
    this.name = 'UnknownDocumentError';
  }
}

export interface DocumentLoaderOptions {
  /** The exchange's public URL; its EU micro-credential context is served under it. */
  publicUrl: string;
  resolveDid: DidResolver;
}

/**
 * A document loader serving the bundled contexts (VC, Open Badges 3.0.x, Data Integrity,
 * Multikey, Bitstring Status List), the EU micro-credential context at
 * `${publicUrl}/contexts/eu-microcredential/v1.jsonld`, `did:web` DIDs (the DID document) and
 * their key URLs `did:web:...#key-1` (a Multikey document with `@context` and `controller`, as
 * @digitalbazaar/ed25519-multikey expects), and Ed25519 `did:key` DIDs and key URLs, derived
 * from the DID itself. Anything else is refused with an
 * {@link UnknownDocumentError}. DID documents are resolved on every call: cache in `resolveDid`.
 *
 * @example
 * const documentLoader = createDocumentLoader({ publicUrl, resolveDid: httpDidWebResolver() });
 */
export function createDocumentLoader({ publicUrl, resolveDid }: DocumentLoaderOptions): DocumentLoader {
  const contexts = contextsFor(publicUrl);

  return async (url: string): Promise<LoadedDocument> => {
    if (typeof url !== 'string') throw new UnknownDocumentError(String(url), 'not a URL');
    const context = contexts.get(url);
    // a new answer each time: a caller may write to it, and the next one must not see that
    if (context) return { contextUrl: null, documentUrl: url, document: context, tag: 'static' };
    if (url.startsWith('did:web:')) return { contextUrl: null, documentUrl: url, document: await loadDid(url, resolveDid) };
    if (url.startsWith('did:key:')) {
      if (!isEd25519DidKey(url.split('#')[0]!)) throw new UnknownDocumentError(url, 'only did:key DIDs of Ed25519 keys (did:key:z6Mk...) are resolved');
      return { contextUrl: null, documentUrl: url, document: await loadDid(url, resolveDidKey) };
    }
    if (url.startsWith('did:')) throw new UnknownDocumentError(url, 'only did:web and did:key DIDs are resolved');
    throw new UnknownDocumentError(url, 'not a bundled JSON-LD context');
  };
}

/**
 * Every bundled context by URL, made once per public URL: a loader is made per verification
 * session (per request), and these documents never change under their URL (see `tag`).
 */
const contextsByPublicUrl = new Map<string, ReadonlyMap<string, object>>();

function contextsFor(publicUrl: string): ReadonlyMap<string, object> {
  let found = contextsByPublicUrl.get(publicUrl);
  if (!found) {
    const contexts = new Map<string, object>(STATIC_CONTEXTS);
    contexts.set(euContextUrl(publicUrl), EU_MICROCREDENTIAL_CONTEXT_V1);
    contexts.set(recognitionContextUrl(publicUrl), RECOGNITION_CONTEXT_V1);
    contextsByPublicUrl.set(publicUrl, (found = contexts));
  }
  return found;
}

/** did:key DIDs name their key: resolved from the DID itself, never fetched. */
const resolveDidKey: DidResolver = async (did) => didKeyDocument(did);

async function loadDid(url: string, resolveDid: DidResolver): Promise<object> {
  const hash = url.indexOf('#');
  const did = hash < 0 ? url : url.slice(0, hash);
  const fragment = hash < 0 ? undefined : url.slice(hash + 1);
  if (/[?/]/.test(did) || fragment === '') throw new UnknownDocumentError(url, 'not a DID or a DID key URL');

  let document: DidDocument;
  try {
    document = await resolveDid(did);
  } catch (error) {
    throw new Error(`could not resolve ${did}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (!document || typeof document !== 'object' || document.id !== did) {
    throw new Error(`the DID document resolved for ${did} is not that DID's document`);
  }
  if (fragment === undefined) return structuredClone(document);
  return verificationMethodOf(document, url);
}

/** The key `url` names in `document`, as a Multikey document. */
function verificationMethodOf(document: DidDocument, url: string): MultikeyDocument {
  const fragment = url.slice(url.indexOf('#'));
  // keys may be listed in verificationMethod or embedded in a verification relationship
  const candidates = [document.verificationMethod, document.assertionMethod, document.authentication]
    .flatMap((list: unknown) => (Array.isArray(list) ? list : []))
    .filter((entry): entry is Record<string, unknown> => typeof entry === 'object' && entry !== null);
  const method = candidates.find((entry) => entry.id === url || entry.id === fragment);
  if (!method) throw new Error(`${document.id} lists no verification method ${url}`);
  if (method.type !== 'Multikey' || typeof method.publicKeyMultibase !== 'string') {
    throw new Error(`${url} is not a Multikey verification method (type ${String(method.type)})`);
  }
  const controller = typeof method.controller === 'string' ? method.controller : document.id;
  if (controller !== document.id) throw new Error(`${url} is controlled by ${controller}, not by ${document.id}`);
  return {
    '@context': MULTIKEY_V1_CONTEXT_URL,
    id: url,
    type: 'Multikey',
    controller,
    publicKeyMultibase: method.publicKeyMultibase,
  };
}

/**
 * Resolves `did:web` DIDs over HTTP(S), as any verifier outside the exchange does:
 * `did:web:host:institutions:x` -> `https://host/institutions/x/did.json` (plain http only for
 * localhost). Redirects are refused and answers are limited to 256 KB and 5 seconds.
 *
 * @param fetchImpl the fetch to use (a test's, or the global one)
 */
export function httpDidWebResolver(fetchImpl: typeof fetch = fetch): DidResolver {
  return async (did: string) => {
    if (!did.startsWith('did:web:')) throw new Error(`not a did:web DID: ${did}`);
    const url = didDocumentUrl(did);
    const response = await fetchImpl(url, {
      headers: { accept: 'application/did+json, application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
    const text = await response.text();
    if (text.length > 256 * 1024) throw new Error(`GET ${url} answered more than 256 KB`);
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      throw new Error(`GET ${url} did not answer JSON`);
    }
    // another party's answer is input like any other: no __proto__ members, bounded nesting
    const issue = checkJsonLimits(document, { maxDepth: 16 });
    if (issue) throw new Error(`GET ${url} answered a DID document that cannot be used: ${issue.field} ${issue.message}`);
    if (!document || typeof document !== 'object' || (document as { id?: unknown }).id !== did) {
      throw new Error(`GET ${url} did not answer the DID document of ${did}`);
    }
    return document as DidDocument;
  };
}
