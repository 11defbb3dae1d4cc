/**
 * The claim page without a browser: a credential issued to an email address reaches its
 * student as a claim link (read from the mail the notice queue sent), which opens the
 * credential with its actions; forged, expired, replaced links answer pages saying how to
 * get a new one; every form refuses another site.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryMailer } from '@cx/core';
import type { Clock } from '@cx/domain';
import { PUBLIC_URL, testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { componentBody } from '../../catalogue/src/fixtures.js';
import { getPage, linkInMail, postForm } from './test-support.js';

type Json = Record<string, any>;

let cx: TestExchange;
let apiKey: string;
const mailer = new MemoryMailer();
/** Real time, moved on by tests that need a link to expire. */
let skewMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + skewMs) };
const DAY_MS = 24 * 3600 * 1000;

beforeAll(async () => {
  cx = await testExchange({ mailer, clock });
  apiKey = (await cx.onboard('uni-a', { name: 'Universiteit Leiden' })).apiKey;
  const put = await cx.request('PUT', '/v1/institutions/uni-a/components/ML-1', { key: apiKey, body: componentBody() });
  expect(put.status, await put.clone().text()).toBe(201);
  await cx.onboard('uni-b', { name: 'Université de Lyon', country: 'FR' });
});

/** Issues ML-1 to `email` and answers the credential and the claim link of its notice. */
async function issueTo(email: string): Promise<{ credential: Json; claim: string }> {
  const before = mailer.messages.length;
  const response = await cx.request('POST', '/v1/institutions/uni-a/credentials', {
    key: apiKey,
    body: { achievement: { type: 'component', code: 'ML-1' }, recipient: { name: 'Ada Lovelace', email } },
  });
  expect(response.status, await response.clone().text()).toBe(201);
  const { credential } = (await response.json()) as Json;
  return { credential, claim: await linkInMail(mailer, email, '/claim/', before) };
}

describe('a working claim link', () => {
  it('shows the credential as the verify page does, with its actions', async () => {
    const { claim } = await issueTo('ada@example.org');
    const page = await getPage(cx, claim);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<h1>Introduction to Machine Learning</h1>');
    expect(page.text).toContain('Issued to you by Universiteit Leiden');
    expect(page.text).toContain('Verified: this credential is genuine and valid');
    expect(page.text).toContain('Name (member list) Universiteit Leiden');
    expect(page.text).toContain('Quality assurance Internal QA of the Faculty of Science');
    expect(page.html).toContain(`href="${claim}/credential.json"`);
    expect(page.html).toContain(`action="${claim}/shares"`);
    expect(page.html).toContain(`action="${claim}/linkedin"`);
    expect(page.html).toContain(`href="${claim}/print"`);
    expect(page.html).toContain(`href="/transfer?claim=${claim.split('/').at(-1)}"`);
    expect(page.html).toContain('id="wallet"');
  });

  it('shows a suspended credential as suspended, still with its actions', async () => {
    const { credential, claim } = await issueTo('ada@example.org');
    const suspend = await cx.request('POST', `/v1/institutions/uni-a/credentials/${credential.id}/status`, { key: apiKey, body: { status: 'suspended', reason: 'under review' } });
    expect(suspend.status, await suspend.clone().text()).toBe(200);
    const page = await getPage(cx, claim);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Suspended by the issuer');
    expect(page.html).toContain(`href="${claim}/credential.json"`);
  });

  it('downloads the signed credential exactly as issued', async () => {
    const { credential, claim } = await issueTo('ada@example.org');
    const response = await cx.fetch(new Request(`${PUBLIC_URL}${claim}/credential.json`));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="introduction-to-machine-learning.json"');
    expect(await response.json()).toEqual(credential);
  });

  it('makes a share link, lists it with a withdraw button, and withdraws it', async () => {
    const { claim } = await issueTo('ada@example.org');
    const made = await postForm(cx, `${claim}/shares`, {});
    expect(made.status).toBe(303);
    expect(made.headers.get('location')).toBe(`${claim}#shares`);
    const page = await getPage(cx, claim);
    const shareId = /\/credentials\/([\w-]+)"/.exec(page.html)?.[1];
    expect(shareId).toMatch(/^[\w-]{22}$/);
    expect(page.html).toContain(`value="${PUBLIC_URL}/credentials/${shareId}"`);
    expect(page.html).toContain(`action="${claim}/shares/${shareId}/withdraw"`);
    expect((await getPage(cx, `/credentials/${shareId}`)).status).toBe(200);

    const withdrawn = await postForm(cx, `${claim}/shares/${shareId}/withdraw`, {});
    expect(withdrawn.status).toBe(303);
    expect((await getPage(cx, `/credentials/${shareId}`)).status).toBe(410);
    expect((await getPage(cx, claim)).html).not.toContain(`/credentials/${shareId}"`);
  });

  it('sends the student to LinkedIn with the certification filled in, making a share link first', async () => {
    const { credential, claim } = await issueTo('ada@example.org');
    const answer = await postForm(cx, `${claim}/linkedin`, {});
    expect(answer.status).toBe(303);
    const url = new URL(answer.headers.get('location')!);
    expect(url.origin + url.pathname).toBe('https://www.linkedin.com/profile/add');
    const year = new Date(credential.validFrom).getUTCFullYear();
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      startTask: 'CERTIFICATION_NAME',
      name: 'Introduction to Machine Learning',
      organizationName: 'Universiteit Leiden',
      issueYear: String(year),
      issueMonth: String(new Date(credential.validFrom).getUTCMonth() + 1),
      certId: credential.id,
    });
    expect(url.searchParams.get('certUrl')).toMatch(new RegExp(`^${PUBLIC_URL}/credentials/[\\w-]{22}$`));
    // the share it made is the one the page now lists, and LinkedIn is then a plain link
    const page = await getPage(cx, claim);
    expect(page.html).toContain(url.searchParams.get('certUrl')!);
    expect(page.html).toContain('href="https://www.linkedin.com/profile/add?');
  });

  it('prints with a QR code of the share link, offering to make one when there is none', async () => {
    const { claim } = await issueTo('ada@example.org');
    const bare = await getPage(cx, `${claim}/print`);
    expect(bare.status).toBe(200);
    expect(bare.text).toContain('There is no share link yet');
    expect(bare.html).toContain('name="next" value="print"');

    const made = await postForm(cx, `${claim}/shares`, { next: 'print' });
    expect(made.headers.get('location')).toBe(`${claim}/print`);
    const printed = await getPage(cx, `${claim}/print`);
    expect(printed.html).toMatch(/<img src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="QR code of the share link http:\/\/exchange\.test:8080\/credentials\/[\w-]{22}"/);
    expect(printed.text).toContain('Awarded to Ada Lovelace');
    expect(printed.text).toContain('Issued by Universiteit Leiden');
  });

  it('opens the transfer form with the credential attached by name', async () => {
    const { claim } = await issueTo('ada@example.org');
    const token = claim.split('/').at(-1)!;
    const page = await getPage(cx, `/transfer?claim=${token}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Attached credentials Introduction to Machine Learning');
    expect(page.html).toContain(`<input type="hidden" name="claim" value="${token}"`);
  });

  it('submits the attached credential as the claim link resolves it, never one posted for it', async () => {
    const { claim } = await issueTo('ada@example.org');
    const token = claim.split('/').at(-1)!;
    const submitted = await postForm(cx, '/transfer', { institution: 'uni-b', name: 'Ada Lovelace', email: 'ada@example.org', claim: token });
    expect(submitted.status, submitted.text).toBe(303);
    const tracking = await getPage(cx, submitted.headers.get('location')!);
    expect(tracking.text).toContain('Introduction to Machine Learning');
    expect(tracking.text).toContain('Issued by Universiteit Leiden');

    const forged = await postForm(cx, '/transfer', { institution: 'uni-b', name: 'Ada Lovelace', email: 'ada@example.org', claim: 'forged-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' });
    expect(forged.status).toBe(400);
    expect(forged.text).toContain('the claim link of an attached credential no longer works');
  });
});

describe('a claim link that does not work', () => {
  it('answers 404 for a forged link, saying how to get a new one', async () => {
    for (const path of ['/claim/forged-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '/claim/x', `/claim/${'a'.repeat(500)}/credential.json`]) {
      const page = await getPage(cx, path);
      expect(page.status, path).toBe(404);
      expect(page.text).toContain('This claim link does not work');
      expect(page.text).toContain('Sign in at My credentials');
      expect(page.text).toContain('ask the university that issued the credential');
    }
  });

  it('answers 410 once the link is older than its 30 days', async () => {
    const { claim } = await issueTo('late@example.org');
    skewMs = 31 * DAY_MS;
    try {
      const page = await getPage(cx, claim);
      expect(page.status).toBe(410);
      expect(page.text).toContain('This claim link has expired');
      expect((await postForm(cx, `${claim}/shares`, {})).status).toBe(410);
    } finally {
      skewMs = 0;
    }
  });

  it('answers 410 once the university sent a new notice, and the new link works', async () => {
    const { credential, claim } = await issueTo('again@example.org');
    const before = mailer.messages.length;
    const renotice = await cx.request('POST', `/v1/institutions/uni-a/credentials/${credential.id}/notices`, { key: apiKey });
    expect(renotice.status, await renotice.clone().text()).toBe(202);
    const fresh = await linkInMail(mailer, 'again@example.org', '/claim/', before);
    expect(fresh).not.toBe(claim);
    const old = await getPage(cx, claim);
    expect(old.status).toBe(410);
    expect(old.text).toContain('This claim link was replaced');
    expect((await getPage(cx, fresh)).status).toBe(200);
  });

  it('keeps working when used again: a claim link is not single use', async () => {
    const { claim } = await issueTo('ada@example.org');
    expect((await getPage(cx, claim)).status).toBe(200);
    expect((await getPage(cx, claim)).status).toBe(200);
  });
});

describe('forms from another site', () => {
  it('are refused and change nothing', async () => {
    const { claim } = await issueTo('ada@example.org');
    for (const [path, fields] of [
      [`${claim}/shares`, {}],
      [`${claim}/shares`, { next: 'print' }],
      [`${claim}/linkedin`, {}],
      ['/transfer', { institution: 'uni-b', name: 'Ada Lovelace', email: 'ada@example.org', claim: claim.split('/').at(-1)! }],
    ] as const) {
      const page = await postForm(cx, path, fields, 'https://evil.example');
      expect(page.status, path).toBe(403);
    }
    expect((await getPage(cx, claim)).text).toContain('No share link yet');
    await postForm(cx, `${claim}/shares`, {});
    const shareId = /\/credentials\/([\w-]+)"/.exec((await getPage(cx, claim)).html)![1]!;
    expect((await postForm(cx, `${claim}/shares/${shareId}/withdraw`, {}, 'https://evil.example')).status).toBe(403);
    expect((await getPage(cx, `/credentials/${shareId}`)).status).toBe(200);
  });
});
