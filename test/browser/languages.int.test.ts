/**
 * The pages in English and German in a real browser: a German student and an English-speaking
 * reviewer each use the verify, catalogue, transfer and claim pages in their language; the
 * language switcher works by keyboard and is remembered; a German-titled component is found by
 * a German word and shown in English to an English reader; and a browser asking for a path no
 * route serves gets the pages' own 404 page.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { componentBody } from '../../functions/catalogue/src/fixtures.js';
import { expectOk, launchChromium, linkFromOutbox, startBrowserExchange, type BrowserExchange } from './support.js';

let cx: BrowserExchange;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let leipzig: string;

const STUDENT = { name: 'Lena Schmidt', email: 'lena@example.de' };

beforeAll(async () => {
  browser = await launchChromium();
  cx = await startBrowserExchange();
  leipzig = await cx.onboard('uni-leipzig', 'Universität Leipzig', 'DE', { defaultLanguage: 'de' });
  await cx.onboard('uni-leiden', 'Universiteit Leiden');
  expectOk(
    await cx.api('PUT', '/v1/institutions/uni-leipzig/components/DS-1', {
      key: leipzig,
      body: componentBody({
        title: 'Datenwissenschaft',
        description: 'Daten erheben, bereinigen und auswerten.',
        learningOutcomes: ['Einen Datensatz bereinigen'],
        languages: ['de'],
        translations: { en: { title: 'Data Science', description: 'Collect, clean and analyse data.', learningOutcomes: ['Clean a data set'] } },
      }),
    }),
  );
  expectOk(await cx.api('POST', '/v1/institutions/uni-leipzig/credentials', { key: leipzig, body: { achievement: { type: 'component', code: 'DS-1' }, recipient: STUDENT } }));
});

afterAll(async () => {
  await browser?.close();
  await cx?.stop();
});

/** A fresh browser profile (no cookies) whose Accept-Language is `locale`'s. */
async function open(locale: string): Promise<Page> {
  context = await browser.newContext({ locale });
  page = await context.newPage();
  return page;
}

afterEach(async () => {
  await context?.close();
});

// evaluated in the page, as strings: the tests are typed without the DOM library
const lang = () => page.evaluate<string>('document.documentElement.lang');

describe('a German student', () => {
  it('gets the pages in German from the browser language, and the claim page and its credential in German', async () => {
    await open('de-DE');
    const claim = await linkFromOutbox(cx.exchange, STUDENT.email, '/claim/', 'Datenwissenschaft');
    await page.goto(claim);
    expect(await lang()).toBe('de');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Datenwissenschaft');
    await expect.poll(() => page.locator('[data-verdict]').getAttribute('data-verdict')).toBe('verified');
    expect(await page.locator('.verdict h2').first().textContent()).toBe('Überprüft: Dieser Nachweis ist echt und gültig');
    expect(await page.getByRole('button', { name: 'Zu meiner Wallet hinzufügen' }).count()).toBeGreaterThan(0);
    expect(await page.locator('[data-check="proof"]').innerText()).toMatch(/^✓\s*Signatur/);
  });

  it('verifies a pasted credential in German, and is told in German what is wrong with bad input', async () => {
    await open('de-DE');
    await page.goto(`${cx.url}/verify`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Nachweis überprüfen');
    await page.getByLabel('Nachweis einfügen (JSON)').fill('{ kein JSON');
    await page.getByRole('button', { name: 'Überprüfen' }).click();
    await page.waitForLoadState();
    // the error summary takes the focus, which announces it once (it is no alert as well)
    await expect.poll(() => page.evaluate<string>('document.activeElement.className')).toBe('error-summary');
    expect(await page.locator('.error-summary').getAttribute('role')).toBeNull();
    expect(await page.locator('.error-summary h2').textContent()).toBe('Bitte prüfen Sie Ihre Angaben');
    expect(await page.locator('.error-summary').innerText()).toContain('Das ist kein gültiges JSON');
  });

  it('asks for recognition on the transfer page in German', async () => {
    await open('de-DE');
    await page.goto(`${cx.url}/transfer`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Leistungen anerkennen lassen');
    await page.getByLabel('Aufnehmende Hochschule').selectOption({ label: 'Universiteit Leiden' });
    await page.getByLabel('Ihr Name').fill(STUDENT.name);
    await page.getByRole('button', { name: 'Zur Anerkennung einreichen' }).click();
    await expect.poll(() => page.locator('.error-summary').count()).toBe(1);
    const summary = await page.locator('.error-summary').innerText();
    expect(summary).toContain('Nachweisdateien: fügen Sie mindestens eine Nachweisdatei hinzu (oder einen Nachweis ein)');
    // the file control alone takes files: the page does not invite dropping them elsewhere
    expect(await page.locator('#files-hint').textContent()).not.toMatch(/ziehen|drop/i);
  });

  it('counts search results with the German plural', async () => {
    await open('de-DE');
    await page.goto(`${cx.url}/catalogue?q=daten`);
    expect(await page.locator('#results-title').textContent()).toBe('1 Mikrokomponente');
    expect(await page.getByRole('link', { name: /^Datenwissenschaft\s*,\s*Universität Leipzig$/ }).count()).toBe(1);
  });
});

describe('an English-speaking reviewer', () => {
  it('finds the German-titled component by a German word, and reads it in English', async () => {
    await open('en-GB');
    await page.goto(`${cx.url}/catalogue`);
    expect(await lang()).toBe('en');
    await page.getByLabel('Words').fill('Datenwissenschaft');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.locator('#results-title').textContent()).toBe('1 micro-component');
    await page.getByRole('link', { name: /^Data Science\s*,\s*Universität Leipzig$/ }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Data Science');
    expect(await page.locator('dl.facts').innerText()).toContain('Collect, clean and analyse data.');
    expect(await page.locator('dl.facts').innerText()).toContain('Clean a data set');
  });

  it('switches to German by keyboard, and the choice is remembered on the next page', async () => {
    await open('en-GB');
    await page.goto(`${cx.url}/catalogue`);
    // Tab from the top of the page: skip link, brand, the four sections, then the languages
    let focused = '';
    for (let i = 0; i < 12 && focused !== 'de'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate<string>("(document.activeElement && document.activeElement.dataset.lang) || ''");
    }
    expect(focused).toBe('de');
    await page.keyboard.press('Enter');
    await expect.poll(lang).toBe('de');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Katalog');
    expect(await page.locator('nav.languages a[aria-current="true"]').textContent()).toBe('Deutsch');

    await page.getByRole('link', { name: 'Nachweis überprüfen' }).first().click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Nachweis überprüfen');
    expect(await lang()).toBe('de');
  });

  it('gets the HTML 404 page for a path no route serves', async () => {
    await open('en-GB');
    for (const path of ['/no-such-page', '/Verify']) {
      const response = await page.goto(`${cx.url}${path}`);
      expect(response?.status()).toBe(404);
      expect(await page.title()).toBe('Page not found · Consortium credit exchange');
      expect(await lang()).toBe('en');
      await page.getByRole('link', { name: 'Go to the start page' }).click();
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Credits and credentials across the consortium');
    }
  });
});
