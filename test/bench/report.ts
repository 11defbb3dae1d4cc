/** Figures and their printing, shared by the benchmark sections. */

/** The value below which `p` percent of the samples fall (nearest rank). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export const median = (samples: readonly number[]) => percentile(samples, 50);

export const ms = (value: number) => `${value.toFixed(1)} ms`;

export function bytes(value: number): string {
  return value >= 1024 * 1024 ? `${(value / 1024 / 1024).toFixed(2)} MiB` : `${(value / 1024).toFixed(1)} KiB`;
}

/** Prints a plain-text table: the first column left-aligned, the others right-aligned. */
export function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  console.log(line(headers));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row));
}

/**
 * A figure of issue 14's Goals beside its goal. `at-most`: met when measured ≤ target (the
 * ratio printed is measured / target, so ≤ 1 is met); `at-least`: met when measured ≥ target
 * (ratio measured / target, ≥ 1 is met); `equals`: met when measured === target (counts that
 * must be 0, yes/no figures as 1/0).
 */
export interface GoalRow {
  section: string;
  figure: string;
  measured: number;
  kind: 'at-most' | 'at-least' | 'equals';
  target: number;
  /** How the measured value and the target are printed, e.g. `(n) => n.toFixed(2) + 'x'`. */
  format?: (value: number) => string;
  /** Where the figure comes from or what it leaves out, printed under the table. */
  note?: string;
}

const goals: GoalRow[] = [];

export function isMet(goal: Pick<GoalRow, 'measured' | 'kind' | 'target'>): boolean {
  if (!Number.isFinite(goal.measured)) return false;
  if (goal.kind === 'at-most') return goal.measured <= goal.target;
  if (goal.kind === 'at-least') return goal.measured >= goal.target;
  return goal.measured === goal.target;
}

const SIGN: Record<GoalRow['kind'], string> = { 'at-most': '≤', 'at-least': '≥', equals: '=' };

function goalCells(goal: GoalRow): string[] {
  const format = goal.format ?? ((value: number) => String(+value.toFixed(2)));
  const ratio = goal.kind === 'equals' || goal.target === 0 ? '' : `${(goal.measured / goal.target).toFixed(2)}`;
  return [goal.figure, format(goal.measured), `${SIGN[goal.kind]} ${format(goal.target)}`, ratio, isMet(goal) ? 'yes' : 'NO'];
}

const GOAL_HEADERS = ['figure', 'measured', 'goal', 'ratio', 'met?'];

/**
 * Records goal rows (for the summary `pnpm bench` prints at its end) and prints them now as a
 * table `figure | measured | goal | ratio | met?`, with their notes below.
 */
export function reportGoals(rows: GoalRow[]): void {
  goals.push(...rows);
  printTable(GOAL_HEADERS, rows.map(goalCells));
  for (const row of rows) if (row.note) console.log(`  ${row.figure}: ${row.note}`);
}

/** Every goal row recorded in this run, in order. */
export function recordedGoals(): readonly GoalRow[] {
  return goals;
}

/** The summary of every goal across sections; answers how many were not met. */
export function printGoalSummary(): number {
  if (goals.length === 0) return 0;
  const rows = goals.map((goal) => [goal.section, ...goalCells(goal)]);
  printTable(['section', ...GOAL_HEADERS], rows);
  const missed = goals.filter((goal) => !isMet(goal)).length;
  console.log(`\ngoals: ${goals.length - missed} of ${goals.length} met${missed ? `; not met: ${goals.filter((goal) => !isMet(goal)).map((goal) => goal.figure).join('; ')}` : ''}`);
  return missed;
}
