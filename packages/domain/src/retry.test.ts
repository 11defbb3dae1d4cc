/** The one retry helper, on a fake clock: full jitter, attempt and time budgets, and what is not retried. */
import { describe, expect, it } from 'vitest';
import { backoffDelay, retry } from './retry.js';

/** A clock that moves only when the code under test sleeps. */
function fakeTime() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
  };
}

/** An operation that fails `failures` times with `error`, then answers 'done'. */
function failing(failures: number, error: unknown = new Error('busy')) {
  let calls = 0;
  const operation = async () => {
    calls++;
    if (calls <= failures) throw error;
    return 'done';
  };
  return { operation, calls: () => calls };
}

describe('backoffDelay', () => {
  it('is a random share of a cap that doubles from baseDelayMs up to maxDelayMs (full jitter)', () => {
    const caps = [0, 1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, { baseDelayMs: 25, maxDelayMs: 1000, random: () => 0.999999 }));
    expect(caps.map(Math.round)).toEqual([25, 50, 100, 200, 400, 800, 1000]);
    expect(backoffDelay(3, { baseDelayMs: 25, random: () => 0.5 })).toBe(100);
    expect(backoffDelay(3, { random: () => 0 })).toBe(0);
  });
});

describe('retry', () => {
  it('answers what the operation answers once it succeeds, after jittered waits', async () => {
    const time = fakeTime();
    const { operation, calls } = failing(3);
    await expect(retry(operation, { retryable: () => true, ...time, random: () => 0.5 })).resolves.toBe('done');
    expect(calls()).toBe(4);
    expect(time.sleeps).toEqual([12.5, 25, 50]);
  });

  it('throws the last error, unchanged, when the attempts are spent', async () => {
    const time = fakeTime();
    const error = new Error('still busy');
    const { operation, calls } = failing(10, error);
    await expect(retry(operation, { retryable: () => true, attempts: 4, ...time })).rejects.toBe(error);
    expect(calls()).toBe(4);
    expect(time.sleeps).toHaveLength(3);
  });

  it('does not retry an error it is not told to', async () => {
    const time = fakeTime();
    const { operation, calls } = failing(1, new TypeError('a bug'));
    await expect(retry(operation, { retryable: (e) => !(e instanceof TypeError), ...time })).rejects.toBeInstanceOf(TypeError);
    expect(calls()).toBe(1);
    expect(time.sleeps).toEqual([]);
  });

  it('starts no wait that would end past the time budget', async () => {
    const time = fakeTime();
    const { operation, calls } = failing(100);
    await expect(retry(operation, { retryable: () => true, budgetMs: 3000, baseDelayMs: 100, maxDelayMs: 1000, ...time, random: () => 0.999 })).rejects.toThrow('busy');
    expect(time.now()).toBeLessThanOrEqual(3000);
    // 99.9 + 199.8 + 399.6 + 799.2 + 999 = 2497.5; the next 999 would end past 3000
    expect(calls()).toBe(6);
  });

  it('with a time budget alone, is not limited to five attempts', async () => {
    const time = fakeTime();
    const { operation, calls } = failing(20);
    await expect(retry(operation, { retryable: () => true, budgetMs: 60_000, ...time })).resolves.toBe('done');
    expect(calls()).toBe(21);
  });

  it('tells onRetry about each failure before waiting', async () => {
    const time = fakeTime();
    const seen: number[] = [];
    await retry(failing(2).operation, { retryable: () => true, onRetry: (_, attempt) => seen.push(attempt), ...time });
    expect(seen).toEqual([0, 1]);
  });

  it('passes the attempt number to the operation', async () => {
    const attempts: number[] = [];
    const time = fakeTime();
    await retry(
      async (attempt) => {
        attempts.push(attempt);
        if (attempt < 2) throw new Error('again');
      },
      { retryable: () => true, ...time },
    );
    expect(attempts).toEqual([0, 1, 2]);
  });
});
