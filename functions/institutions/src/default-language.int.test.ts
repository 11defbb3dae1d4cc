/**
 * An institution's `defaultLanguage`: taken at onboarding (one of the languages the exchange
 * has messages in), English when not given, kept by the store, answered by the API, and the
 * language its claim notices are written in first, with the other language below.
 */
import { MemoryMailer } from '@cx/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { componentBody } from '../../catalogue/src/fixtures.js';
import { issueBody } from '../../credentials/src/fixtures.js';

let cx: TestExchange;
const mailer = new MemoryMailer();

beforeAll(async () => {
  cx = await testExchange({ mailer });
});

async function noticeFor(institution: string, key: string, email: string) {
  expect((await cx.request('PUT', `/v1/institutions/${institution}/components/ML-1`, { key, body: componentBody() })).status).toBe(201);
  const issued = await cx.request('POST', `/v1/institutions/${institution}/credentials`, { key, body: issueBody({ recipient: { name: 'Ada Lovelace', email } }) });
  expect(issued.status, await issued.clone().text()).toBe(201);
  for (let attempt = 0; attempt < 200; attempt++) {
    const message = mailer.messages.find((m) => m.to === email);
    if (message) return message;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no notice to ${email}`);
}

describe('defaultLanguage', () => {
  it('is kept and answered as given, and writes the claim notice in German first, English below', async () => {
    const { apiKey, institution } = await cx.onboard('uni-leipzig', { name: 'Universität Leipzig', country: 'DE', defaultLanguage: 'de' });
    expect(institution.defaultLanguage).toBe('de');
    const read = await cx.request('GET', '/v1/institutions/uni-leipzig');
    expect(((await read.json()) as { defaultLanguage: string }).defaultLanguage).toBe('de');

    const notice = await noticeFor('uni-leipzig', apiKey, 'lena@example.de');
    expect(notice.language).toBe('de');
    expect(notice.subject).toMatch(/^Universität Leipzig hat Ihnen einen Nachweis ausgestellt: /);
    expect(notice.html).toContain('>Ihren Nachweis öffnen</a>');
    expect(notice.text.indexOf('hat Ihnen einen Nachweis')).toBeLessThan(notice.text.indexOf('issued you a credential'));
    expect(notice.html).toContain('<html lang="de">');
    expect(notice.html).toContain('<div lang="en">');
  });

  it('is English when not given', async () => {
    const { apiKey, institution } = await cx.onboard('uni-leiden', { name: 'Universiteit Leiden' });
    expect(institution.defaultLanguage).toBe('en');
    const notice = await noticeFor('uni-leiden', apiKey, 'ada@example.org');
    expect(notice.language).toBe('en');
    expect(notice.text.indexOf('issued you a credential')).toBeLessThan(notice.text.indexOf('hat Ihnen einen Nachweis'));
  });

  it.each([['fr'], ['DE'], ['german'], [1]])('refuses %j, naming the field and the languages there are', async (defaultLanguage) => {
    const response = await cx.request('POST', '/v1/institutions', {
      key: cx.adminKey,
      body: { id: 'uni-x', name: 'X', country: 'FR', homepage: 'https://x.example', defaultLanguage },
    });
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { errors: Array<{ field: string; message: string }> };
    expect(problem.errors).toEqual([expect.objectContaining({ field: 'defaultLanguage', message: expect.stringContaining('en, de') })]);
  });
});
