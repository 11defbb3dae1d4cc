/** Debian's Chromium, launched by playwright-core (never a browser download), for tests and benchmarks. */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CX_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Flags for a headless Chromium on a machine with a closed network: no sandbox (tests run as
 * root), no GPU, and none of the background connections Chromium makes at start. Playwright
 * gives every launch a new, empty profile (user data directory) of its own.
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

/** Launches Chromium; fails (never skips) when it is not installed, saying how to install it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}, and the browser tests need it. ` +
        "Install Debian's package with: apt-get update && apt-get install -y chromium (or set CX_CHROMIUM to a Chromium binary).",
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}
