/**
 * Wallets in a real browser: from the claim link in the outbox, a keyboard user reaches "Add
 * to my wallet" and lands on a page whose two QR codes (the Learner Credential Wallet's deep
 * link, the OpenID4VCI offer) load under the pages' Content-Security-Policy, with both links
 * and the interaction URL, every control labelled and reachable by Tab, at a phone's width
 * too. "Present from my wallet" from the transfer form opens a waiting page that refreshes
 * itself (a meta refresh, no script).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { componentBody } from '../../functions/catalogue/src/fixtures.js';
import { expectOk, launchChromium, linkFromOutbox, startBrowserExchange, type BrowserExchange } from './support.js';

let cx: BrowserExchange;
let browser: Browser;
let page: Page;
const STUDENT = { name: 'Ada Lovelace', email: 'ada@example.org' };
/** What the page blocked under its Content-Security-Policy (none, on every page). */
const refused: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  cx = await startBrowserExchange();
  const key = await cx.onboard('uni-a', 'Universiteit Leiden');
  await cx.onboard('uni-b', 'Université de Lyon', 'FR');
  expectOk(await cx.api('PUT', '/v1/institutions/uni-a/components/ML-1', { key, body: componentBody() }));
  expectOk(await cx.api('POST', '/v1/institutions/uni-a/credentials', { key, body: { achievement: { type: 'component', code: 'ML-1' }, recipient: STUDENT } }));
  page = await browser.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/.test(message.text())) refused.push(message.text());
  });
});

afterAll(async () => {
  await browser?.close();
  await cx?.stop();
});

/** The accessible label of the focused element. */
const focusedLabel = (): Promise<string> =>
  page.evaluate(
    "(() => { const el = document.activeElement; return (el.getAttribute('aria-label') || (el.labels && el.labels[0] && el.labels[0].textContent) || el.textContent || '').trim(); })()",
  ) as Promise<string>;

/** Presses Tab until the focused element is labelled `label`; fails after `limit` presses. */
async function tabTo(label: string, limit = 60): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if ((await focusedLabel()) === label) return;
  }
  throw new Error(`${label} is not reached by ${limit} presses of Tab`);
}

/** Every form control without a label on the current page. */
const unlabelled = (): Promise<string[]> =>
  page.evaluate("[...document.querySelectorAll('input:not([type=hidden]), select, textarea')].filter((el) => !el.labels || el.labels.length === 0).map((el) => el.id || el.name)") as Promise<
    string[]
  >;

/** Whether the image with this id has loaded (a blocked `data:` image has no natural width). */
const loaded = (id: string) => page.evaluate(`(() => { const img = document.getElementById('${id}'); return Boolean(img && img.complete && img.naturalWidth > 0); })()`);

describe('a student adds a credential to a wallet', () => {
  it('reaches "Add to my wallet" on the claim page by keyboard, and opens the wallet page with Enter', async () => {
    await page.goto(await linkFromOutbox(cx.exchange, STUDENT.email, '/claim/', 'Introduction to Machine Learning'));
    await tabTo('Add to my wallet');
    await Promise.all([page.waitForURL(/\/wallet$/), page.keyboard.press('Enter')]);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Add Introduction to Machine Learning to your wallet');
  });

  it('shows both QR codes, loaded under the Content-Security-Policy, and the links', async () => {
    await expect.poll(() => loaded('lcw-qr')).toBe(true);
    await expect.poll(() => loaded('oid4vci-qr')).toBe(true);
    expect(refused).toEqual([]);
    expect(await page.getByRole('img', { name: 'QR code that opens the request in the Learner Credential Wallet' }).count()).toBe(1);
    expect(await page.getByRole('img', { name: 'QR code of the credential offer for an OpenID4VCI wallet' }).count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Open in the Learner Credential Wallet' }).getAttribute('href')).toMatch(/^https:\/\/lcw\.app\/request\.html\?issuer=[^&]+&auth_type=bearer&challenge=[^&]+&vc_request_url=/);
    expect(await page.getByRole('link', { name: 'Open the credential offer in my wallet app' }).getAttribute('href')).toMatch(
      new RegExp(`^openid-credential-offer://\\?credential_offer_uri=${encodeURIComponent(cx.url).replace(/[.]/g, '\\.')}%2Fclaim%2F`),
    );
    expect(await page.getByLabel('Another VC API wallet: the interaction URL').inputValue()).toMatch(new RegExp(`^${cx.url}/interactions/[\\w-]{43}\\?iuv=1$`));
    expect(await unlabelled()).toEqual([]);
  });

  it('reaches both links and the interaction URL by keyboard', async () => {
    await page.locator('main').focus();
    await tabTo('Open in the Learner Credential Wallet');
    await tabTo('Another VC API wallet: the interaction URL');
    await tabTo('Open the credential offer in my wallet app');
  });

  it("fits a phone's width without scrolling sideways", async () => {
    const phone = await browser.newPage({ viewport: { width: 360, height: 740 } });
    try {
      // the page was the answer to a form: on a phone, the student posts the form again
      await phone.goto(page.url().replace(/\/wallet$/, ''));
      await Promise.all([phone.waitForURL(/\/wallet$/), phone.getByRole('button', { name: 'Add to my wallet' }).click()]);
      expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    } finally {
      await phone.close();
    }
  });
});

describe('a student presents from a wallet', () => {
  it('opens a waiting page from the transfer form, which refreshes itself without script', async () => {
    await page.goto(`${cx.url}/transfer`);
    await page.getByLabel('Receiving university').selectOption({ label: 'Université de Lyon' });
    await page.getByLabel('Your name').fill(STUDENT.name);
    await Promise.all([page.waitForURL(/\/transfer\/wallet\/[\w-]{43}\?token=/), page.getByRole('button', { name: 'Present from my wallet' }).click()]);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Present credentials from your wallet');
    await expect.poll(() => loaded('lcw-qr')).toBe(true);
    expect(await page.getByRole('status').innerText()).toContain('Waiting for your wallet');
    expect(await unlabelled()).toEqual([]);

    // the meta refresh loads the page again after 5 seconds
    await page.evaluate('window.beforeRefresh = true');
    await expect.poll(() => page.evaluate('window.beforeRefresh === undefined'), { timeout: 10_000 }).toBe(true);
    expect(refused).toEqual([]);
  });
});
