/**
 * InProcessQueue, the local stand-in for SQS: every message is handled, a few at a time, and
 * a message whose handler threw is delivered again, as SQS would after its visibility timeout.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InProcessQueue } from './batch-runner.js';

afterEach(() => {
  vi.restoreAllMocks();
});

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('InProcessQueue', () => {
  it('handles every message sent', async () => {
    const handled: number[] = [];
    const queue = new InProcessQueue<number>(async (n) => void handled.push(n));
    await queue.send([1, 2, 3, 4, 5]);
    await queue.idle();
    expect(handled.sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('runs at most `concurrency` handlers at once', async () => {
    let running = 0;
    let most = 0;
    const queue = new InProcessQueue<number>(
      async () => {
        most = Math.max(most, ++running);
        await tick();
        running--;
      },
      { concurrency: 3 },
    );
    await queue.send(Array.from({ length: 12 }, (_, i) => i));
    await queue.idle();
    expect(most).toBe(3);
  });

  it('delivers a message again after its handler threw, until it succeeds', async () => {
    const attempts = new Map<string, number>();
    const queue = new InProcessQueue<string>(
      async (message) => {
        const attempt = (attempts.get(message) ?? 0) + 1;
        attempts.set(message, attempt);
        if (message === 'flaky' && attempt < 3) throw new Error('worker died');
      },
      { retryDelayMs: 1 },
    );
    await queue.send(['flaky', 'steady']);
    await queue.idle();
    expect(Object.fromEntries(attempts)).toEqual({ flaky: 3, steady: 1 });
  });

  it('gives a message up after maxAttempts, logging it, and still becomes idle', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    let attempts = 0;
    const queue = new InProcessQueue<string>(
      async () => {
        attempts++;
        throw new Error('always fails');
      },
      { retryDelayMs: 1, maxAttempts: 4 },
    );
    await queue.send(['doomed']);
    await queue.idle();
    expect(attempts).toBe(4);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('dropped after retries'));
  });

  it('hands a message it gives up to onGiveUp with the last error, retrying onGiveUp until it succeeds', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const given: Array<[string, string, number]> = [];
    let giveUpCalls = 0;
    const queue = new InProcessQueue<string>(
      async () => {
        throw new Error('always fails');
      },
      {
        retryDelayMs: 1,
        maxAttempts: 3,
        onGiveUp: async (message, error, attempts) => {
          if (++giveUpCalls === 1) throw new Error('the table was busy');
          given.push([message, (error as Error).message, attempts]);
        },
      },
    );
    await queue.send(['doomed']);
    await queue.idle();
    expect(given).toEqual([['doomed', 'always fails', 3]]);
  });

  it('is idle at once when nothing was sent', async () => {
    const queue = new InProcessQueue<number>(async () => undefined);
    await expect(queue.idle()).resolves.toBeUndefined();
  });

  it('is not idle while a redelivery is waiting', async () => {
    let attempts = 0;
    const queue = new InProcessQueue<string>(
      async () => {
        if (++attempts === 1) throw new Error('first delivery fails');
      },
      { retryDelayMs: 20 },
    );
    await queue.send(['m']);
    await queue.idle();
    expect(attempts).toBe(2);
  });
});
