/**
 * Prints one plain closing line, `tests: N passed, N failed, N skipped`, after vitest's
 * own summary, so that CI and people reading logs see the count in a fixed form; and a line
 * before it with each tier's (vitest project's) tests and time, so the unit tier's time
 * stands beside the DynamoDB Local tier's:
 * `tiers: unit 1234 tests in 12.3 s (wall 8.1 s) · int (DynamoDB Local) 567 tests in 345.6 s (wall 120.4 s)`.
 * A tier's time is the sum of its files' durations; its wall time runs from its first file's
 * start to its last file's end (the tiers run side by side, so wall times overlap).
 */
import type { Reporter, TestModule } from 'vitest/node';

/** What each tier is called in the tiers line, where its project's name alone says too little. */
const TIER_LABELS: Record<string, string> = { int: 'int (DynamoDB Local)' };

interface Tier {
  tests: number;
  durationMs: number;
  firstStart: number;
  lastEnd: number;
}

export default class SummaryReporter implements Reporter {
  private readonly starts = new Map<string, number>();
  private readonly ends = new Map<string, number>();

  onTestModuleStart(testModule: TestModule): void {
    this.starts.set(testModule.moduleId, performance.now());
  }

  onTestModuleEnd(testModule: TestModule): void {
    this.ends.set(testModule.moduleId, performance.now());
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const count = { passed: 0, failed: 0, skipped: 0 };
    const tiers = new Map<string, Tier>();
    for (const module of testModules) {
      let failedHere = 0;
      let tests = 0;
      for (const test of module.children.allTests()) {
        tests++;
        const state = test.result().state;
        if (state === 'passed') count.passed++;
        else if (state === 'failed') failedHere++;
        else count.skipped++;
      }
      // a file that failed to load, or whose setup hook failed (its tests then count as
      // skipped), has failed although none of its tests did: count the file once
      if (module.state() === 'failed' && failedHere === 0) failedHere = 1;
      count.failed += failedHere;
      this.addToTier(tiers, module, tests);
    }
    if (tiers.size > 0) console.log(`\ntiers: ${[...tiers].map(([name, tier]) => describeTier(name, tier)).join(' · ')}`);
    console.log(`\ntests: ${count.passed} passed, ${count.failed} failed, ${count.skipped} skipped`);
  }

  private addToTier(tiers: Map<string, Tier>, module: TestModule, tests: number): void {
    const name = module.project.name || 'tests';
    const tier = tiers.get(name) ?? { tests: 0, durationMs: 0, firstStart: Infinity, lastEnd: -Infinity };
    tier.tests += tests;
    tier.durationMs += module.diagnostic().duration;
    tier.firstStart = Math.min(tier.firstStart, this.starts.get(module.moduleId) ?? Infinity);
    tier.lastEnd = Math.max(tier.lastEnd, this.ends.get(module.moduleId) ?? -Infinity);
    tiers.set(name, tier);
  }
}

function describeTier(name: string, tier: Tier): string {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const wall = tier.lastEnd > tier.firstStart ? ` (wall ${seconds(tier.lastEnd - tier.firstStart)})` : '';
  return `${TIER_LABELS[name] ?? name} ${tier.tests} tests in ${seconds(tier.durationMs)}${wall}`;
}
