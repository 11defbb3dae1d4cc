/**
 * Lambda bundles: the size of every function's bundle and how long a fresh Node.js
 * process takes to import it (the module-load part of a cold start), beside a bare hono
 * app built the same way in the same run. The bundles come from infra/src/bundle.ts,
 * the module the CDK stack deploys with, so these are the deployed sizes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { FUNCTIONS } from '@cx/runtime/topology';
import { bundleEntry, bundleFunction, NODE_MAJOR, type Bundle } from '../../infra/src/bundle.js';
import { median, ms, printTable } from './report.js';

export const name = 'bundles';
export const description = 'Lambda bundle sizes and cold module-load times';

/** Fresh processes per bundle; the median of them is reported. */
const RUNS = 9;

/** What the stack's environment gives a function: its module scope reads it at import. */
const FUNCTION_ENV = {
  TABLE_NAME: 'bench',
  CX_PUBLIC_URL: 'https://exchange.example.eu',
  CX_CONSORTIUM: 'bench',
  AWS_REGION: 'eu-west-1',
  // the functions that send graduation-run chunks or notices refuse to start without their queue
  BATCH_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/bench-batches',
  NOTICE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/bench-notices',
  // and the notice sender without its SES sender and configuration set
  MAIL_FROM: 'notices@exchange.example.eu',
  MAIL_CONFIGURATION_SET: 'bench',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** Milliseconds a new Node.js process spends in `import()` of the bundle, and nothing else. */
function importTime(bundle: Bundle): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(bundle.file).href)}); process.stdout.write(String(performance.now() - t));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH, ...FUNCTION_ENV },
    encoding: 'utf8',
  });
  const value = Number(out);
  if (!Number.isFinite(value)) throw new Error(`${bundle.file} printed ${JSON.stringify(out)} instead of a time`);
  return value;
}

export async function run(): Promise<void> {
  const outDir = mkdtempSync(join(tmpdir(), 'cx-bench-bundles-'));
  try {
    const targets = [
      { label: 'hono hello (baseline)', bundle: bundleEntry('test/bench/hono-hello.ts', join(outDir, 'hono-hello')) },
      ...FUNCTIONS.map((spec) => ({ label: spec.name, bundle: bundleFunction(spec, outDir) })),
    ];
    const times = new Map(targets.map((target) => [target, [] as number[]]));
    // interleaved, so that a slower moment of the machine is shared by every bundle
    for (let run = 0; run < RUNS; run++) for (const target of targets) times.get(target)!.push(importTime(target.bundle));

    const baseline = targets[0]!;
    const baselineTime = median(times.get(baseline)!);
    printTable(
      ['bundle', 'bytes (minified)', 'gzip bytes', 'size x hello', `import p50 (${RUNS} runs)`, 'min', 'max', 'import x hello'],
      targets.map((target) => {
        const samples = times.get(target)!;
        return [
          target.label,
          target.bundle.bytes.toLocaleString('en-US'),
          gzipSync(readFileSync(target.bundle.file)).length.toLocaleString('en-US'),
          (target.bundle.bytes / baseline.bundle.bytes).toFixed(1),
          ms(median(samples)),
          ms(Math.min(...samples)),
          ms(Math.max(...samples)),
          (median(samples) / baselineTime).toFixed(1),
        ];
      }),
    );
    console.log(
      `\nBundles target node${NODE_MAJOR} (the Lambda runtime); import times measured here with Node.js ${process.versions.node}. ` +
        'Lambda adds its own init around the import, and its CPU share scales with the memory setting.',
    );
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
