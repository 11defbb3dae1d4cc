import type { BatchProgress } from '@cx/client';
import { describe, expect, it } from 'vitest';
import { progressLine, ProgressDisplay, type Output } from './progress.js';

const progress = (issued: number, failed: number, total = 10): BatchProgress => ({
  id: 'b',
  status: issued + failed >= total ? 'done' : 'running',
  total,
  issued,
  failed,
  createdAt: '2026-01-01T00:00:00Z',
  errors: [],
});

function recorder(isTTY: boolean): Output & { text: string } {
  const out = { text: '', isTTY, columns: 80, write: (t: string) => void (out.text += t) };
  return out;
}

describe('progressLine', () => {
  it('fills the bar by the share of processed items, issued and failed alike', () => {
    expect(progressLine({ total: 4, issued: 1, failed: 1 }, 8)).toBe('[####----]  50%  2/4  issued 1, failed 1');
  });

  it('shows a full bar at the end', () => {
    expect(progressLine({ total: 3, issued: 3, failed: 0 }, 6)).toBe('[######] 100%  3/3  issued 3, failed 0');
  });
});

describe('ProgressDisplay', () => {
  it('redraws one line in place on a terminal and ends it when finished', () => {
    const out = recorder(true);
    const display = new ProgressDisplay(out);

    display.update(progress(2, 0));
    display.update(progress(10, 0));
    display.finish();

    expect(out.text.split('\r').filter(Boolean)).toHaveLength(2);
    expect(out.text.endsWith('\n')).toBe(true);
    expect(out.text.indexOf('\n')).toBe(out.text.length - 1);
  });

  it('writes a plain line per change when the output is not a terminal', () => {
    const out = recorder(false);
    const display = new ProgressDisplay(out);

    display.update(progress(0, 0));
    display.update(progress(0, 0));
    display.update(progress(5, 1));
    display.finish();

    expect(out.text).toBe(['[------------------------------]   0%  0/10  issued 0, failed 0', '[##################------------]  60%  6/10  issued 5, failed 1', ''].join('\n'));
  });
});
