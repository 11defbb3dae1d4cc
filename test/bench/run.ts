/**
 * `pnpm bench [section...]`: runs the benchmark sections (all, or those named) and prints
 * their figures. A section is a module exporting `name`, `run()` and optionally a
 * one-line `description`; add yours to `sections` below. Sections run one after another,
 * each starting and stopping what it measures, and send traffic only to this machine.
 */
import * as bundles from './bundles.js';
import * as catalogue from './catalogue.js';
import * as credentials from './credentials.js';
import * as institutions from './institutions.js';
import * as jsonld from './jsonld.js';
import * as pages from './pages.js';
import * as recognition from './recognition.js';
import { printGoalSummary, recordedGoals } from './report.js';

export interface BenchSection {
  name: string;
  description?: string;
  run(): Promise<void>;
}

const sections: BenchSection[] = [bundles, institutions, catalogue, jsonld, credentials, pages, recognition];

// the AWS SDK is pinned to a release that supports Node 20; its reminder to move to Node 22 is noise here
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const wanted = process.argv.slice(2).filter((arg) => arg !== '--');
const unknown = wanted.filter((name) => !sections.some((section) => section.name === name));
if (unknown.length) {
  console.error(`unknown section ${unknown.join(', ')}; sections: ${sections.map((section) => section.name).join(', ')}`);
  process.exit(2);
}

try {
  for (const section of sections.filter((section) => wanted.length === 0 || wanted.includes(section.name))) {
    console.log(`\n== ${section.name}${section.description ? `: ${section.description}` : ''}\n`);
    const start = performance.now();
    await section.run();
    console.log(`\n(${section.name} took ${((performance.now() - start) / 1000).toFixed(1)} s)`);
  }
} finally {
  // every section's goal rows (report.ts' reportGoals), side by side: the figures of issue 14's
  // Goals; also those measured before a section failed
  if (recordedGoals().length > 0) {
    console.log('\n== goals (issue 14), as measured in this run\n');
    printGoalSummary();
  }
}
