/** What a busy table leaves of a batch read or write is sent again, with back-off, a bounded number of times. */
import { RateLimitedError } from '@cx/domain';
import { describe, expect, it } from 'vitest';
import { untilProcessed } from './until-processed.js';

const noWait = { attempts: 4, sleep: async () => {} };
const request = (): Record<string, number[]> => ({ t: [1, 2, 3] });

describe('untilProcessed', () => {
  it('sends what was left until nothing is', async () => {
    const sent: Array<Record<string, number[]>> = [];
    const leftOver: Array<Record<string, number[]>> = [{ t: [2, 3] }, { t: [3] }, {}];
    await untilProcessed(request(), async (left) => {
      sent.push(left);
      return leftOver.shift();
    }, noWait);
    expect(sent).toEqual([{ t: [1, 2, 3] }, { t: [2, 3] }, { t: [3] }]);
  });

  it('sends once when everything was processed', async () => {
    let calls = 0;
    await untilProcessed(request(), async () => {
      calls++;
      return undefined;
    }, noWait);
    expect(calls).toBe(1);
  });

  it('answers RateLimitedError once the attempts are spent', async () => {
    let calls = 0;
    const error = await untilProcessed(request(), async (left) => {
      calls++;
      return left;
    }, noWait).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(calls).toBe(4);
  });

  it('lets other failures through at once', async () => {
    const failure = new Error('bad request');
    await expect(untilProcessed(request(), () => Promise.reject(failure), noWait)).rejects.toBe(failure);
  });
});
