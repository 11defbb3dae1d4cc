import type { Clock } from '@cx/domain';

/** A clock that moves forward by `stepMs` on every reading, so records made one after another sort by time. */
export function steppingClock(start = '2026-01-01T00:00:00.000Z', stepMs = 1000): Clock {
  let next = Date.parse(start);
  return {
    now: () => {
      const now = new Date(next);
      next += stepMs;
      return now;
    },
  };
}
