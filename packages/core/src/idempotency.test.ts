import { ConflictError, IDEMPOTENCY_TTL_SECONDS, UnprocessableError, type Clock, type IdempotencyRecord } from '@cx/domain';
import { MemoryPersistence } from '@cx/memory-store';
import { beforeEach, describe, expect, it } from 'vitest';
import { Idempotency, IdempotencyInProgressError, IdempotencyKeyReusedError, idempotencyState } from './idempotency.js';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
let nowMs = T0;
const clock: Clock = { now: () => new Date(nowMs) };
let persistence: MemoryPersistence;
let idempotency: Idempotency;

beforeEach(() => {
  nowMs = T0;
  persistence = new MemoryPersistence();
  idempotency = new Idempotency({ store: persistence, clock });
});

const record = (overrides: Partial<IdempotencyRecord> = {}): IdempotencyRecord => ({
  key: 'k1',
  requestHash: 'h1',
  resultId: 'r1',
  state: 'pending',
  createdAt: new Date(T0).toISOString(),
  ...overrides,
});

describe('idempotencyState', () => {
  it('calls a pending record in progress', () => {
    expect(idempotencyState(record(), new Date(T0))).toBe('in-progress');
  });

  it('calls a done record completed', () => {
    expect(idempotencyState(record({ state: 'done' }), new Date(T0))).toBe('completed');
  });

  it('calls a record older than the time to live expired, though it is still stored', () => {
    expect(idempotencyState(record({ state: 'done' }), new Date(T0 + IDEMPOTENCY_TTL_SECONDS * 1000 + 1))).toBe('expired');
  });
});

describe('Idempotency.claim', () => {
  it('holds a key nobody used, with the result id it reserved', async () => {
    const claim = await idempotency.claim('uni-a', 'k1', 'h1', 'r1');

    expect(claim).toEqual({ held: true, resultId: 'r1', claimedAt: new Date(T0).toISOString() });
  });

  it('answers the first claim in progress to a second with the same body', async () => {
    await idempotency.claim('uni-a', 'k1', 'h1', 'r1');

    const claim = await idempotency.claim('uni-a', 'k1', 'h1', 'r2');

    expect(claim).toMatchObject({ held: false, state: 'in-progress', record: { resultId: 'r1' } });
  });

  it('answers a completed claim once its completion is committed', async () => {
    await idempotency.claim('uni-a', 'k1', 'h1', 'r1');
    await persistence.commit([idempotency.complete('uni-a', 'k1')]);

    const claim = await idempotency.claim('uni-a', 'k1', 'h1', 'r2');

    expect(claim).toMatchObject({ held: false, state: 'completed', record: { resultId: 'r1' } });
  });

  it('refuses the key with another body as reused, a 422', async () => {
    await idempotency.claim('uni-a', 'k1', 'h1', 'r1');

    const error = await idempotency.claim('uni-a', 'k1', 'h2', 'r2').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(IdempotencyKeyReusedError);
    expect(error).toBeInstanceOf(UnprocessableError);
    expect((error as Error).message).toBe('this Idempotency-Key was used with a different request body');
  });

  it('lets an expired key be used with another body', async () => {
    await idempotency.claim('uni-a', 'k1', 'h1', 'r1');
    nowMs = T0 + IDEMPOTENCY_TTL_SECONDS * 1000 + 1;

    const claim = await idempotency.claim('uni-a', 'k1', 'h2', 'r2');

    expect(claim).toMatchObject({ held: false, state: 'expired' });
  });

  it('keeps keys of different scopes apart', async () => {
    await idempotency.claim('uni-a', 'k1', 'h1', 'r1');

    expect(await idempotency.claim('uni-b', 'k1', 'h2', 'r2')).toMatchObject({ held: true });
  });
});

describe('Idempotency.takeOver', () => {
  it('hands an in-progress claim past its lease to the caller, keeping its result id', async () => {
    await idempotency.claim('uni-a', 'k1', 'h1', 'r1');
    nowMs = T0 + 61_000;
    const found = await idempotency.claim('uni-a', 'k1', 'h1', 'r2');
    if (found.held) throw new Error('expected the first claim');

    expect(idempotency.leaseRunOut(found.record, 60_000)).toBe(true);
    expect(await idempotency.takeOver('uni-a', found.record)).toEqual({ held: true, resultId: 'r1', claimedAt: new Date(nowMs).toISOString() });
  });

  it('gives the claim to one of two callers taking it over at once', async () => {
    await idempotency.claim('uni-a', 'k1', 'h1', 'r1');
    const found = await idempotency.claim('uni-a', 'k1', 'h1', 'r2');
    if (found.held) throw new Error('expected the first claim');
    nowMs += 1;

    const [first, second] = await Promise.all([idempotency.takeOver('uni-a', found.record), idempotency.takeOver('uni-a', found.record)]);

    expect([first, second].filter(Boolean)).toHaveLength(1);
  });
});

describe('IdempotencyInProgressError', () => {
  it('is a conflict with the message clients see today, keeping its cause', () => {
    const cause = new Error('still pending');
    const error = new IdempotencyInProgressError({ cause });

    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe('a request with this Idempotency-Key is still being processed; retry shortly');
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('IdempotencyInProgressError');
  });
});
