/**
 * The browser for tests and benchmarks: the Chromium that the pinned @sparticuz/chromium
 * package carries (installed by `pnpm install`, unpacked to the system's temp folder on first
 * use), driven by playwright-core. CX_CHROMIUM points them at another Chromium instead.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sparticuz from '@sparticuz/chromium';
import { chromium, type Browser } from 'playwright-core';

/**
 * Flags for a headless Chromium on a machine with a closed network: no sandbox (tests run as
 * root), no GPU, and none of the background connections Chromium makes at start. Playwright
 * gives every launch a new, empty profile (user data directory) of its own.
 *
 * Not @sparticuz/chromium's own `args`: those are for Lambda and include
 * --disable-web-security, which would switch off the same-origin rules the page tests rely on.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The package's version, so that another version never reuses this one's unpacked browser. */
const PACKAGE_VERSION = (
  JSON.parse(readFileSync(join(dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium')), '..', 'package.json'), 'utf8')) as { version: string }
).version;
/** @sparticuz/chromium always unpacks its browser here. */
const UNPACKED = join(tmpdir(), 'chromium');
const READY = join(tmpdir(), `cx-chromium-${PACKAGE_VERSION}.ready`);
const LOCK = join(tmpdir(), 'cx-chromium.lock');
/** A lock older than this was left by a process that died while unpacking. */
const STALE_LOCK_MS = 120_000;

/**
 * Unpacks the package's Chromium once for every process of a test run: test files run in
 * parallel workers, and the package writes its binary in place, so a second worker could
 * otherwise start a half-written browser.
 */
async function packagedChromium(): Promise<string> {
  const deadline = Date.now() + 5 * STALE_LOCK_MS;
  for (;;) {
    if (existsSync(READY) && existsSync(UNPACKED)) return UNPACKED;
    try {
      mkdirSync(LOCK);
    } catch {
      // another process unpacks it; wait for it, or take over a lock it abandoned
      const lockedAt = statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs;
      if (lockedAt !== undefined && Date.now() - lockedAt > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`Chromium was not unpacked to ${UNPACKED} in time (lock ${LOCK})`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    try {
      // whatever is there is unfinished or from another package version
      rmSync(UNPACKED, { force: true });
      // no WebGL: the tests run with --disable-gpu, so SwiftShader's libraries need not be unpacked
      sparticuz.setGraphicsMode = false;
      const path = await sparticuz.executablePath();
      writeFileSync(READY, path);
      return path;
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
  }
}

/** The Chromium binary the tests drive: CX_CHROMIUM when set, else the package's. */
export async function chromiumExecutable(): Promise<string> {
  const chosen = process.env.CX_CHROMIUM;
  if (chosen) {
    if (!existsSync(chosen)) throw new Error(`CX_CHROMIUM names ${chosen}, which does not exist`);
    return chosen;
  }
  return packagedChromium();
}

/** Launches headless Chromium; fails (never skips) when it cannot, saying why. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: await chromiumExecutable(), headless: true, args: CHROMIUM_ARGS });
}
