/**
 * Idempotency keys as their own component, after Powertools' idempotency utility: a key's
 * record is in one of three explicit states, and what a caller may do follows from it.
 *
 * - **in progress**: the first request with the key holds it and is at work; a retry waits
 *   for its result, or takes the key over once the holder's lease has run out.
 * - **completed**: the result was written (in the same transaction as the key's completion);
 *   a retry with the same body gets that result.
 * - **expired**: the record is older than {@link IDEMPOTENCY_TTL_SECONDS}; it binds no one
 *   any more, even while the adapter has not deleted it yet.
 *
 * The same key with another body is an {@link IdempotencyKeyReusedError} (422).
 */
import {
  ConflictError,
  IDEMPOTENCY_TTL_SECONDS,
  UnprocessableError,
  type Change,
  type Clock,
  type IdempotencyRecord,
  type Persistence,
} from '@cx/domain';

export type IdempotencyState = 'in-progress' | 'completed' | 'expired';

/** The key was used before with a different request body (Powertools' IdempotencyValidationError). */
export class IdempotencyKeyReusedError extends UnprocessableError {
  constructor(options?: { cause?: unknown }) {
    super('this Idempotency-Key was used with a different request body', {}, options);
  }
}

/** The key's first request is still at work (Powertools' IdempotencyAlreadyInProgressError); the client retries shortly. */
export class IdempotencyInProgressError extends ConflictError {
  constructor(options?: { cause?: unknown }) {
    super('a request with this Idempotency-Key is still being processed; retry shortly', {}, options);
  }
}

/** What claiming a key found: this call holds it now, or someone's record already does. */
export type Claim =
  | { held: true; resultId: string; claimedAt: string }
  | { held: false; record: IdempotencyRecord; state: IdempotencyState };

/** The state of a stored record at `now`. */
export function idempotencyState(record: IdempotencyRecord, now: Date): IdempotencyState {
  if (now.getTime() - Date.parse(record.createdAt) > IDEMPOTENCY_TTL_SECONDS * 1000) return 'expired';
  return record.state === 'done' ? 'completed' : 'in-progress';
}

/**
 * Idempotency keys of one kind of request (issuing, starting a run), scoped per institution.
 *
 * @example
 * const claim = await idempotency.claim(institution, key, contentHash(body), newId);
 * if (claim.held) await persistence.commit([...changes, idempotency.complete(institution, key)]);
 */
export class Idempotency {
  constructor(private readonly deps: { store: Persistence; clock: Clock }) {}

  /**
   * Claims `key` for a request with `requestHash`, reserving `resultId` for what it makes.
   * Throws IdempotencyKeyReusedError when a binding record has another hash.
   */
  async claim(scope: string, key: string, requestHash: string, resultId: string): Promise<Claim> {
    const claimedAt = this.deps.clock.now().toISOString();
    const record = await this.deps.store.idempotency.claim(scope, { key, requestHash, resultId, state: 'pending', createdAt: claimedAt });
    if (!record) return { held: true, resultId, claimedAt };
    const state = idempotencyState(record, this.deps.clock.now());
    if (state !== 'expired' && record.requestHash !== requestHash) throw new IdempotencyKeyReusedError();
    return { held: false, record, state };
  }

  /** Whether an in-progress claim's holder has had longer than `leaseMs` and is presumed dead. */
  leaseRunOut(record: IdempotencyRecord, leaseMs: number): boolean {
    return record.state === 'pending' && this.deps.clock.now().getTime() - Date.parse(record.createdAt) > leaseMs;
  }

  /** Takes over the in-progress claim `record` (keeping its result id); undefined when someone else changed it first. */
  async takeOver(scope: string, record: IdempotencyRecord): Promise<Extract<Claim, { held: true }> | undefined> {
    const claimedAt = this.deps.clock.now().toISOString();
    const taken = await this.deps.store.idempotency.takeOver(scope, record.key, record.createdAt, claimedAt);
    return taken ? { held: true, resultId: record.resultId, claimedAt } : undefined;
  }

  /** Marks a held key completed; commit it with what the request produced. */
  complete(scope: string, key: string): Change {
    return this.deps.store.idempotency.complete(scope, key);
  }

  /** Gives up the claim made at `claimedAt` after a failure, so a retry can start over. */
  release(scope: string, key: string, claimedAt: string): Promise<void> {
    return this.deps.store.idempotency.release(scope, key, claimedAt);
  }
}
