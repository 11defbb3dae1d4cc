/**
 * /docs in a real browser on a closed network: the API reference renders from the
 * exchange's own files, under its Content-Security-Policy, asking no other site for anything.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, startBrowserExchange, type BrowserExchange } from './support.js';

let cx: BrowserExchange;
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
  cx = await startBrowserExchange();
});

afterAll(async () => {
  await browser?.close();
  await cx?.stop();
});

describe('the API reference page', () => {
  it('renders every route from same-origin files, with no policy violation and no request elsewhere', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const origin = new URL(cx.url).origin;
    const elsewhere: string[] = [];
    const problems: string[] = [];
    // any request to another origin is refused here, as it would be without internet
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (new URL(url).origin === origin || url.startsWith('data:')) return route.continue();
      elsewhere.push(url);
      return route.abort();
    });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(String(error)));

    const response = await page.goto(`${cx.url}/docs`);
    await page.locator('.opblock-summary-path', { hasText: '/v1/institutions/{id}/api-keys' }).first().waitFor();

    expect(response?.status()).toBe(200);
    expect(await page.locator('.info .title').innerText()).toContain('Consortium exchange');
    expect(await page.locator('.opblock').count()).toBeGreaterThan(40);
    expect(elsewhere).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('lets a reader try a public route against the exchange itself', async () => {
    const page = await browser.newPage();
    await page.goto(`${cx.url}/docs#/Institutions`);
    const operation = page.locator('.opblock-get', { has: page.locator('.opblock-summary-path[data-path="/v1/institutions"]') });
    await operation.locator('.opblock-summary').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.getByRole('button', { name: 'Execute' }).click();

    await expect.poll(() => operation.locator('.live-responses-table tbody .response-col_status').first().innerText()).toBe('200');
    await page.close();
  });
});
