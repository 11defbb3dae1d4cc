/**
 * A student in a real browser, from the notice to a shared, verified credential and a
 * transfer, without touching a JSON file: a university issues a component and a badge to
 * one address; the claim link read from the outbox `.eml` opens the claim page; the student
 * downloads and shares the credential; the share link verifies in a fresh browser, also
 * through `/verify?url=`; the student signs in at `/my` with the link from the outbox, sees
 * both credentials, and transfers both, which ends in a recognition record. The main
 * actions are reachable by keyboard, and every control is labelled.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badgeBody, componentBody } from '../../functions/catalogue/src/fixtures.js';
import { agreementBody, rule } from '../../functions/recognition/src/fixtures.js';
import { expectOk, launchChromium, linkFromOutbox, startBrowserExchange, type BrowserExchange } from './support.js';

type Json = Record<string, any>;

let cx: BrowserExchange;
let browser: Browser;
let page: Page;
const key: Record<string, string> = {};
const STUDENT = { name: 'Ada Lovelace', email: 'ada@example.org' };
const credentials: Record<'component' | 'badge', Json> = { component: {}, badge: {} };
let shareUrl = '';

beforeAll(async () => {
  browser = await launchChromium();
  cx = await startBrowserExchange();
  key['uni-a'] = await cx.onboard('uni-a', 'Universiteit Leiden');
  key['uni-b'] = await cx.onboard('uni-b', 'Université de Lyon', 'FR');
  expectOk(await cx.api('PUT', '/v1/institutions/uni-a/components/ML-1', { key: key['uni-a'], body: componentBody() }));
  expectOk(await cx.api('PUT', '/v1/institutions/uni-a/badges/MENTOR', { key: key['uni-a'], body: badgeBody() }));
  expectOk(await cx.api('PUT', '/v1/institutions/uni-b/agreements/uni-a-2026', { key: key['uni-b'], body: agreementBody('uni-a', [rule('ML-1', { ects: 6 })]) }));
  credentials.component = expectOk(
    await cx.api('POST', '/v1/institutions/uni-a/credentials', { key: key['uni-a'], body: { achievement: { type: 'component', code: 'ML-1' }, recipient: STUDENT } }),
  ).credential;
  credentials.badge = expectOk(
    await cx.api('POST', '/v1/institutions/uni-a/credentials', { key: key['uni-a'], body: { achievement: { type: 'badge', code: 'MENTOR' }, recipient: STUDENT } }),
  ).credential;
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await cx?.stop();
});

/** The labels of the elements a keyboard user reaches with Tab, in order, from the top of the page. */
async function tabStops(count: number): Promise<string[]> {
  const stops: string[] = [];
  for (let i = 0; i < count; i++) {
    await page.keyboard.press('Tab');
    stops.push(
      (await page.evaluate(
        "(() => { const el = document.activeElement; return (el.getAttribute('aria-label') || (el.labels && el.labels[0] && el.labels[0].textContent) || el.textContent || '').trim(); })()",
      )) as string,
    );
  }
  return stops;
}

/** Every form control without a label on the current page (none, on every page). */
async function unlabelled(): Promise<string[]> {
  return page.evaluate(
    "[...document.querySelectorAll('input:not([type=hidden]), select, textarea')].filter((el) => !el.labels || el.labels.length === 0).map((el) => el.id || el.name)",
  ) as Promise<string[]>;
}

describe('a student in the browser', () => {
  it('opens the claim link from the notice in the outbox', async () => {
    const claim = await linkFromOutbox(cx.exchange, STUDENT.email, '/claim/', 'Introduction to Machine Learning');
    await page.goto(claim);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Introduction to Machine Learning');
    expect(await page.locator('#verdict').textContent()).toBe('Verified: this credential is genuine and valid');
    expect(await unlabelled()).toEqual([]);
  });

  it('reaches the main actions by keyboard, each with a visible label', async () => {
    await page.reload();
    const stops = await tabStops(40);
    for (const action of ['Skip to content', 'Download the credential (JSON)', 'Add to LinkedIn profile', 'Print view with QR code', 'Transfer to another university', 'Make a share link']) {
      expect(stops, action).toContain(action);
    }
  });

  it('fits a phone\'s width without scrolling sideways', async () => {
    const phone = await browser.newPage({ viewport: { width: 360, height: 740 } });
    try {
      await phone.goto(page.url());
      expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    } finally {
      await phone.close();
    }
  });

  it('downloads the signed credential as a file', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download the credential (JSON)' }).click()]);
    expect(download.suggestedFilename()).toBe('introduction-to-machine-learning.json');
    expect(JSON.parse(readFileSync((await download.path())!, 'utf8'))).toEqual(credentials.component);
  });

  it('makes a share link, which verifies in a fresh browser and through /verify?url=', async () => {
    await page.getByRole('button', { name: 'Make a share link' }).click();
    await expect.poll(() => page.locator('#share-0').count()).toBe(1);
    shareUrl = await page.locator('#share-0').inputValue();
    expect(shareUrl).toMatch(new RegExp(`^${cx.url}/credentials/[\\w-]{22}$`));

    const fresh = await browser.newContext();
    try {
      const stranger = await fresh.newPage();
      await stranger.goto(shareUrl);
      expect(await stranger.locator('#verdict').textContent()).toBe('Verified: this credential is genuine and valid');
      expect(await stranger.locator('main').innerText()).toContain('Universiteit Leiden');

      await stranger.goto(`${cx.url}/verify?url=${encodeURIComponent(`${shareUrl}.json`)}`);
      await expect.poll(() => stranger.locator('#verdict').textContent(), { timeout: 15_000 }).toBe('Verified: this credential is genuine and valid');
    } finally {
      await fresh.close();
    }
  });

  it('prints the credential with a QR code of the share link', async () => {
    await page.getByRole('link', { name: 'Print view with QR code' }).click();
    const qr = page.getByRole('img', { name: `QR code of the share link ${shareUrl}` });
    expect(await qr.count()).toBe(1);
    // the data: image loads under the pages' Content-Security-Policy
    await expect.poll(() => page.evaluate("document.querySelector('.qr img').naturalWidth")).toBeGreaterThan(0);
  });

  it('signs in at /my with the link from the outbox, lists both credentials, and transfers both to a recognition record', async () => {
    await page.goto(`${cx.url}/my`);
    await page.getByLabel('Email address').fill(STUDENT.email);
    await page.getByRole('button', { name: 'Send me a sign-in link' }).click();
    expect(await page.getByRole('status').first().textContent()).toContain('If this address has credentials, a sign-in link is on its way');
    await page.goto(await linkFromOutbox(cx.exchange, STUDENT.email, '/my?token='));
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/my');
    expect(await page.locator('[data-credential]').count()).toBe(2);
    const list = await page.locator('#held-title + form').innerText();
    expect(list).toContain('Introduction to Machine Learning');
    expect(list).toContain('Peer Mentor');
    expect(await unlabelled()).toEqual([]);

    await page.getByLabel('Select Introduction to Machine Learning for a transfer').check();
    await page.getByLabel('Select Peer Mentor for a transfer').check();
    await page.getByRole('button', { name: 'Transfer the selected credentials' }).click();
    const attached = await page.locator('#attached').innerText();
    expect(attached).toContain('Introduction to Machine Learning');
    expect(attached).toContain('Peer Mentor');
    await page.getByLabel('Receiving university').selectOption({ label: 'Université de Lyon' });
    await page.getByLabel('Your name').fill(STUDENT.name);
    await page.getByLabel('Your email address').fill(STUDENT.email);
    await page.getByRole('button', { name: 'Submit for recognition' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Your transfer to Université de Lyon');
    expect(await page.locator('.item[data-outcome="recognised"]').count()).toBe(1);
    expect(await page.locator('.item[data-outcome="pending"]').count()).toBe(1);

    const transferId = new URL(page.url()).pathname.split('/').at(-1)!;
    expectOk(
      await cx.api('POST', `/v1/institutions/uni-b/transfers/${transferId}/decisions`, {
        key: key['uni-b'],
        body: { credentialId: credentials.badge.id, outcome: 'recognised', ects: 1, justification: { explanation: 'Mentoring counts as a one-credit elective.' } },
      }),
      200,
    );

    // the transfer is on the student's list, and its tracking page there offers the record
    await page.goto(`${cx.url}/my`);
    await page.getByRole('link', { name: /^To Université de Lyon, submitted/ }).click();
    expect(await page.locator('#transfer-status').textContent()).toBe('Decided');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download the recognition record (JSON)' }).click()]);
    const record = JSON.parse(readFileSync((await download.path())!, 'utf8'));
    expect(record.type).toEqual(['VerifiableCredential', 'RecognitionRecord']);
    expect(record.credentialSubject.totalEctsRecognised).toBe(7);
  });
});
