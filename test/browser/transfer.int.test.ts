/**
 * /transfer in a real browser: a student submits credential files without any key, follows
 * the tracking link, and downloads the signed recognition record; once when an agreement
 * recognises the credential at once, once when a reviewer decides it through the API later.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { componentBody } from '../../functions/catalogue/src/fixtures.js';
import { agreementBody, rule } from '../../functions/recognition/src/fixtures.js';
import { expectOk, launchChromium, startBrowserExchange, type BrowserExchange } from './support.js';

type Json = Record<string, any>;

let cx: BrowserExchange;
let browser: Browser;
let page: Page;
const key: Record<string, string> = {};
const STUDENT = { name: 'Ada Lovelace', email: 'ada@example.org' };

beforeAll(async () => {
  browser = await launchChromium();
  cx = await startBrowserExchange();
  key['uni-a'] = await cx.onboard('uni-a', 'Universiteit Leiden');
  key['uni-b'] = await cx.onboard('uni-b', 'Université de Lyon', 'FR');
  for (const code of ['ML-1', 'NORULE-1']) expectOk(await cx.api('PUT', `/v1/institutions/uni-a/components/${code}`, { key: key['uni-a'], body: componentBody() }));
  expectOk(await cx.api('PUT', '/v1/institutions/uni-b/agreements/uni-a-2026', { key: key['uni-b'], body: agreementBody('uni-a', [rule('ML-1', { ects: 6 })]) }));
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

async function issue(code: string): Promise<Json> {
  const body = expectOk(
    await cx.api('POST', '/v1/institutions/uni-a/credentials', { key: key['uni-a'], body: { achievement: { type: 'component', code }, recipient: STUDENT } }),
  );
  return body.credential;
}

/** Fills the transfer form as a student does and submits it; answers on the tracking page. */
async function submitTransfer(credentials: Json[]): Promise<void> {
  await page.goto(`${cx.url}/transfer`);
  await page.getByLabel('Receiving university').selectOption({ label: 'Université de Lyon' });
  await page.getByLabel('Your name').fill(STUDENT.name);
  await page.getByLabel('Your email address').fill(STUDENT.email);
  await page.getByLabel('Credential files').setInputFiles(
    credentials.map((credential, i) => ({ name: `credential-${i + 1}.json`, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(credential)) })),
  );
  await page.getByRole('button', { name: 'Submit for recognition' }).click();
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Your transfer to Université de Lyon');
}

/** Clicks the record's download link and answers the downloaded file's JSON. */
async function downloadRecord(): Promise<{ name: string; record: Json }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download the recognition record (JSON)' }).click()]);
  return { name: download.suggestedFilename(), record: JSON.parse(readFileSync((await download.path())!, 'utf8')) };
}

describe('a transfer in the browser', () => {
  it('is recognised at once under an agreement, and ends in a recognition record to download', async () => {
    const credential = await issue('ML-1');
    await submitTransfer([credential]);

    expect(await page.getByRole('status').first().innerText()).toContain('Keep this link');
    const trackingUrl = await page.getByLabel('Your tracking link').inputValue();
    expect(trackingUrl).toMatch(new RegExp(`^${cx.url}/transfer/track/[0-9a-f-]{36}\\?token=`));
    expect(await page.locator('#transfer-status').textContent()).toBe('Decided');
    expect(await page.locator('.item[data-outcome="recognised"]').innerText()).toMatch(/ECTS recognised\s+6/);

    const { name, record } = await downloadRecord();
    expect(name).toMatch(/^recognition-[0-9a-f-]{36}\.json$/);
    expect(record.type).toEqual(['VerifiableCredential', 'RecognitionRecord']);
    expect(record.credentialSubject.recognisedItems).toMatchObject([{ originalCredential: credential.id, ectsRecognised: 6 }]);
    expect(expectOk(await cx.api('POST', '/v1/credentials/verify', { body: { verifiableCredential: record } }), 200).verified).toBe(true);
  });

  it('waits for review when no agreement applies, and shows the record once a reviewer has decided', async () => {
    const recognised = await issue('ML-1');
    const pending = await issue('NORULE-1');
    await submitTransfer([recognised, pending]);
    expect(await page.locator('#transfer-status').textContent()).toBe('Waiting for review');
    expect(await page.locator('.item[data-outcome="pending"]').innerText()).toContain('no agreement rule of uni-b covers uni-a/NORULE-1');
    expect(await page.getByRole('link', { name: 'Download the recognition record (JSON)' }).count()).toBe(0);

    const transferId = new URL(page.url()).pathname.split('/').at(-1)!;
    expectOk(
      await cx.api('POST', `/v1/institutions/uni-b/transfers/${transferId}/decisions`, {
        key: key['uni-b'],
        body: { credentialId: pending.id, outcome: 'recognised', ects: 4, justification: { explanation: 'Comparable learning outcomes; a little less workload.' } },
      }),
      200,
    );

    await page.reload();
    expect(await page.locator('#transfer-status').textContent()).toBe('Decided');
    expect(await page.locator('.item[data-outcome="recognised"]').count()).toBe(2);
    expect(await page.locator('.history').last().innerText()).toContain('recognised (4 ECTS) by a reviewer. Comparable learning outcomes; a little less workload.');
    const { record } = await downloadRecord();
    expect(record.credentialSubject.totalEctsRecognised).toBe(10);
  });
});
