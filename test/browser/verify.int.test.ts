/**
 * /verify in a real browser: a genuine credential pasted, a tampered one chosen as a file,
 * and one fetched by the browser from `?url=` on another origin. Also: every form control of
 * the pages has a label, and the skip link comes first for keyboard users.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { componentBody } from '../../functions/catalogue/src/fixtures.js';
import { expectOk, launchChromium, startBrowserExchange, type BrowserExchange } from './support.js';

type Json = Record<string, any>;

let cx: BrowserExchange;
let browser: Browser;
let page: Page;
let credential: Json;

beforeAll(async () => {
  browser = await launchChromium();
  cx = await startBrowserExchange();
  const key = await cx.onboard('uni-a', 'Universiteit Leiden');
  expectOk(await cx.api('PUT', '/v1/institutions/uni-a/components/ML-1', { key, body: componentBody() }));
  ({ credential } = expectOk(
    await cx.api('POST', '/v1/institutions/uni-a/credentials', {
      key,
      body: { achievement: { type: 'component', code: 'ML-1' }, recipient: { name: 'Ada Lovelace', email: 'ada@example.org' } },
    }),
  ));
});

afterAll(async () => {
  await browser?.close();
  await cx?.stop();
});

beforeEach(async () => {
  page = await browser.newPage();
});

afterEach(async () => {
  await page.close();
});

describe('verifying in the browser', () => {
  it('shows a pasted genuine credential as verified, with the member’s name and the EU elements', async () => {
    await page.goto(`${cx.url}/verify`);
    await page.getByLabel('Paste the credential (JSON)').fill(JSON.stringify(credential, null, 2));
    await page.getByRole('button', { name: 'Verify', exact: true }).click();

    await expect.poll(() => page.getByRole('heading', { level: 2 }).first().textContent()).toBe('Verified: this credential is genuine and valid');
    const facts = await page.locator('dl.facts').allInnerTexts();
    const text = facts.join('\n');
    expect(text).toContain('Universiteit Leiden');
    expect(text).toMatch(/ECTS credits\s+5/);
    expect(text).toMatch(/EQF level\s+6/);
    expect(text).toContain('0613 Software and applications development and analysis');
    expect(text).toContain('Train and evaluate a classifier');
    expect(text).toMatch(/Supervision and identity check\s+Supervised/);
    expect(text).toMatch(/Form of participation\s+Blended/);
    expect(text).toMatch(/Country\s+Netherlands \(NL\)/);
    expect(text).toContain('Identified by a hashed email address');
    expect(await page.locator('.checks li.bad').count()).toBe(0);
  });

  it('shows a tampered credential, chosen as a file, as tampered', async () => {
    const tampered = structuredClone(credential);
    tampered.credentialSubject.achievement.ectsCredits = 30;
    await page.goto(`${cx.url}/verify`);
    await page.getByLabel('Or choose its file').setInputFiles({ name: 'tampered.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(tampered)) });
    // the script reads the file into the text area, so the reader sees what will be checked
    await expect.poll(() => page.getByLabel('Paste the credential (JSON)').inputValue()).toContain('"ectsCredits":30');
    await page.getByRole('button', { name: 'Verify', exact: true }).click();

    await expect.poll(() => page.getByRole('heading', { level: 2 }).first().textContent()).toBe('Tampered: the signature does not match the content');
    expect(await page.locator('.checks li.bad[data-check="proof"]').innerText()).toContain('The signature does not match');
  });

  it('fetches ?url= in the browser from another origin and verifies what it got', async () => {
    const server = await serveJson(credential);
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ada.json`;
      await page.goto(`${cx.url}/verify?url=${encodeURIComponent(url)}`);
      await expect.poll(() => page.locator('[data-verdict]').getAttribute('data-verdict'), { timeout: 10_000 }).toBe('verified');
    } finally {
      server.close();
    }
  });
});

describe('accessibility basics', () => {
  it('labels every form control of the verify, catalogue and transfer pages', async () => {
    for (const path of ['/verify', '/catalogue', '/catalogue?kind=micro-degrees', '/catalogue?kind=badges', '/transfer']) {
      await page.goto(`${cx.url}${path}`);
      // a string, evaluated in the page: the tests are typechecked without the DOM's types
      const unlabelled = await page.evaluate(
        "[...document.querySelectorAll('input:not([type=hidden]), select, textarea')].filter((el) => !el.labels || el.labels.length === 0).map((el) => el.id || el.name)",
      );
      expect(unlabelled, path).toEqual([]);
      expect(await page.getAttribute('html', 'lang')).toBe('en');
    }
  });

  it('lets a keyboard user skip to the content first', async () => {
    await page.goto(`${cx.url}/verify`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent.trim()')).toBe('Skip to content');
  });
});

/** A server on another origin that lets any page read its JSON (as a wallet or a portfolio site would). */
async function serveJson(body: unknown): Promise<Server> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
