/**
 * Member records as verification reads them, kept per instance for a few seconds: every
 * verification needs its issuer's record (the DID document its proof is checked against, and
 * the member check), and reading it costs a DynamoDB call on every request otherwise.
 *
 * What the few seconds can and cannot hide (the README's semantics kept):
 * - a credential's revocation or suspension: nothing, status lists are never read from here;
 * - a key rotation: nothing, a key a proof names that the kept record lacks makes a fresh read
 *   at once (so a credential signed with the new key verifies on the very next request);
 * - a member just onboarded: nothing, an unknown member is never kept;
 * - a member's suspension or reinstatement: for at most {@link MEMBER_RECORD_TTL_MS} on an
 *   instance that read the record before, the verification reports the member's previous
 *   status (`issuer.status` and the "currently suspended" warning). Suspension never decides
 *   whether a credential verifies (its earlier credentials stay valid), so no verdict changes;
 *   likewise a retired key may still be listed under `authentication` for that long.
 */
import type { Persistence, StoredInstitution } from '@cx/domain';

/** How long a member record read by verification is used again on this instance. */
export const MEMBER_RECORD_TTL_MS = 5_000;

/** Most members kept at once (a consortium of a few hundred fits). */
export const MEMBER_RECORD_CAPACITY = 1_000;

export interface MemberRecordsOptions {
  ttlMs?: number;
  capacity?: number;
  /** Milliseconds from a monotonic clock: real time passing, whatever the domain clock says. */
  now?: () => number;
}

/** Whether the record lists the key `keyId` (a DID URL's fragment, `key-2`). */
export function hasKey(record: StoredInstitution, keyId: string): boolean {
  return record.keys.some((key) => key.id === keyId);
}

export class MemberRecords {
  private readonly kept = new Map<string, { record: StoredInstitution; at: number }>();
  private readonly ttlMs: number;
  private readonly capacity: number;
  private readonly now: () => number;

  constructor(
    private readonly store: Persistence,
    options: MemberRecordsOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? MEMBER_RECORD_TTL_MS;
    this.capacity = options.capacity ?? MEMBER_RECORD_CAPACITY;
    this.now = options.now ?? (() => performance.now());
  }

  /**
   * The member `id`: kept from a read less than the TTL ago, unless it lacks `keyId`; read
   * from the table otherwise (and kept, when it exists).
   */
  async get(id: string, keyId?: string): Promise<StoredInstitution | undefined> {
    const kept = this.kept.get(id);
    if (kept && this.now() - kept.at < this.ttlMs && (keyId === undefined || hasKey(kept.record, keyId))) return kept.record;
    const at = this.now();
    const record = await this.store.institutions.get(id);
    this.kept.delete(id);
    if (record) {
      this.kept.set(id, { record, at });
      while (this.kept.size > this.capacity) this.kept.delete(this.kept.keys().next().value!);
    }
    return record;
  }
}
