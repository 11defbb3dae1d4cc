/**
 * /catalogue in a real browser: search with a filter, open an entry, follow its versions and
 * the micro-degree it counts towards, and see a wrong filter explained at its field.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { componentBody, degreeBody } from '../../functions/catalogue/src/fixtures.js';
import { expectOk, launchChromium, startBrowserExchange, type BrowserExchange } from './support.js';

let cx: BrowserExchange;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  cx = await startBrowserExchange();
  const a = await cx.onboard('uni-a', 'Universiteit Leiden');
  const b = await cx.onboard('uni-b', 'Université de Lyon', 'FR');
  expectOk(await cx.api('PUT', '/v1/institutions/uni-a/components/ML-1', { key: a, body: componentBody() }));
  expectOk(await cx.api('PUT', '/v1/institutions/uni-a/components/ML-1', { key: a, body: componentBody({ ects: 6 }) }), 200);
  expectOk(await cx.api('PUT', '/v1/institutions/uni-a/components/HIST-1', { key: a, body: componentBody({ title: 'Medieval Cities', iscedField: '0222', eqfLevel: 5 }) }));
  expectOk(await cx.api('PUT', '/v1/institutions/uni-b/components/DE-1', { key: b, body: componentBody({ title: 'Data Engineering', eqfLevel: 7 }) }));
  expectOk(await cx.api('PUT', '/v1/institutions/uni-b/micro-degrees/ADS', { key: b, body: degreeBody([{ institution: 'uni-a', code: 'ML-1' }, { institution: 'uni-b', code: 'DE-1' }]) }));
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

// a result's title: its link's text before the university, which is there for screen readers only
const resultTitles = () => page.locator('.results h3 a').evaluateAll((links) => links.map((link) => link.firstChild?.textContent ?? ''));

describe('browsing the catalogue', () => {
  it('searches with a filter, opens an entry, and follows its versions and micro-degrees', async () => {
    await page.goto(`${cx.url}/catalogue`);
    expect((await resultTitles()).sort()).toEqual(['Data Engineering', 'Introduction to Machine Learning', 'Medieval Cities']);

    await page.getByLabel('EQF level').selectOption('6');
    await page.getByLabel('University').selectOption({ label: 'Universiteit Leiden' });
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(resultTitles).toEqual(['Introduction to Machine Learning']);
    expect(new URL(page.url()).searchParams.get('eqfLevel')).toBe('6');

    await page.getByRole('link', { name: 'Introduction to Machine Learning' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Introduction to Machine Learning');
    expect(await page.locator('dl.facts').innerText()).toMatch(/ECTS credits\s+6/);
    expect(await page.locator('ol.versions li').allInnerTexts()).toEqual(['Version 1', 'Version 2 (this page), the latest']);

    await page.getByRole('link', { name: 'Version 1' }).click();
    await expect.poll(() => page.locator('dl.facts').innerText()).toMatch(/ECTS credits\s+5/);
    await page.getByRole('link', { name: 'See the latest version' }).click();

    await page.locator('ul.towards').getByRole('link', { name: 'Applied Data Science' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Applied Data Science');
    expect(await page.locator('ul.parts li').allInnerTexts()).toEqual([
      'Introduction to Machine Learning (Universiteit Leiden, 6 ECTS)',
      'Data Engineering (Université de Lyon, 5 ECTS)',
    ]);
  });

  it('searches micro-degrees by a component they count', async () => {
    await page.goto(`${cx.url}/catalogue`);
    await page.getByRole('link', { name: 'Micro-degrees' }).click();
    await page.getByLabel('Counts a component (institution/code)').fill('uni-b/DE-1');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(resultTitles).toEqual(['Applied Data Science']);
  });

  it('explains a wrong filter at its field and keeps what was typed', async () => {
    await page.goto(`${cx.url}/catalogue`);
    await page.getByLabel('Field of education (ISCED-F code)').fill('9999');
    await page.getByRole('button', { name: 'Search' }).click();
    // the summary is focused on load, which announces it; it is no alert as well (that said it twice)
    await expect.poll(() => page.locator('.error-summary').innerText()).toContain('Field of education (ISCED-F code): must be an ISCED-F 2013 code');
    const field = page.getByLabel('Field of education (ISCED-F code)');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await field.inputValue()).toBe('9999');
    expect(await page.locator('.results').count()).toBe(0);
  });

  it('takes keyboard and screen reader users to the list of problems after a refused search', async () => {
    await page.goto(`${cx.url}/catalogue?kind=components&eqfLevel=9`);
    await expect.poll(() => page.evaluate('document.activeElement.className')).toBe('error-summary');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate('location.hash')).toBe('#eqfLevel');
  });
});
