/**
 * Pages: time to first render, in headless Chromium (@sparticuz/chromium's, driven by playwright-core),
 * of the verify page's answer to a pasted credential (the POST result page) and of a
 * catalogue search page, against the local exchange (DynamoDB Local in memory, the local key
 * vault) on the loopback interface. The catalogue holds 1,000 components of 10 institutions.
 *
 * Each run opens a new browser context (an empty cache: the style sheet and script are
 * fetched too), and the figures come from the page's own timings, counted from the start of
 * the navigation (for the verify page, from submitting the form): `responseEnd` (the server's
 * answer has arrived), `domContentLoadedEventEnd`, and `first-contentful-paint`.
 *
 * Run alone with `pnpm bench pages`. The browser comes with `pnpm install` (CX_CHROMIUM to use another).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startLocalExchange } from '@cx/local';
import { componentBody } from '../../functions/catalogue/src/fixtures.js';
import { launchChromium } from '../browser/chromium.js';
import { median, percentile, printTable } from './report.js';

export const name = 'pages';
export const description = 'time to first render of /verify with a credential and of a catalogue search, in headless Chromium';

const RUNS = 20;
const WARM_UP = 3;
const INSTITUTIONS = 10;
const COMPONENTS_PER_INSTITUTION = 100;
const FIELDS = ['0613', '0612', '0541', '0222', '0311'];
const LANGUAGES = ['en', 'fr', 'de', 'nl'];

interface Timing {
  responseEnd: number;
  domContentLoaded: number;
  firstContentfulPaint: number;
}

/** The navigation timings of the document now shown (read once it has painted). */
async function timingOf(page: Page): Promise<Timing> {
  // polled from here: the pages' Content-Security-Policy forbids the eval that waitForFunction uses
  for (let tries = 0; !(await page.evaluate("performance.getEntriesByName('first-contentful-paint').length > 0")); tries++) {
    if (tries > 200) throw new Error('the page never painted');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return page.evaluate(`(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    return { responseEnd: nav.responseEnd, domContentLoaded: nav.domContentLoadedEventEnd, firstContentfulPaint: fcp.startTime };
  })()`);
}

async function measure(browser: Browser, runs: number, render: (page: Page) => Promise<void>): Promise<Timing[]> {
  const timings: Timing[] = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await render(page);
      timings.push(await timingOf(page));
    } finally {
      await context.close();
    }
  }
  return timings;
}

export async function run(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cx-bench-pages-'));
  const exchange = await startLocalExchange({ port: 0, dataDir, inMemory: true });
  const browser = await launchChromium();
  try {
    const base = exchange.url;
    const call = async (method: string, path: string, key: string, body: unknown) => {
      const response = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const text = await response.text();
      if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      return JSON.parse(text);
    };
    const keys: string[] = [];
    for (let i = 0; i < INSTITUTIONS; i++) {
      const id = `uni-${String(i).padStart(2, '0')}`;
      const { apiKey } = await call('POST', '/v1/institutions', exchange.generatedAdminKey!, { id, name: `University ${i}`, country: 'NL', homepage: `https://${id}.example.edu` });
      keys.push(apiKey);
      const items = Array.from({ length: COMPONENTS_PER_INSTITUTION }, (_, j) =>
        ({
          code: `C-${j}`,
          ...componentBody({
            title: `Component ${j} of university ${i}`,
            iscedField: FIELDS[j % FIELDS.length],
            eqfLevel: 5 + (j % 3),
            languages: [LANGUAGES[(i + j) % LANGUAGES.length]],
          }),
        }),
      );
      await call('POST', `/v1/institutions/${id}/components:batch`, apiKey, { items });
    }
    const { credential } = await call('POST', '/v1/institutions/uni-00/credentials', keys[0]!, {
      achievement: { type: 'component', code: 'C-0' },
      recipient: { name: 'Ada Lovelace', email: 'ada@example.org' },
    });
    const pasted = JSON.stringify(credential);

    const verify = async (page: Page) => {
      await page.goto(`${base}/verify`);
      await page.fill('#credential', pasted);
      await page.click('button[type=submit]');
      // only the result page has a verdict: this waits for the new document
      await page.waitForSelector('[data-verdict="verified"]');
    };
    const search = async (page: Page) => {
      await page.goto(`${base}/catalogue?kind=components&field=061&eqfLevel=6&language=en`);
      const results = await page.locator('.results li').count();
      if (results === 0) throw new Error('the catalogue search found nothing');
    };

    await measure(browser, WARM_UP, verify);
    await measure(browser, WARM_UP, search);
    const rows = [
      ['POST /verify (result page)', await measure(browser, RUNS, verify)],
      ['GET /catalogue?field=061&eqfLevel=6&language=en', await measure(browser, RUNS, search)],
    ] as const;
    const fmt = (samples: number[]) => `${median(samples).toFixed(1)} / ${percentile(samples, 90).toFixed(1)}`;
    printTable(
      ['page', 'runs', 'server answer ms (p50 / p90)', 'DOMContentLoaded ms (p50 / p90)', 'first contentful paint ms (p50 / p90)'],
      rows.map(([label, timings]) => [
        label,
        String(timings.length),
        fmt(timings.map((t) => t.responseEnd)),
        fmt(timings.map((t) => t.domContentLoaded)),
        fmt(timings.map((t) => t.firstContentfulPaint)),
      ]),
    );
    console.log(
      `\nEach run in a new browser context (empty cache); times from the start of the navigation (for /verify, the form's submission). ` +
        `Catalogue: ${INSTITUTIONS * COMPONENTS_PER_INSTITUTION} components of ${INSTITUTIONS} institutions; the search shows its first page of 20.`,
    );
  } finally {
    await browser.close();
    await exchange.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
