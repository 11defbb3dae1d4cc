/**
 * The persistence port: one repository per aggregate and a unit of work for what must be
 * atomic. Core depends on these interfaces only. `packages/store` implements them on
 * DynamoDB; `@cx/memory-store` implements them in memory for unit tests; one contract
 * suite (`@cx/memory-store/contract`, packages/memory-store/src/contract.ts) runs against both, so they cannot drift.
 *
 * Writes that must happen together are described as {@link Change}s (a repository method
 * returns one without writing) and written by {@link Persistence.commit}: all or none.
 */
import type { AuditRecord } from '../audit.js';
import type { CatalogueKind, EntryRef } from '../catalogue.js';
import type { Page } from '../common.js';
import type { DomainError } from '../errors.js';
import type { InstitutionRecord } from '../institution.js';
import type {
  AgreementRecord,
  ApiKeyRecord,
  BatchFailure,
  BatchProgress,
  BatchRecord,
  CatalogueQuery,
  ChunkCount,
  CredentialRecord,
  CredentialStatus,
  IdempotencyRecord,
  KeyOwner,
  RecipientLookup,
  RecognisedComponentRecord,
  RecognitionRecord,
  StatusListRecord,
  StoredEntry,
  StoredInstitution,
  TransferRecord,
} from './records.js';
import type { CopyRecord, GrantKind, GrantOf, GrantRecord } from './wallet-records.js';
import type { ClaimRecord, DeliveryRecord, NoticeRecord, NoticeState, SessionRecord, ShareRecord, SignInRecord } from './delivery-records.js';

/**
 * One conditional write, described but not yet done. Opaque to core: only the persistence
 * whose repository made it can commit it. `entity` names what it writes (for messages).
 */
export interface Change {
  readonly entity: string;
}

/** Maps the index of the change whose condition failed to the error to throw (undefined: a ConflictError). */
export type OnConflict = (index: number) => DomainError | undefined;

export interface InstitutionRepository {
  get(id: string, consistent?: boolean): Promise<StoredInstitution | undefined>;
  /** The member list, in id order. */
  list(limit: number, cursor?: string): Promise<Page<StoredInstitution>>;
  /** Stores a new institution together with `alongside`, or nothing (ConflictError when the id exists). */
  create(record: InstitutionRecord, alongside: Change[]): Promise<StoredInstitution>;
  /** Replaces an institution read at `current.revision` (ConflictError when it changed since). */
  update(current: StoredInstitution, next: InstitutionRecord, alongside: Change[]): Promise<StoredInstitution>;
}

export interface ApiKeyRepository {
  /** Stores a new key (fails when the id exists). */
  create(record: Omit<ApiKeyRecord, 'status'>): Change;
  /** Strongly consistent, so a revoked key stops working at once. */
  get(keyId: string): Promise<ApiKeyRecord | undefined>;
  /** The owner's keys, without their secret hashes, in key-id order. */
  list(owner: KeyOwner, limit: number, cursor?: string): Promise<Page<Omit<ApiKeyRecord, 'secretHash'>>>;
  /** The ids of every key of `owner` that still works (may miss a key made a moment ago). */
  activeIds(owner: KeyOwner): Promise<string[]>;
  /** Revokes a key of `owner`; its condition fails when the key is not theirs or already revoked. */
  revoke(owner: KeyOwner, keyId: string, at: string): Change;
}

export interface AuditRepository {
  /** Records `entry` (an id is made when absent); commit it with the change it describes. */
  entry(entry: Omit<AuditRecord, 'id'> & { id?: string }): Change;
  /** Newest first; all records, or those of one institution. */
  list(filter: { institution?: string }, limit: number, cursor?: string): Promise<Page<AuditRecord>>;
}

export interface SettingsRepository {
  get<T>(name: string): Promise<T | undefined>;
  /** Sets a value only if it was never set: true when this call set it. */
  setOnce(name: string, value: unknown): Promise<boolean>;
}

export interface CatalogueRepository {
  head<K extends CatalogueKind>(kind: K, institution: string, code: string, consistent?: boolean): Promise<StoredEntry<K> | undefined>;
  version<K extends CatalogueKind>(kind: K, institution: string, code: string, version: number): Promise<StoredEntry<K> | undefined>;
  /** Heads of several entries at once, keyed `institution/code`. */
  heads<K extends CatalogueKind>(kind: K, refs: EntryRef[], consistent?: boolean): Promise<Map<string, StoredEntry<K>>>;
  /**
   * Writes the head of an entry (and its version when the version is new) together with
   * `alongside`, conditional on the head being `previous` (ConflictError otherwise).
   */
  write<K extends CatalogueKind>(kind: K, next: StoredEntry<K>, previous: StoredEntry<K> | undefined, alongside: Change[]): Promise<void>;
  /** Records "component counts towards degree" for `added`, and forgets it for `removed`. */
  degreeRefs(degree: EntryRef, added: EntryRef[], removed: EntryRef[]): Change[];
  /** Micro-degrees a component is listed in, by reference (status filtered by the caller). */
  degreesListing(component: EntryRef, limit: number, cursor?: string): Promise<Page<EntryRef>>;
  /** One page of a search; a page may hold fewer than `limit` entries and still have a next cursor. */
  search<K extends CatalogueKind>(kind: K, query: CatalogueQuery, limit: number, cursor?: string): Promise<Page<StoredEntry<K>>>;
}

export interface CredentialRepository {
  /** Stores a new credential (fails when the id exists). */
  create(record: CredentialRecord): Change;
  /**
   * What issuing a credential for a catalogue entry reads first, in one request (strongly
   * consistent): the issuing institution and the head of the entry.
   */
  issuingBasis<K extends CatalogueKind>(institution: string, kind: K, code: string): Promise<{ institution?: StoredInstitution; head?: StoredEntry<K> }>;
  get(institution: string, id: string, consistent?: boolean): Promise<CredentialRecord | undefined>;
  /** A recipient's credentials at an institution, newest first. */
  listByRecipient(institution: string, lookup: RecipientLookup, limit: number, cursor?: string): Promise<Page<CredentialRecord>>;
  /** Every credential of a recipient at an institution (micro-degree requirements). */
  allForRecipient(institution: string, lookup: RecipientLookup): Promise<CredentialRecord[]>;
  /** Changes a credential's status, conditional on the status the caller read. */
  setStatus(institution: string, id: string, from: CredentialStatus, to: CredentialStatus, reason: string, at: string): Change;
}

export interface StatusListRepository {
  /** The list new credentials get their index in (1 until the first list fills). */
  currentListNumber(institution: string): Promise<number>;
  /** Moves new allocations to the next list, unless another request already did. */
  advance(institution: string, from: number): Promise<void>;
  /** Claims one index of a list for a credential; false when it was taken, alone or as part of a reserved block. */
  claimIndex(institution: string, listNumber: number, index: number, credentialId: string, at: string): Promise<boolean>;
  /**
   * Reserves block `block` of a list (the STATUS_BLOCK_SIZE indexes from
   * `block * STATUS_BLOCK_SIZE`) for `owner` with one write: no index of it can be claimed
   * afterwards. Answers the indexes of the block that no credential claimed alone before, or
   * undefined when the block was reserved already.
   */
  reserveBlock(institution: string, listNumber: number, block: number, owner: string, at: string): Promise<number[] | undefined>;
  get(institution: string, listId: string, consistent?: boolean): Promise<StatusListRecord | undefined>;
  /** Stores a list for the first time; false if another request stored it first. */
  create(record: StatusListRecord): Promise<boolean>;
  /** Replaces a list read at `previousRevision` (undefined: the list must not exist yet). */
  put(record: StatusListRecord, previousRevision: number | undefined): Change;
}

export interface IdempotencyRepository {
  /**
   * Claims the key; undefined when this call claimed it, else the existing record. A claim
   * of the same record written by an attempt whose answer was lost counts as this call's.
   */
  claim(scope: string, record: IdempotencyRecord): Promise<IdempotencyRecord | undefined>;
  /** Takes over a pending claim read at `readCreatedAt` (its `createdAt` becomes `at`); false when it changed since. */
  takeOver(scope: string, key: string, readCreatedAt: string, at: string): Promise<boolean>;
  /** Closes a key for good unless it completed: undefined when closed, else the completed record. */
  fence(scope: string, key: string, at: string): Promise<IdempotencyRecord | undefined>;
  get(scope: string, key: string): Promise<IdempotencyRecord | undefined>;
  /** Marks a pending claim done; commit it with what the request produced. */
  complete(scope: string, key: string): Change;
  /** Gives a pending claim up (only the one made at `claimedAt`, when given), so a retry can start over. */
  release(scope: string, key: string, claimedAt?: string): Promise<void>;
}

export interface AgreementRepository {
  get(institution: string, id: string, consistent?: boolean): Promise<AgreementRecord | undefined>;
  /** Writes an agreement (and its version when new) with `alongside`, conditional on `previous` (ConflictError otherwise). */
  write(next: AgreementRecord, previous: AgreementRecord | undefined, alongside: Change[]): Promise<void>;
  /** Agreements of an institution, with a partner, both, or all. */
  list(filter: { institution?: string; partner?: string }, limit: number, cursor?: string): Promise<Page<AgreementRecord>>;
  /** Every agreement `institution` has with `partner`. */
  between(institution: string, partner: string): Promise<AgreementRecord[]>;
}

export interface TransferRepository {
  get(id: string, consistent?: boolean): Promise<TransferRecord | undefined>;
  /** Puts the whole transfer, conditional on the revision the caller read (none for a new one). */
  put(record: TransferRecord, previousRevision?: number): Change;
  /** An institution's transfers, newest first, optionally of one status. */
  list(institution: string, status: string | undefined, limit: number, cursor?: string): Promise<Page<TransferRecord>>;
  recognition(institution: string, credentialId: string): Promise<RecognitionRecord | undefined>;
  /** Records a recognition; its condition makes a credential count once per institution. */
  recognise(record: RecognitionRecord): Change;
  /** Components recognised for a student at an institution (micro-degree stacking). */
  recognitionsOf(institution: string, student: { email?: string; emailHash?: string; did?: string }): Promise<RecognisedComponentRecord[]>;
  /** Counts one request of `client` in the current fixed window; false once it is over `limit`. */
  withinRate(scope: string, client: string, limit: number, windowSeconds: number, now: Date): Promise<boolean>;
  /**
   * A student's transfers across the consortium, newest first, by the SHA-256 of their
   * lowercased email (transfers whose `student.email` was given).
   */
  listByStudent(emailHash: string, limit: number, cursor?: string): Promise<Page<TransferRecord>>;
}

export interface DeliveryRepository {
  /** Records a credential's delivery and its first claim link; commit them with the credential. */
  create(delivery: DeliveryRecord): Change[];
  get(institution: string, credentialId: string, consistent?: boolean): Promise<DeliveryRecord | undefined>;
  /** The claim link a token hash names, whether or not it is still the delivery's current one. */
  claim(tokenHash: string): Promise<ClaimRecord | undefined>;
  /**
   * Moves a delivery read at `current.revision` to a new claim link (earlier links stop
   * working, as the delivery no longer names them); ConflictError when it changed since.
   */
  replaceClaim(current: DeliveryRecord, next: { claimTokenHash: string; claimExpiresAt: string; lastNoticeId?: string; at: string }): Change[];
  /** Every delivery to an address, across the consortium, newest first. */
  heldBy(emailHash: string, limit: number, cursor?: string): Promise<Page<DeliveryRecord>>;
}

export interface NoticeRepository {
  /** Stores a new notice (fails when the id exists); commit it with what it announces. */
  create(record: NoticeRecord): Change;
  get(id: string, consistent?: boolean): Promise<NoticeRecord | undefined>;
  /**
   * Moves a notice from one of `from` to `to`, setting `fields` (and dropping `claimedAt`
   * unless given): the updated record, or undefined when its state was none of `from` (or
   * it does not exist). The one state machine of notices: claim (`queued` -> `sending`),
   * sent, failed, bounced, complained, superseded. With `claimedAt`, only a notice taken at
   * exactly that time moves: of two senders taking over the same stale `sending` notice, one does.
   */
  transition(
    id: string,
    from: NoticeState[],
    to: NoticeState,
    fields: Partial<Pick<NoticeRecord, 'claimedAt' | 'sentAt' | 'providerMessageId' | 'eventAt' | 'failure'>>,
    claimedAt?: string,
  ): Promise<NoticeRecord | undefined>;
  /** Notices still `queued` that were created before `before`, oldest first (the sweep). */
  queuedBefore(before: string, limit: number): Promise<NoticeRecord[]>;
  /** A credential's notices, newest first. */
  ofCredential(institution: string, credentialId: string, limit: number, cursor?: string): Promise<Page<NoticeRecord>>;
}

export interface ShareRepository {
  create(record: ShareRecord): Change;
  get(id: string, consistent?: boolean): Promise<ShareRecord | undefined>;
  /** Withdraws a share of `emailHash`'s; its condition fails when the share is another's or already withdrawn. */
  withdraw(id: string, emailHash: string, at: string): Change;
  /** An address's shares (withdrawn ones included), newest first. */
  listBy(emailHash: string, limit: number, cursor?: string): Promise<Page<ShareRecord>>;
}

export interface SessionRepository {
  createSignIn(record: SignInRecord): Promise<void>;
  /** Uses a sign-in link once: its record when this call used it, undefined when unknown or used already (expiry is the caller's check). */
  consumeSignIn(tokenHash: string): Promise<SignInRecord | undefined>;
  create(record: SessionRecord): Promise<void>;
  get(idHash: string): Promise<SessionRecord | undefined>;
  end(idHash: string): Promise<void>;
  /** Ends every session of an address; how many there were. */
  endAll(emailHash: string): Promise<number>;
}

export interface BatchRepository {
  /** Stores the items in chunks, then the head; repeating it with the same id keeps the first head. */
  create(batch: Omit<BatchRecord, 'chunks'>, items: unknown[]): Promise<BatchRecord>;
  /** Notes when the first worker started. */
  started(institution: string, id: string, at: string): Promise<void>;
  /** Takes a finished batch out of the open ones (idempotent). */
  close(institution: string, id: string, at: string): Promise<void>;
  /** Batches not yet finished, oldest first. */
  open(): Promise<BatchRecord[]>;
  get(institution: string, id: string): Promise<BatchRecord | undefined>;
  chunk(institution: string, id: string, n: number): Promise<{ first: number; items: unknown[] } | undefined>;
  /**
   * The item's outcome "issued as `credentialId`", to commit with the credential itself; the
   * commit fails on these changes when the item has an outcome already (issued or failed).
   */
  issued(institution: string, id: string, index: number, credentialId: string): Change[];
  /** Records an item's outcome once (never both issued and failed); false when it already has one. */
  record(institution: string, id: string, index: number, outcome: { credentialId: string } | BatchFailure): Promise<boolean>;
  /** The indexes in [first, first + size) that have an outcome. */
  recordedIn(institution: string, id: string, first: number, size: number): Promise<Set<number>>;
  /** Recounts a chunk's outcomes and stores the count; counts only grow. */
  count(institution: string, id: string, chunk: number, first: number, size: number, at: string): Promise<ChunkCount>;
  /** The run's outcomes so far: the sum of its chunks' counts. */
  progress(institution: string, id: string): Promise<BatchProgress>;
  /** One page of the run's failures, by item index. */
  failures(institution: string, id: string, limit: number, cursor?: string): Promise<Page<BatchFailure>>;
}

export interface GrantRepository {
  /** Stores a new grant (fails when its hash exists). */
  create(record: GrantRecord): Change;
  get<K extends GrantKind>(kind: K, hash: string): Promise<GrantOf<K> | undefined>;
  /** Uses a grant once: its record when this call removed it, undefined when unknown or used already (expiry is the caller's check). */
  consume<K extends GrantKind>(kind: K, hash: string): Promise<GrantOf<K> | undefined>;
}

export interface CopyRepository {
  /** Records a holder copy (fails when its id exists); commit it with its audit entry. */
  create(record: CopyRecord): Change;
  /** The copies of one credential, newest first. */
  ofCredential(institution: string, originalId: string, limit: number, cursor?: string): Promise<Page<CopyRecord>>;
}

/** Everything the exchange keeps, and the unit of work that writes changes together. */
export interface Persistence {
  readonly institutions: InstitutionRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly audit: AuditRepository;
  readonly settings: SettingsRepository;
  readonly catalogue: CatalogueRepository;
  readonly credentials: CredentialRepository;
  readonly statusLists: StatusListRepository;
  readonly idempotency: IdempotencyRepository;
  readonly batches: BatchRepository;
  readonly agreements: AgreementRepository;
  readonly transfers: TransferRepository;
  readonly deliveries: DeliveryRepository;
  readonly notices: NoticeRepository;
  readonly shares: ShareRepository;
  readonly sessions: SessionRepository;
  readonly grants: GrantRepository;
  readonly copies: CopyRepository;
  /**
   * Writes every change or none. When a change's condition fails, throws what `onConflict`
   * names for its index, else a ConflictError. Conflicts with concurrent transactions are
   * retried by the adapter; what still fails is a RateLimitedError or DependencyError.
   */
  commit(changes: Change[], onConflict?: OnConflict): Promise<void>;
}
