/**
 * Prints one plain closing line, `tests: N passed, N failed, N skipped`, after vitest's
 * own summary, so that CI and people reading logs see the count in a fixed form.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const count = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      let failedHere = 0;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') count.passed++;
        else if (state === 'failed') failedHere++;
        else count.skipped++;
      }
      // a file that failed to load, or whose setup hook failed (its tests then count as
      // skipped), has failed although none of its tests did: count the file once
      if (module.state() === 'failed' && failedHere === 0) failedHere = 1;
      count.failed += failedHere;
    }
    console.log(`\ntests: ${count.passed} passed, ${count.failed} failed, ${count.skipped} skipped`);
  }
}
