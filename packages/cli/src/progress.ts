/**
 * The progress of a graduation run: a bar redrawn in place on a terminal, and a plain text
 * bar written as a new line at each change when the output is a file or a pipe (CI logs).
 */
import type { BatchProgress } from '@cx/client';

export interface Output {
  write(text: string): void;
  /** True for a terminal: the bar is redrawn in place. */
  isTTY?: boolean;
  columns?: number;
}

type Counts = Pick<BatchProgress, 'total' | 'issued' | 'failed'>;

/**
 * One line of progress, e.g. `[#######-------------]  35%  350/1000  issued 348, failed 2`.
 *
 * @example
 * progressLine({ total: 4, issued: 1, failed: 1 }, 8) // '[####----]  50%  2/4  issued 1, failed 1'
 */
export function progressLine(progress: Counts, width = 30, glyphs: { done: string; todo: string } = { done: '#', todo: '-' }): string {
  const processed = Math.min(progress.issued + progress.failed, progress.total);
  const share = progress.total === 0 ? 1 : processed / progress.total;
  const filled = Math.floor(share * width);
  const bar = glyphs.done.repeat(filled) + glyphs.todo.repeat(width - filled);
  const percent = `${Math.floor(share * 100)}%`.padStart(4);
  return `[${bar}] ${percent}  ${processed}/${progress.total}  issued ${progress.issued}, failed ${progress.failed}`;
}

export class ProgressDisplay {
  private last = '';
  private drawn = false;

  constructor(private readonly out: Output) {}

  update(progress: BatchProgress): void {
    if (this.out.isTTY) {
      const width = Math.max(10, Math.min(40, (this.out.columns || 80) - 45));
      const line = progressLine(progress, width, { done: '█', todo: '░' });
      if (line === this.last) return;
      // carriage return and erase-to-end-of-line: redraw in place
      this.out.write(`\r${line}\x1b[K`);
      this.drawn = true;
      this.last = line;
      return;
    }
    const line = progressLine(progress);
    if (line === this.last) return;
    this.out.write(`${line}\n`);
    this.last = line;
  }

  /** Ends the bar's line on a terminal, so that what follows starts on its own line. */
  finish(): void {
    if (this.out.isTTY && this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}
