/**
 * RateLimitedKeyVault against a fake clock: Sign calls are spaced at the configured rate,
 * however many callers ask at once, and a throttled call is retried after a back-off instead
 * of failing.
 */
import type { KeyVault } from '@cx/domain';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RateLimitedKeyVault } from './rate-limited-key-vault.js';
import { kmsServiceError } from './kms-key-vault.js';

/** Fake time: `now` moves only when a sleeper wakes. */
let now = 0;
let sleeps: number[];

function fakeSleep(ms: number): Promise<void> {
  sleeps.push(ms);
  const wake = now + ms;
  // wake in a later task, at the time asked for (time never runs backwards)
  return new Promise((resolve) =>
    setImmediate(() => {
      now = Math.max(now, wake);
      resolve();
    }),
  );
}

beforeEach(() => {
  now = 0;
  sleeps = [];
  vi.spyOn(performance, 'now').mockImplementation(() => now);
});

afterEach(() => {
  vi.restoreAllMocks();
});

const SIGNATURE = new Uint8Array(64).fill(7);

/** A key vault recording the fake time of every Sign call; `failures` are thrown first, in order. */
function recordingVault(failures: Error[] = []) {
  const signedAt: number[] = [];
  const vault: KeyVault = {
    createKey: vi.fn(async () => ({ keyRef: 'k', publicKey: new Uint8Array(32) })),
    publicKey: vi.fn(async () => new Uint8Array(32)),
    discardKey: vi.fn(async () => undefined),
    sign: vi.fn(async () => {
      signedAt.push(now);
      const failure = failures.shift();
      if (failure) throw failure;
      return SIGNATURE;
    }),
  };
  return { vault, signedAt };
}

const throttling = (message = 'Rate exceeded') => Object.assign(new Error(message), { name: 'ThrottlingException' });

describe('spacing', () => {
  it('spaces one caller’s calls at the rate', async () => {
    const { vault, signedAt } = recordingVault();
    const limited = new RateLimitedKeyVault(vault, { perSecond: 100, sleep: fakeSleep });
    for (let i = 0; i < 5; i++) await limited.sign('k', new Uint8Array(64));
    expect(signedAt).toEqual([0, 10, 20, 30, 40]);
  });

  it('spaces many concurrent callers at the rate, one slot each', async () => {
    const { vault, signedAt } = recordingVault();
    const limited = new RateLimitedKeyVault(vault, { perSecond: 500, sleep: fakeSleep });
    await Promise.all(Array.from({ length: 50 }, () => limited.sign('k', new Uint8Array(64))));
    expect(signedAt).toHaveLength(50);
    expect([...signedAt].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
  });

  it('never makes more calls in any second than the rate allows', async () => {
    const { vault, signedAt } = recordingVault();
    const limited = new RateLimitedKeyVault(vault, { perSecond: 500, sleep: fakeSleep });
    await Promise.all(Array.from({ length: 1500 }, () => limited.sign('k', new Uint8Array(64))));
    const sorted = [...signedAt].sort((a, b) => a - b);
    let most = 0;
    for (let start = 0, end = 0; start < sorted.length; start++) {
      while (end < sorted.length && sorted[end]! < sorted[start]! + 1000) end++;
      most = Math.max(most, end - start);
    }
    expect(most).toBeLessThanOrEqual(500);
    expect(sorted.at(-1)).toBe(2998);
  });

  it('does not wait when calls come slower than the rate', async () => {
    const { vault } = recordingVault();
    const limited = new RateLimitedKeyVault(vault, { perSecond: 10, sleep: fakeSleep });
    await limited.sign('k', new Uint8Array(64));
    now += 1000;
    await limited.sign('k', new Uint8Array(64));
    expect(sleeps).toEqual([]);
  });

  it('answers the inner vault’s signature', async () => {
    const { vault } = recordingVault();
    expect(await new RateLimitedKeyVault(vault, { perSecond: 10, sleep: fakeSleep }).sign('k', new Uint8Array(64))).toBe(SIGNATURE);
  });
});

describe('throttling', () => {
  it('retries a ThrottlingException after an exponential back-off, and answers the signature', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const { vault, signedAt } = recordingVault([throttling(), throttling()]);
    const limited = new RateLimitedKeyVault(vault, { perSecond: 1000, sleep: fakeSleep });
    expect(await limited.sign('k', new Uint8Array(64))).toBe(SIGNATURE);
    expect(vault.sign).toHaveBeenCalledTimes(3);
    // full jitter: random x 50 ms, then random x 100 ms
    expect(sleeps.filter((ms) => ms === 25 || ms === 50)).toEqual([25, 50]);
    expect(signedAt[1]! - signedAt[0]!).toBeGreaterThanOrEqual(25);
    expect(signedAt[2]! - signedAt[1]!).toBeGreaterThanOrEqual(50);
  });

  it.each([
    ['ThrottlingException', 'Rate exceeded'],
    ['TooManyRequestsException', 'slow down'],
  ])('recognises %s (%s) as throttling', async (name, message) => {
    const { vault } = recordingVault([Object.assign(new Error(message), { name })]);
    const limited = new RateLimitedKeyVault(vault, { perSecond: 1000, sleep: fakeSleep });
    await limited.sign('k', new Uint8Array(64));
    expect(vault.sign).toHaveBeenCalledTimes(2);
  });

  it('retries the RateLimitedError KmsKeyVault makes of KMS throttling', async () => {
    const { vault } = recordingVault([kmsServiceError(throttling()) as Error]);
    const limited = new RateLimitedKeyVault(vault, { perSecond: 1000, sleep: fakeSleep });
    await limited.sign('k', new Uint8Array(64));
    expect(vault.sign).toHaveBeenCalledTimes(2);
  });

  it('does not retry an error that only mentions throttling in its message', async () => {
    const { vault } = recordingVault([new Error('KMS: ThrottlingException: Rate exceeded')]);
    const limited = new RateLimitedKeyVault(vault, { perSecond: 1000, sleep: fakeSleep });
    await expect(limited.sign('k', new Uint8Array(64))).rejects.toThrow('Rate exceeded');
    expect(vault.sign).toHaveBeenCalledTimes(1);
  });

  it('gives up after maxRetries retries, with the throttling error', async () => {
    const { vault } = recordingVault(Array.from({ length: 10 }, () => throttling()));
    const limited = new RateLimitedKeyVault(vault, { perSecond: 1000, maxRetries: 3, sleep: fakeSleep });
    await expect(limited.sign('k', new Uint8Array(64))).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(vault.sign).toHaveBeenCalledTimes(4);
  });

  it('caps the back-off at 5 seconds', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const { vault } = recordingVault(Array.from({ length: 8 }, () => throttling()));
    const limited = new RateLimitedKeyVault(vault, { perSecond: 1000, sleep: fakeSleep });
    await limited.sign('k', new Uint8Array(64));
    expect(Math.max(...sleeps)).toBeLessThan(5000);
    expect(Math.max(...sleeps)).toBeGreaterThan(4900);
  });

  it('does not retry other errors', async () => {
    const denied = Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' });
    const { vault } = recordingVault([denied]);
    const limited = new RateLimitedKeyVault(vault, { perSecond: 1000, sleep: fakeSleep });
    await expect(limited.sign('k', new Uint8Array(64))).rejects.toBe(denied);
    expect(vault.sign).toHaveBeenCalledTimes(1);
  });

  it('keeps retries within the rate too', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { vault, signedAt } = recordingVault([throttling(), throttling(), throttling()]);
    const limited = new RateLimitedKeyVault(vault, { perSecond: 100, sleep: fakeSleep });
    await limited.sign('k', new Uint8Array(64));
    expect(signedAt).toEqual([0, 10, 20, 30]);
  });
});

describe('everything but Sign', () => {
  it('passes createKey, publicKey and discardKey straight through, unlimited', async () => {
    const { vault } = recordingVault();
    const limited = new RateLimitedKeyVault(vault, { perSecond: 1, sleep: fakeSleep });
    const labels = { consortium: 'c', institutionId: 'uni-a', keyId: 'key-1' };
    await Promise.all([limited.createKey(labels), limited.createKey(labels), limited.publicKey('k'), limited.discardKey('k')]);
    expect(vault.createKey).toHaveBeenCalledTimes(2);
    expect(vault.createKey).toHaveBeenCalledWith(labels);
    expect(vault.publicKey).toHaveBeenCalledWith('k');
    expect(vault.discardKey).toHaveBeenCalledWith('k');
    expect(sleeps).toEqual([]);
  });

  it('refuses a rate that is not positive', () => {
    const { vault } = recordingVault();
    expect(() => new RateLimitedKeyVault(vault, { perSecond: 0 })).toThrow(/positive/);
    expect(() => new RateLimitedKeyVault(vault, { perSecond: Number.NaN })).toThrow(/positive/);
  });
});
