/**
 * `/my` without a browser: signing in with a link sent to the address (the same answer for
 * an address without credentials), the session cookie, the holder's credentials, shares and
 * transfers, sign-out and sign-out everywhere; forged, expired and reused links, flooding,
 * another student's share, and forms from another site.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryMailer } from '@cx/core';
import type { Clock } from '@cx/domain';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { componentBody } from '../../catalogue/src/fixtures.js';
import { agreementBody, rule } from '../../recognition/src/fixtures.js';
import { elementById, getPage, linkInMail, postForm, type Page } from './test-support.js';

type Json = Record<string, any>;

let cx: TestExchange;
const key: Record<string, string> = {};
const mailer = new MemoryMailer();
let skewMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + skewMs) };
const MINUTE_MS = 60 * 1000;

// sign-in requests are limited per client in 15-minute windows, and every request of these
// tests comes from one client: each test starts in a window of its own
beforeEach(() => {
  skewMs += 15 * MINUTE_MS;
});

beforeAll(async () => {
  cx = await testExchange({ mailer, clock });
  key['uni-a'] = (await cx.onboard('uni-a', { name: 'Universiteit Leiden' })).apiKey;
  key['uni-b'] = (await cx.onboard('uni-b', { name: 'Université de Lyon', country: 'FR' })).apiKey;
  for (const code of ['ML-1', 'DB-1']) {
    const put = await cx.request('PUT', `/v1/institutions/uni-a/components/${code}`, { key: key['uni-a'], body: componentBody({ title: code === 'ML-1' ? 'Machine Learning' : 'Databases' }) });
    expect(put.status, await put.clone().text()).toBe(201);
  }
  const agreement = await cx.request('PUT', '/v1/institutions/uni-b/agreements/uni-a-2026', { key: key['uni-b'], body: agreementBody('uni-a', [rule('ML-1', { ects: 5 }), rule('DB-1', { ects: 5 })]) });
  expect(agreement.status, await agreement.clone().text()).toBe(201);
});

async function issue(code: string, email: string): Promise<Json> {
  const response = await cx.request('POST', '/v1/institutions/uni-a/credentials', {
    key: key['uni-a'],
    body: { achievement: { type: 'component', code }, recipient: { name: 'Ada Lovelace', email } },
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as Json).credential;
}

/** Asks for a sign-in link for `email` and answers its path (`/my?token=...`). */
async function signInLink(email: string): Promise<string> {
  const before = mailer.messages.length;
  const answer = await postForm(cx, '/my/sign-in', { email });
  expect(answer.status, answer.text).toBe(200);
  return linkInMail(mailer, email, '/my?token=', before);
}

/** Signs in as `email` and answers the session cookie to send back. */
async function signIn(email: string): Promise<string> {
  const opened = await getPage(cx, await signInLink(email));
  expect(opened.status).toBe(303);
  expect(opened.headers.get('location')).toBe('/my');
  return cookieOf(opened);
}

function cookieOf(page: Page): string {
  const set = page.headers.get('set-cookie') ?? '';
  return set.split(';')[0]!;
}

const as = (cookie: string) => ({ cookie });

describe('signing in', () => {
  it('shows the sign-in form without a session', async () => {
    const page = await getPage(cx, '/my');
    expect(page.status).toBe(200);
    expect(page.html).toContain('action="/my/sign-in"');
    expect(elementById(page.html, 'email')).toContain('name="email"');
  });

  it('answers the same whether or not the address has credentials, and mails only the one that has', async () => {
    await issue('ML-1', 'holder@example.org');
    const before = mailer.messages.length;
    const known = await postForm(cx, '/my/sign-in', { email: 'holder@example.org' });
    const unknown = await postForm(cx, '/my/sign-in', { email: 'nobody@example.org' });
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect(unknown.text).toBe(known.text);
    expect(known.text).toContain('If this address has credentials, a sign-in link is on its way to it. The link works for 15 minutes');
    await linkInMail(mailer, 'holder@example.org', '/my?token=', before);
    expect(mailer.messages.slice(before).some((m) => m.to === 'nobody@example.org')).toBe(false);
  });

  it('opens a session with the link: an HttpOnly, SameSite=Lax cookie for 12 hours, and the token out of the address bar', async () => {
    await issue('ML-1', 'cookie@example.org');
    const opened = await getPage(cx, await signInLink('cookie@example.org'));
    expect(opened.status).toBe(303);
    expect(opened.headers.get('location')).toBe('/my');
    const cookie = opened.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^cx_session=[\w-]{43}; Max-Age=43200; Path=\/; HttpOnly; SameSite=Lax$/);
  });

  it('refuses a link used before, a forged one and an expired one, with the form to ask again', async () => {
    await issue('ML-1', 'reuse@example.org');
    const link = await signInLink('reuse@example.org');
    expect((await getPage(cx, link)).status).toBe(303);
    const reused = await getPage(cx, link);
    expect(reused.status).toBe(400);
    expect(reused.text).toContain('This sign-in link does not work');
    expect(reused.html).toContain('action="/my/sign-in"');
    expect(reused.headers.get('set-cookie')).toBeNull();

    expect((await getPage(cx, '/my?token=forged-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')).status).toBe(400);

    const late = await signInLink('reuse@example.org');
    skewMs += 16 * MINUTE_MS;
    expect((await getPage(cx, late)).status).toBe(400);
  });

  it('ties a bad address to its field', async () => {
    const page = await postForm(cx, '/my/sign-in', { email: 'not-an-address' });
    expect(page.status).toBe(400);
    expect(page.text).toContain('Email address: enter an email address');
    expect(elementById(page.html, 'email')).toContain('aria-invalid="true"');
    expect(elementById(page.html, 'email')).toContain('value="not-an-address"');
  });

  it('answers 429 when one address asks too often', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await postForm(cx, '/my/sign-in', { email: 'flood@example.org' })).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.at(-1)).toBe(429);
    const page = await postForm(cx, '/my/sign-in', { email: 'flood@example.org' });
    expect(page.text).toContain('too many sign-in links were asked for');
  });
});

describe('signed in', () => {
  it('pages an address with more credentials than one page holds, oldest on the next page', async () => {
    const items = Array.from({ length: 101 }, () => ({ achievement: { type: 'component', code: 'ML-1' }, recipient: { name: 'Ada Lovelace', email: 'many@example.org' } }));
    const run = await cx.request('POST', '/v1/institutions/uni-a/credential-batches', { key: key['uni-a'], body: { items, notify: false } });
    expect(run.status).toBe(202);
    const { id: batchId } = (await run.json()) as { id: string };
    for (let i = 0; i < 600 && !(await cx.deps.store.batches.get('uni-a', batchId))?.finishedAt; i++) await new Promise((r) => setTimeout(r, 25));
    const cookie = await signIn('many@example.org');

    const first = await getPage(cx, '/my', as(cookie));
    expect(first.html.match(/data-credential="/g)).toHaveLength(100);
    const older = /href="(\/my\?cursor=[^"#]+)#credentials"/.exec(first.html)?.[1];
    expect(older).toBeDefined();

    const second = await getPage(cx, older!.replace(/&amp;/g, '&'), as(cookie));
    expect(second.status).toBe(200);
    expect(second.html.match(/data-credential="/g)).toHaveLength(1);
    // no link to older credentials (the language switcher's links keep the page's own cursor)
    expect(second.html).not.toMatch(/href="\/my\?cursor=[^"#]+#credentials"/);
  });

  it('lists every credential of the address, marks a revoked one, and opens each with the claim page actions', async () => {
    const ml = await issue('ML-1', 'list@example.org');
    const db = await issue('DB-1', 'list@example.org');
    await issue('ML-1', 'someone-else@example.org');
    const revoke = await cx.request('POST', `/v1/institutions/uni-a/credentials/${db.id}/status`, { key: key['uni-a'], body: { status: 'revoked', reason: 'awarded in error' } });
    expect(revoke.status).toBe(200);
    const cookie = await signIn('list@example.org');

    const page = await getPage(cx, '/my', as(cookie));
    expect(page.status).toBe(200);
    expect(page.text).toContain('Machine Learning');
    expect(page.text).toContain('Databases');
    expect(page.html.match(/data-credential="/g)).toHaveLength(2);
    expect(page.html).toMatch(/Databases<\/a><\/h3><p class="meta">[^<]*<span class="tag bad">Revoked<\/span>/);
    expect(page.html).toContain(`name="held" value="uni-a/${ml.id}"`);

    const detail = await getPage(cx, `/my/credentials/uni-a/${encodeURIComponent(ml.id)}`, as(cookie));
    expect(detail.status).toBe(200);
    expect(detail.text).toContain('Verified: this credential is genuine and valid');
    expect(detail.html).toContain(`action="/my/credentials/uni-a/${encodeURIComponent(ml.id)}/shares"`);
    const download = await getPage(cx, `/my/credentials/uni-a/${encodeURIComponent(ml.id)}/credential.json`, as(cookie));
    expect(JSON.parse(download.html)).toEqual(ml);
  });

  it('does not open another student\'s credential, nor any without a session', async () => {
    const theirs = await issue('ML-1', 'other@example.org');
    const cookie = await signIn('list@example.org');
    expect((await getPage(cx, `/my/credentials/uni-a/${encodeURIComponent(theirs.id)}`, as(cookie))).status).toBe(404);
    const anonymous = await getPage(cx, `/my/credentials/uni-a/${encodeURIComponent(theirs.id)}`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.html).toContain('action="/my/sign-in"');
  });

  it('withdraws its own shares, one or all, and never another student\'s', async () => {
    const mine = await issue('ML-1', 'sharer@example.org');
    const cookie = await signIn('sharer@example.org');
    const base = `/my/credentials/uni-a/${encodeURIComponent(mine.id)}`;
    for (let i = 0; i < 2; i++) expect((await postForm(cx, `${base}/shares`, {}, undefined, as(cookie))).status).toBe(303);
    const listed = await getPage(cx, '/my', as(cookie));
    const ids = [...listed.html.matchAll(/action="\/my\/shares\/([\w-]+)\/withdraw"/g)].map((m) => m[1]!);
    expect(ids).toHaveLength(2);

    // another student's share id
    const other = await issue('ML-1', 'victim@example.org');
    const otherCookie = await signIn('victim@example.org');
    await postForm(cx, `/my/credentials/uni-a/${encodeURIComponent(other.id)}/shares`, {}, undefined, as(otherCookie));
    const victimShare = /action="\/my\/shares\/([\w-]+)\/withdraw"/.exec((await getPage(cx, '/my', as(otherCookie))).html)![1]!;
    expect((await postForm(cx, `/my/shares/${victimShare}/withdraw`, {}, undefined, as(cookie))).status).toBe(404);
    expect((await postForm(cx, `${base}/shares/${victimShare}/withdraw`, {}, undefined, as(cookie))).status).toBe(404);
    expect((await getPage(cx, `/credentials/${victimShare}`)).status).toBe(200);

    expect((await postForm(cx, `/my/shares/${ids[0]}/withdraw`, {}, undefined, as(cookie))).status).toBe(303);
    expect((await getPage(cx, `/credentials/${ids[0]}`)).status).toBe(410);
    expect((await getPage(cx, `/credentials/${ids[1]}`)).status).toBe(200);
    expect((await postForm(cx, '/my/shares/withdraw-all', {}, undefined, as(cookie))).status).toBe(303);
    expect((await getPage(cx, `/credentials/${ids[1]}`)).status).toBe(410);
    expect((await getPage(cx, `/credentials/${victimShare}`)).status).toBe(200);
  });

  it('starts a transfer from several held credentials, resolved again through the session, and lists it with its tracking page', async () => {
    const ml = await issue('ML-1', 'mover@example.org');
    const db = await issue('DB-1', 'mover@example.org');
    const cookie = await signIn('mover@example.org');
    const held = [`uni-a/${ml.id}`, `uni-a/${db.id}`];
    const form = await getPage(cx, `/transfer?${held.map((h) => `held=${encodeURIComponent(h)}`).join('&')}`, as(cookie));
    expect(form.status).toBe(200);
    expect(form.text).toContain('Attached credentials Machine Learning Databases');

    const submitted = await postForm(cx, '/transfer', { institution: 'uni-b', name: 'Ada Lovelace', email: 'mover@example.org', held }, undefined, as(cookie));
    expect(submitted.status, submitted.text).toBe(303);
    const tracking = await getPage(cx, submitted.headers.get('location')!);
    expect(tracking.text).toContain('Decided');
    expect(tracking.text).toContain('10 ECTS recognised in all');

    const list = await getPage(cx, '/my', as(cookie));
    const link = /href="(\/my\/transfers\/[0-9a-f-]{36})"/.exec(list.html)?.[1];
    expect(link).toBeDefined();
    const mine = await getPage(cx, link!, as(cookie));
    expect(mine.status).toBe(200);
    expect(mine.text).toContain('Your transfer to Université de Lyon');
    const record = await getPage(cx, `${link}/record`, as(cookie));
    expect(record.status).toBe(200);
    expect(JSON.parse(record.html).type).toEqual(['VerifiableCredential', 'RecognitionRecord']);
    // another student's session sees no such transfer
    expect((await getPage(cx, link!, as(await signIn('list@example.org')))).status).toBe(404);
  });

  it('refuses a held credential posted without the session', async () => {
    const ml = await issue('ML-1', 'nosession@example.org');
    const page = await postForm(cx, '/transfer', { institution: 'uni-b', name: 'Ada Lovelace', email: 'nosession@example.org', held: `uni-a/${ml.id}` });
    expect(page.status).toBe(400);
    expect(page.text).toContain('your session at My credentials has ended');
  });

  it('signs out, and signs out everywhere', async () => {
    await issue('ML-1', 'leaver@example.org');
    const first = await signIn('leaver@example.org');
    const second = await signIn('leaver@example.org');
    const out = await postForm(cx, '/my/sign-out', {}, undefined, as(first));
    expect(out.text).toContain('You are signed out.');
    expect(out.headers.get('set-cookie')).toMatch(/^cx_session=; Max-Age=0/);
    expect((await getPage(cx, '/my', as(first))).html).toContain('action="/my/sign-in"');
    expect((await getPage(cx, '/my', as(second))).text).toContain('Machine Learning');

    const third = await signIn('leaver@example.org');
    expect((await postForm(cx, '/my/sign-out-everywhere', {}, undefined, as(third))).text).toContain('signed out on every device');
    expect((await getPage(cx, '/my', as(second))).html).toContain('action="/my/sign-in"');
  });
});

describe('forms from another site', () => {
  it('are refused and change nothing', async () => {
    const ml = await issue('ML-1', 'csrf@example.org');
    const cookie = await signIn('csrf@example.org');
    const base = `/my/credentials/uni-a/${encodeURIComponent(ml.id)}`;
    await postForm(cx, `${base}/shares`, {}, undefined, as(cookie));
    const shareId = /action="\/my\/shares\/([\w-]+)\/withdraw"/.exec((await getPage(cx, '/my', as(cookie))).html)![1]!;
    const before = mailer.messages.length;
    for (const [path, fields] of [
      ['/my/sign-in', { email: 'csrf@example.org' }],
      [`${base}/shares`, {}],
      [`${base}/linkedin`, {}],
      [`${base}/shares/${shareId}/withdraw`, {}],
      [`/my/shares/${shareId}/withdraw`, {}],
      ['/my/shares/withdraw-all', {}],
      ['/my/sign-out', {}],
      ['/my/sign-out-everywhere', {}],
      ['/transfer', { institution: 'uni-b', name: 'Ada', email: 'csrf@example.org', held: `uni-a/${ml.id}` }],
    ] as const) {
      expect((await postForm(cx, path, fields, 'https://evil.example', as(cookie))).status, path).toBe(403);
    }
    expect((await getPage(cx, `/credentials/${shareId}`)).status).toBe(200);
    const page = await getPage(cx, '/my', as(cookie));
    expect(page.text).toContain('Machine Learning');
    expect(page.html.match(/action="\/my\/shares\/[\w-]+\/withdraw"/g)).toHaveLength(1);
    expect(page.html).not.toContain('/my/transfers/');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(mailer.messages.length).toBe(before);
  });
});
