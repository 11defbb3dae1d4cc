/**
 * `relatedResource` (VC 2.0 §5.3, Integrity of Related Resources): each entry an object with a
 * unique `id` URL and at least one digest, `digestSRI` (an SRI hash expression) or
 * `digestMultibase` (a Multibase-encoded Multihash, VC Data Integrity §2.6). The exchange never
 * fetches a URL, so it checks the digests of the resources whose published bytes it holds and
 * reports the others as not checked.
 */
import { createHash } from 'node:crypto';
import { base58btcDecode, type FieldIssue } from '@cx/domain';
import { VC_EXAMPLES_V2_CONTEXT_BYTES, VC_EXAMPLES_V2_CONTEXT_URL, VC_V2_CONTEXT_URL } from './contexts.js';
import { isJsonObject } from './json-values.js';

type Algorithm = 'sha256' | 'sha384' | 'sha512';
type Digests = Record<Algorithm, string>;

const DIGEST_LENGTH: Record<Algorithm, number> = { sha256: 32, sha384: 48, sha512: 64 };
/** Multihash codes of the SHA-2 digests (multicodec table: sha2-256, sha2-384, sha2-512). */
const MULTIHASH_CODE: Record<number, Algorithm> = { 0x12: 'sha256', 0x20: 'sha384', 0x13: 'sha512' };

const digestsOf = (bytes: string): Digests => ({
  sha256: createHash('sha256').update(bytes, 'utf8').digest('base64'),
  sha384: createHash('sha384').update(bytes, 'utf8').digest('base64'),
  sha512: createHash('sha512').update(bytes, 'utf8').digest('base64'),
});

/**
 * The digests (base64) of the bytes published at each URL whose content the exchange holds.
 * The VC v2 base context is the W3C Recommendation's: its SHA2-256 digest is the one VC 2.0 §B.1
 * states (hex 59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734); the three were
 * computed from w3c/vc-data-model `contexts/credentials/v2` at commit 08b83e46c10ee37b0f4fb44b31459e611e521da0,
 * whose JSON equals the bundled @digitalbazaar/credentials-context v2 (its file is formatted differently).
 */
const HELD_RESOURCES: ReadonlyMap<string, Digests> = new Map([
  [
    VC_V2_CONTEXT_URL,
    {
      sha256: 'WZVc7WaX1h4D8rJVb+vlMIqxaEKEb1tYbX8fet7JJzQ=',
      sha384: 'l/HrjlBCNWyAX91hr6LFV2Y3heB5Tcr6IeE4/Tje8YyzYBM8IhqjHWiWpr8+ZbYU',
      sha512: 'XVVFK9Lc+KKfWikEc+skKxxft31OaPGgqoe6pNuiaUhS1l7GPUisBKmdlW+fcVO5QG+E0tBMdIabAsI5odgTBQ==',
    },
  ],
  [VC_EXAMPLES_V2_CONTEXT_URL, digestsOf(VC_EXAMPLES_V2_CONTEXT_BYTES)],
]);

export interface RelatedResourceReport {
  /** What is malformed, or a digest that does not match the resource, each with its field. */
  issues: FieldIssue[];
  /** The resources whose digests were checked and match. */
  checked: string[];
  /** The resources the exchange does not hold, so their digests could not be checked. */
  unchecked: string[];
}

const isUri = (value: unknown): value is string => typeof value === 'string' && /^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/.test(value);

interface Digest {
  algorithm: Algorithm;
  /** base64 */
  value: string;
}

/** `sha384-<base64>` with an optional `?option`, as the SRI `hash-expression` grammar has it. */
const SRI = /^(sha256|sha384|sha512)-([A-Za-z0-9+/]+={0,2})(\?[\x21-\x7e]*)?$/;

function parseSri(expression: string): Digest | undefined {
  const match = SRI.exec(expression);
  if (!match) return undefined;
  const algorithm = match[1] as Algorithm;
  const bytes = Buffer.from(match[2]!, 'base64');
  return bytes.length === DIGEST_LENGTH[algorithm] ? { algorithm, value: bytes.toString('base64') } : undefined;
}

function parseMultibaseMultihash(text: string): Digest | undefined {
  let bytes: Uint8Array;
  if (/^u[A-Za-z0-9_-]+$/.test(text)) bytes = Buffer.from(text.slice(1), 'base64url');
  else if (/^z[1-9A-HJ-NP-Za-km-z]+$/.test(text)) bytes = base58btcDecode(text.slice(1));
  else return undefined;
  const algorithm = MULTIHASH_CODE[bytes[0]!];
  if (!algorithm || bytes[1] !== DIGEST_LENGTH[algorithm] || bytes.length !== 2 + DIGEST_LENGTH[algorithm]) return undefined;
  return { algorithm, value: Buffer.from(bytes.slice(2)).toString('base64') };
}

/** A digest property's values: one string, or a list of them (SRI also allows several in one string). */
function digestValues(value: unknown, sri: boolean): string[] | undefined {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((entry): entry is string => typeof entry === 'string')) return undefined;
  return sri ? list.flatMap((entry) => entry.split(/\s+/).filter(Boolean)) : list;
}

const DIGEST_FORMS = {
  digestSRI: { parse: parseSri, sri: true, form: 'an SRI hash expression: sha256-, sha384- or sha512- and the base64 digest' },
  digestMultibase: { parse: parseMultibaseMultihash, sri: false, form: 'a Multibase-encoded (u or z) Multihash of a sha2-256, sha2-384 or sha2-512 digest' },
} as const;

/**
 * Checks a credential's `relatedResource` value: its form, and the digests of the resources
 * the exchange holds (the VC v2 and examples v2 contexts). Every other resource is listed as
 * unchecked: the exchange fetches no URL.
 *
 * @example
 * const { issues, unchecked } = checkRelatedResources(credential.relatedResource);
 */
export function checkRelatedResources(value: unknown, path = 'relatedResource'): RelatedResourceReport {
  const report: RelatedResourceReport = { issues: [], checked: [], unchecked: [] };
  const problem = (field: string, message: string) => report.issues.push({ field, message });
  const entries = Array.isArray(value) ? value : [value];
  if (entries.length === 0) problem(path, 'must be one or more objects');
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const at = Array.isArray(value) ? `${path}.${index}` : path;
    if (!isJsonObject(entry)) return problem(at, 'must be an object with an id and a digestSRI or digestMultibase');
    if (!isUri(entry.id)) problem(`${at}.id`, entry.id === undefined ? 'is required' : 'must be a URL');
    else if (seen.has(entry.id)) problem(`${at}.id`, `must be unique among the related resources; ${entry.id} is listed twice`);
    else seen.add(entry.id);
    if (entry.digestSRI === undefined && entry.digestMultibase === undefined) return problem(at, 'needs a digestSRI or a digestMultibase');

    const held = isUri(entry.id) ? HELD_RESOURCES.get(entry.id) : undefined;
    let matched = true;
    for (const [field, { parse, sri, form }] of Object.entries(DIGEST_FORMS)) {
      if (entry[field] === undefined) continue;
      const digests = digestValues(entry[field], sri)?.map(parse);
      if (!digests || digests.some((d) => d === undefined)) {
        matched = false;
        problem(`${at}.${field}`, `must be ${form}`);
        continue;
      }
      if (held && digests.some((d) => held[d!.algorithm] !== d!.value)) {
        matched = false;
        problem(`${at}.${field}`, `does not match the digest of ${entry.id} as published`);
      }
    }
    if (isUri(entry.id) && matched) (held ? report.checked : report.unchecked).push(entry.id);
  });
  return report;
}
