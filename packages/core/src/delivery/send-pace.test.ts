import { describe, expect, it } from 'vitest';
import { SendPace } from './send-pace.js';

/** A timer whose sleeps are recorded and move its clock. */
function fakeTimer() {
  let now = 1_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    advance: (ms: number) => {
      now += ms;
    },
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
    },
  };
}

describe('SendPace', () => {
  it('spaces concurrent callers one interval apart, so that together they keep the rate', async () => {
    const timer = fakeTimer();
    const pace = new SendPace(10, timer);

    await Promise.all([pace.take(), pace.take(), pace.take(), pace.take()]);

    expect(timer.sleeps).toEqual([100, 200, 300]);
  });

  it('lets a caller go at once when the pace was idle, without banking the slots it missed', async () => {
    const timer = fakeTimer();
    const pace = new SendPace(4, timer);
    await pace.take();

    timer.advance(10_000);
    await pace.take();
    await pace.take();

    expect(timer.sleeps).toEqual([250]);
  });

  it('refuses a rate that is not a positive number', () => {
    expect(() => new SendPace(0)).toThrow(RangeError);
    expect(() => new SendPace(Number.NaN)).toThrow(/positive number/);
  });
});
