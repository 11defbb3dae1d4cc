/**
 * Revocation and suspension through Bitstring Status Lists. Every credential holds one
 * index, drawn at random and never reused, in the institution's current list `message-N`:
 * one `BitstringStatusListEntry` of purpose `message` whose 2-bit value is active, revoked or
 * suspended (Open Badges 3.0 allows one `credentialStatus`). Credentials issued before carry
 * two entries, the same index in `revocation-N` and `suspension-N`; those lists stay served
 * and are changed for them. A change updates whichever lists the credential's entries name.
 * Lists are signed when they are made and again on every change, so serving a list never
 * signs and a change is visible once answered.
 */
import { randomInt } from 'node:crypto';
import {
  encodeList,
  getBit,
  MESSAGE_INDEX_RANGE,
  messageStatusEntry,
  newMessageBitstring,
  readMessageStatus,
  setBit,
  setMessageStatus,
  statusEntriesOf,
  statusListCredential,
  type BitstringStatusListEntry,
} from '@cx/credentials';
import {
  ConflictError,
  institutionDid,
  retry,
  STATUS_BLOCK_SIZE,
  statusListId,
  type Clock,
  type CredentialRecord,
  type CredentialStatus,
  type InstitutionRecord,
  type KeyVault,
  type Persistence,
  type RequestContext,
  type StatusListRecord,
  type StatusPurpose,
} from '@cx/domain';
import { auditEntry } from './audit-entry.js';
import type { DocumentLoader } from '@cx/credentials';
import { signAsInstitution } from './signing.js';

/** Random draws in one list before new credentials move on to the next list. */
const DRAWS_PER_LIST = 8;
/** The blocks of the indexes handed out (the upper half of a list). */
const BLOCK_RANGE = { from: MESSAGE_INDEX_RANGE.from / STATUS_BLOCK_SIZE, to: MESSAGE_INDEX_RANGE.to / STATUS_BLOCK_SIZE } as const;
/**
 * How long a status change keeps trying while other changes of the same list win the race
 * (every credential of an institution shares its list, so a burst of revocations collides).
 * Under the 20 s an HTTP function may run.
 */
const CHANGE_BUDGET_MS = 15_000;

export interface StatusDeps {
  store: Persistence;
  keyVault: KeyVault;
  publicUrl: string;
  documentLoader: DocumentLoader;
  clock: Clock;
}

/** A change that lost the race for its list or record; retried after a fresh read. */
class LostRace extends Error {
  constructor(readonly conflict: ConflictError) {
    super(conflict.message);
  }
}

export interface StatusSlotAllocation {
  listNumber: number;
  index: number;
}

export class StatusService {
  /** Lists known to exist, so issuing does not re-read them (they are never deleted). */
  private readonly knownLists = new Set<string>();
  /**
   * The list each institution allocates in, as this process last read it. A stale number is
   * harmless: an index is unique in whichever list it is claimed, and an older list is
   * left (and the number read again) once its draws fail. Saves a read per issue.
   */
  private readonly currentLists = new Map<string, number>();

  constructor(private readonly deps: StatusDeps) {}

  listUrl(institution: string, listId: string): string {
    return `${this.deps.publicUrl}/status-lists/${institution}/${listId}`;
  }

  /** The one `credentialStatus` entry of a credential holding `slot`: purpose `message`, in `message-N`. */
  entry(institution: string, slot: StatusSlotAllocation): BitstringStatusListEntry {
    return messageStatusEntry({ statusListCredential: this.listUrl(institution, statusListId('message', slot.listNumber)), index: slot.index });
  }

  /** Reserves a random, never used index for a new credential, making the lists if needed. */
  async allocate(institution: InstitutionRecord, credentialId: string): Promise<StatusSlotAllocation> {
    let listNumber = await this.currentList(institution.id);
    const at = this.deps.clock.now().toISOString();
    for (;;) {
      for (let draw = 0; draw < DRAWS_PER_LIST; draw++) {
        const index = randomInt(MESSAGE_INDEX_RANGE.from, MESSAGE_INDEX_RANGE.to);
        if (await this.deps.store.statusLists.claimIndex(institution.id, listNumber, index, credentialId, at)) {
          await this.ensureLists(institution, listNumber);
          return { listNumber, index };
        }
      }
      // the list is (nearly) full: move every issuer on to the next one
      listNumber = await this.advance(institution.id, listNumber);
    }
  }

  private async currentList(institution: string): Promise<number> {
    const known = this.currentLists.get(institution);
    if (known !== undefined) return known;
    const read = await this.deps.store.statusLists.currentListNumber(institution);
    this.currentLists.set(institution, read);
    return read;
  }

  /** Moves allocations on from list `from` (unless another process did) and answers the list to use now. */
  private async advance(institution: string, from: number): Promise<number> {
    await this.deps.store.statusLists.advance(institution, from);
    const read = await this.deps.store.statusLists.currentListNumber(institution);
    this.currentLists.set(institution, read);
    return read;
  }

  /**
   * Reserves `count` random, never used indexes at once for the items of a graduation-run
   * chunk: one write per block of 128 instead of one claim per credential. A block is drawn at
   * random among the list's upper half, and its free indexes are handed out in random order,
   * so an index still tells nothing of when or in which order a credential was issued, nor
   * how many an institution issued; what it does tell is that credentials in one block came
   * from one chunk (the herd of 131,072 indexes a list shares is unchanged). Answers the slots
   * in the order they are to be used.
   */
  async allocateMany(institution: InstitutionRecord, count: number, owner: string): Promise<StatusSlotAllocation[]> {
    const slots: StatusSlotAllocation[] = [];
    let listNumber = await this.currentList(institution.id);
    const at = this.deps.clock.now().toISOString();
    while (slots.length < count) {
      let reserved: number[] | undefined;
      for (let draw = 0; draw < DRAWS_PER_LIST && !reserved; draw++) {
        reserved = await this.deps.store.statusLists.reserveBlock(institution.id, listNumber, randomInt(BLOCK_RANGE.from, BLOCK_RANGE.to), owner, at);
      }
      if (!reserved) {
        // the list's blocks are (nearly) all taken: move every issuer on to the next list
        listNumber = await this.advance(institution.id, listNumber);
        continue;
      }
      await this.ensureLists(institution, listNumber);
      slots.push(...shuffled(reserved).map((index) => ({ listNumber, index })));
    }
    return slots.slice(0, count);
  }

  /** Makes the signed, all-active `message` list of `listNumber` if it does not exist. */
  async ensureLists(institution: InstitutionRecord, listNumber: number): Promise<void> {
    const listId = statusListId('message', listNumber);
    const cacheKey = `${institution.id}/${listId}`;
    if (this.knownLists.has(cacheKey)) return;
    if (!(await this.deps.store.statusLists.get(institution.id, listId, true))) {
      await this.deps.store.statusLists.create(await this.signedList(institution, 'message', listNumber, newMessageBitstring(), 1));
    }
    this.knownLists.add(cacheKey);
  }

  /**
   * Changes a credential's status: revocation is final (409 for any other status afterwards),
   * suspension can be lifted. Asking for the status the credential already has is a success
   * that writes nothing, so a client that lost the answer can retry. The list bits, the
   * re-signed lists, the credential record and the audit record are written in one transaction.
   */
  async change(
    institution: InstitutionRecord,
    credential: CredentialRecord,
    to: CredentialStatus,
    reason: string,
    ctx: RequestContext,
  ): Promise<CredentialRecord> {
    let current = credential;
    try {
      return await retry(
        async (attempt) => {
          if (attempt > 0) {
            // read again what the winner wrote (or what this change wrote, if its answer was lost)
            const fresh = await this.deps.store.credentials.get(institution.id, current.id, true);
            if (!fresh) throw new Error(`credential ${current.id} of ${institution.id} disappeared`);
            current = fresh;
          }
          if (current.status === to) return current;
          if (current.status === 'revoked') throw new ConflictError(`credential ${current.id} is revoked; revocation is final`);
          try {
            return await this.write(institution, current, to, reason, ctx);
          } catch (error) {
            if (error instanceof ConflictError) throw new LostRace(error);
            throw error;
          }
        },
        // another change of the same list (or of this credential) won the race: wait a random
        // while (full jitter, growing to 1 s) so the contenders spread out, read again, retry
        { retryable: (error) => error instanceof LostRace, budgetMs: CHANGE_BUDGET_MS, baseDelayMs: 25, maxDelayMs: 1000 },
      );
    } catch (error) {
      throw error instanceof LostRace ? error.conflict : error;
    }
  }

  /** One attempt: the new lists, guarded by the revisions read, and the record, guarded by its status. */
  private async write(
    institution: InstitutionRecord,
    current: CredentialRecord,
    to: CredentialStatus,
    reason: string,
    ctx: RequestContext,
  ): Promise<CredentialRecord> {
    const now = this.deps.clock.now();
    const lists: Array<{ next: StatusListRecord; revision: number }> = [];
    for (const purpose of entryPurposes(current)) {
      const listId = statusListId(purpose, current.statusListNumber);
      const list = await this.deps.store.statusLists.get(institution.id, listId, true);
      if (!list) throw new Error(`status list ${listId} of ${institution.id} is missing`);
      const bits = new Uint8Array(Buffer.from(list.bits, 'base64'));
      if (!writeStatus(bits, purpose, current.statusIndex, to)) continue;
      lists.push({ next: await this.signedList(institution, purpose, current.statusListNumber, bits, list.revision + 1, now), revision: list.revision });
    }
    await this.deps.store.commit([
      ...lists.map(({ next, revision }) => this.deps.store.statusLists.put(next, revision)),
      this.deps.store.credentials.setStatus(institution.id, current.id, current.status, to, reason, now.toISOString()),
      this.deps.store.audit.entry(
        auditEntry(ctx, {
          at: now.toISOString(),
          actingFor: institution,
          action: `credential.${to === 'active' ? 'reinstate' : to === 'revoked' ? 'revoke' : 'suspend'}`,
          institution: institution.id,
          target: `institutions/${institution.id}/credentials/${current.id}`,
          details: { from: current.status, to, reason },
        }),
      ),
    ]);
    return { ...current, status: to, statusReason: reason, statusChangedAt: now.toISOString() };
  }

  private async signedList(
    institution: InstitutionRecord,
    purpose: StatusPurpose,
    listNumber: number,
    bits: Uint8Array,
    revision: number,
    now: Date = this.deps.clock.now(),
  ): Promise<StatusListRecord> {
    const listId = statusListId(purpose, listNumber);
    const unsigned = statusListCredential({
      id: this.listUrl(institution.id, listId),
      issuer: institutionDid(this.deps.publicUrl, institution.id),
      statusPurpose: purpose,
      encodedList: encodeList(bits),
      validFrom: now,
    });
    const credential = await signAsInstitution(this.deps, institution, unsigned, now);
    return {
      institution: institution.id,
      listId,
      purpose,
      listNumber,
      bits: Buffer.from(bits).toString('base64'),
      revision,
      updatedAt: now.toISOString(),
      credential: credential as unknown as Record<string, unknown>,
    };
  }
}

/** A copy of `values` in random order (Fisher-Yates with crypto randomness). */
function shuffled<T>(values: T[]): T[] {
  const copy = [...values];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = randomInt(0, i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/**
 * The purposes of the status entries the credential was issued with: `message` for credentials
 * issued with one entry, `revocation` and `suspension` for older ones (read from the signed
 * credential itself, so every credential keeps the lists it names).
 */
function entryPurposes(record: CredentialRecord): StatusPurpose[] {
  const purposes = new Set<StatusPurpose>();
  for (const entry of statusEntriesOf(record.credential)) {
    if (entry?.statusPurpose === 'message' || entry?.statusPurpose === 'revocation' || entry?.statusPurpose === 'suspension') purposes.add(entry.statusPurpose);
  }
  return [...purposes];
}

/** Writes status `to` for `index` into a list of `purpose`, in place; false when the list already says so. */
function writeStatus(bits: Uint8Array, purpose: StatusPurpose, index: number, to: CredentialStatus): boolean {
  if (purpose === 'message') {
    if (readMessageStatus(bits, index) === to) return false;
    setMessageStatus(bits, index, to);
    return true;
  }
  const wanted = purpose === 'revocation' ? to === 'revoked' : to === 'suspended';
  if (getBit(bits, index) === wanted) return false;
  setBit(bits, index, wanted);
  return true;
}
