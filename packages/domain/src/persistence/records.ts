/**
 * The records the exchange keeps, in domain terms. Adapters of the persistence port
 * (DynamoDB in packages/store, in memory for unit tests) store and return exactly these;
 * keys, indexes and item metadata are the adapter's business and never appear here.
 */
import type { Actor } from '../principal.js';
import type { CatalogueEntry, CatalogueKind, EntryStatus } from '../catalogue.js';
import type { InstitutionRecord } from '../institution.js';
import type { AgreementBody } from '../recognition.js';

/** An institution as stored, with the optimistic-locking counter every update checks. */
export type StoredInstitution = InstitutionRecord & { revision: number };

/** Who an API key acts for: an institution id, or the consortium admin. */
export type KeyOwner = { kind: 'institution'; institutionId: string } | { kind: 'admin' };

export interface ApiKeyRecord {
  keyId: string;
  owner: KeyOwner;
  secretHash: string;
  status: 'active' | 'revoked';
  createdAt: string;
  revokedAt?: string;
}

/** An entry as stored: the entry plus what the exchange needs to compare and search it. */
export type StoredEntry<K extends CatalogueKind = CatalogueKind> = CatalogueEntry<K> & {
  /** SHA-256 of the canonical content: an identical PUT keeps the version. */
  contentHash: string;
  /** Normalised words of the entry's texts, for `q`. */
  searchText: string;
};

const HIDDEN_ENTRY_FIELDS = ['contentHash', 'searchText', 'kind'] as const;

/** The entry as the public sees it: without the stored comparison and search fields. */
export function publicEntry<K extends CatalogueKind>(stored: StoredEntry<K>): CatalogueEntry<K> {
  const copy: Record<string, unknown> = { ...stored };
  for (const name of HIDDEN_ENTRY_FIELDS) delete copy[name];
  return copy as CatalogueEntry<K>;
}

export interface CatalogueQuery {
  status: EntryStatus;
  institution?: string;
  /** ISCED-F code: 2-, 3- or 4-digit (a prefix matches the fields under it). */
  field?: string;
  eqfLevel?: number;
  language?: string;
  participation?: string;
  minEcts?: number;
  maxEcts?: number;
  category?: string;
  /** Normalised words that must all occur (as word prefixes) in the entry's texts. */
  words?: string[];
}

export type CredentialStatus = 'active' | 'suspended' | 'revoked';
export type RecipientLookup = { kind: 'email'; emailHash: string } | { kind: 'did'; did: string } | { kind: 'sid'; studentId: string };

export interface CredentialRecord {
  id: string;
  institution: string;
  /** What it was issued for; `composed`: a credential a VC API caller composed (no catalogue entry: `code` empty, `version` 0). */
  achievement: { type: 'component' | 'badge' | 'micro-degree' | 'recognition' | 'composed'; institution: string; code: string; version: number };
  recipient: { name: string; email?: string; did?: string; studentId?: string };
  /** SHA-256 (hex) of the lowercased email, for lookups; the credential itself carries a salted hash. */
  emailHash?: string;
  status: CredentialStatus;
  statusReason?: string;
  statusChangedAt?: string;
  /** Where the credential's status entry points (`message-<n>`), or, for credentials issued before, its two entries (the same index in `revocation-<n>` and `suspension-<n>`). */
  statusListNumber: number;
  statusIndex: number;
  issuedAt: string;
  /** Credentials this one was built from (micro-degrees), by id. */
  builtFrom?: string[];
  /** The signed credential, exactly as issued (member order included). */
  credential: Record<string, unknown>;
}

/** `message`: the one 2-bit list of credentials issued with one status entry; `revocation`/`suspension`: older credentials' two lists. */
export type StatusPurpose = 'revocation' | 'suspension' | 'message';

export interface StatusListRecord {
  institution: string;
  listId: string;
  purpose: StatusPurpose;
  listNumber: number;
  /** The raw bitstring (uncompressed), base64. */
  bits: string;
  /** Grows with every change; guards concurrent updates. */
  revision: number;
  updatedAt: string;
  /** The signed BitstringStatusListCredential for these bits. */
  credential: Record<string, unknown>;
}

export const statusListId = (purpose: StatusPurpose, listNumber: number): string => `${purpose}-${listNumber}`;

/**
 * Indexes a graduation-run chunk reserves at once (one write, instead of a claim per
 * credential): block b holds the indexes b * 128 to b * 128 + 127 of a list.
 */
export const STATUS_BLOCK_SIZE = 128;

/** The block an index lies in. */
export const statusBlockOf = (index: number): number => Math.floor(index / STATUS_BLOCK_SIZE);

/** A stored idempotency key: `pending` while its first request runs, `done` once its result is written. */
export interface IdempotencyRecord {
  key: string;
  requestHash: string;
  /** The id the first request reserved for what it creates. */
  resultId: string;
  state: 'pending' | 'done';
  createdAt: string;
}

/** How long an idempotency key is kept (adapters expire records after it; readers treat older ones as gone). */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

export interface AgreementRecord extends AgreementBody {
  institution: string;
  id: string;
  version: number;
  contentHash: string;
  updatedAt: string;
}

export type ItemOutcome = 'recognised' | 'pending' | 'rejected';

export interface TransferDecision {
  outcome: 'recognised' | 'rejected';
  ects?: number;
  recognisedAs?: string;
  justification: { difference?: string; explanation: string };
  decidedBy: { kind: string; id?: string; keyId?: string };
  decidedAt: string;
  /** Automatic decisions name the agreement rule that made them. */
  rule?: { agreement: string; version: number; partnerComponent: string };
}

export interface TransferItem {
  credentialId: string;
  issuer: string | null;
  component: string | null;
  outcome: ItemOutcome;
  ects: number;
  recognisedAs?: string;
  reason: string;
  appealed?: boolean;
  appeal?: { grounds: string; at: string; by: string };
  /** Every decision and appeal, oldest first: the first decision stays when an appeal reopens the item. */
  history: Array<TransferDecision | { appeal: string; at: string; by: string }>;
  /** What the transfer needs later: the partner component, version and credits as the credential states them. */
  source?: { institution: string; code: string; version: number; ects: number; grade?: string; achievementType?: string; name?: string };
}

export interface TransferRecord {
  id: string;
  institution: string;
  status: 'decided' | 'pending-review';
  student: { name: string; email?: string; did?: string; studentId?: string };
  items: TransferItem[];
  totalEctsRecognised: number;
  submittedBy: { kind: string; id?: string; keyId?: string };
  /** SHA-256 (hex) of the student's tracking token, when the student submitted it. */
  trackingTokenHash?: string;
  /** SHA-256 (hex) of the student's lowercased email, when given: `/my` lists the student's transfers by it. */
  studentEmailHash?: string;
  recognitionCredential?: Record<string, unknown>;
  revision: number;
  createdAt: string;
  updatedAt: string;
}

export interface RecognitionRecord {
  institution: string;
  credentialId: string;
  transferId: string;
  /** The partner component recognised; absent for a credential that is no catalogue component (a badge, say), which a reviewer recognised for ECTS. */
  component?: { institution: string; code: string; version: number };
  recognisedAs?: string;
  ects: number;
  emailHash?: string;
  did?: string;
  at: string;
}

/** A recognition of a partner's catalogue component: what stacks towards micro-degrees. */
export type RecognisedComponentRecord = RecognitionRecord & { component: NonNullable<RecognitionRecord['component']> };

export interface BatchRecord {
  id: string;
  institution: string;
  total: number;
  chunks: number;
  createdAt: string;
  createdBy: Actor;
  requestId?: string;
  /** The Idempotency-Key the run was started with, if any. */
  idempotencyKey?: string;
  /** `false` when the run was started with `"notify": false`: none of its credentials gets a notice. */
  notify?: boolean;
  startedAt?: string;
  finishedAt?: string;
  /**
   * `derived`: each item's credential id is derived from the run and the item's index, and
   * its outcome is committed with the credential (runs started since issue 14). Absent for
   * runs started before, whose items are issued under an Idempotency-Key of their own.
   */
  itemIds?: 'derived';
}

export interface BatchFailure {
  index: number;
  problem: { status: number; title: string; detail: string; errors?: unknown[] };
}

/** The outcomes of one chunk, as last counted. */
export interface ChunkCount {
  chunk: number;
  first: number;
  size: number;
  issued: number;
  failed: number;
  countedAt: string;
}

export interface BatchProgress {
  issued: number;
  failed: number;
  /** Chunks counted so far (a chunk no worker has finished yet has no count). */
  counts: ChunkCount[];
}

/** At most this many items in one chunk (one queue message, one worker invocation). */
export const BATCH_CHUNK_SIZE = 100;
/**
 * At most this many bytes of items (as JSON) in one chunk: DynamoDB takes 400 KB per
 * item, and the marshalled form carries some overhead per attribute over the JSON.
 */
export const BATCH_CHUNK_BYTES = 300 * 1024;

const utf8 = new TextEncoder();

/** The chunk boundaries of `items`: at most BATCH_CHUNK_SIZE items and BATCH_CHUNK_BYTES bytes each. */
export function chunkItems(items: unknown[], maxItems = BATCH_CHUNK_SIZE, maxBytes = BATCH_CHUNK_BYTES): Array<{ first: number; items: unknown[] }> {
  const chunks: Array<{ first: number; items: unknown[] }> = [];
  let current: { first: number; items: unknown[] } | undefined;
  let bytes = 0;
  items.forEach((item, index) => {
    const size = utf8.encode(JSON.stringify(item)).length + 8;
    if (size > maxBytes) throw new RangeError(`item ${index} is ${size} bytes, more than a chunk holds (${maxBytes})`);
    if (!current || current.items.length >= maxItems || bytes + size > maxBytes) {
      current = { first: index, items: [] };
      chunks.push(current);
      bytes = 0;
    }
    current.items.push(item);
    bytes += size;
  });
  return chunks;
}
