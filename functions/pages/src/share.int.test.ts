/**
 * Share links without a browser: the page says in plain words whether the credential is
 * genuine; `.json` or `Accept: application/json` serves the signed credential to any origin;
 * a withdrawn link answers 410 (a page, or problem+json), an unknown one 404.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryMailer } from '@cx/core';
import { PUBLIC_URL, testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { componentBody } from '../../catalogue/src/fixtures.js';
import { getPage, linkInMail, postForm } from './test-support.js';

type Json = Record<string, any>;

let cx: TestExchange;
let apiKey: string;
const mailer = new MemoryMailer();

beforeAll(async () => {
  cx = await testExchange({ mailer });
  apiKey = (await cx.onboard('uni-a', { name: 'Universiteit Leiden' })).apiKey;
  const put = await cx.request('PUT', '/v1/institutions/uni-a/components/ML-1', { key: apiKey, body: componentBody() });
  expect(put.status, await put.clone().text()).toBe(201);
});

/** Issues ML-1 to a student, shares it from the claim page, and answers the share id. */
async function shared(email = 'ada@example.org'): Promise<{ credential: Json; claim: string; shareId: string }> {
  const before = mailer.messages.length;
  const response = await cx.request('POST', '/v1/institutions/uni-a/credentials', {
    key: apiKey,
    body: { achievement: { type: 'component', code: 'ML-1' }, recipient: { name: 'Ada Lovelace', email } },
  });
  expect(response.status, await response.clone().text()).toBe(201);
  const { credential } = (await response.json()) as Json;
  const claim = await linkInMail(mailer, email, '/claim/', before);
  expect((await postForm(cx, `${claim}/shares`, {})).status).toBe(303);
  const shareId = /\/credentials\/([\w-]+)"/.exec((await getPage(cx, claim)).html)![1]!;
  return { credential, claim, shareId };
}

const fetchShare = (path: string, headers: Record<string, string> = {}) => cx.fetch(new Request(`${PUBLIC_URL}${path}`, { headers }));

describe('a share link', () => {
  it('shows the verification in plain words and links to the JSON', async () => {
    const { shareId } = await shared();
    const page = await getPage(cx, `/credentials/${shareId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Verified: this credential is genuine and valid');
    expect(page.text).toContain('Issued by Universiteit Leiden, a member of the consortium');
    expect(page.text).toContain('Introduction to Machine Learning');
    expect(page.html).toContain(`href="/credentials/${shareId}.json"`);
    // the student's claim link is nowhere on the public page
    expect(page.html).not.toContain('/claim/');
  });

  it('serves the signed credential as JSON to any origin, by .json or by Accept', async () => {
    const { credential, shareId } = await shared();
    for (const [path, headers] of [
      [`/credentials/${shareId}.json`, {}],
      [`/credentials/${shareId}`, { accept: 'application/json' }],
      [`/credentials/${shareId}`, { accept: 'application/ld+json, text/html;q=0.5' }],
    ] as const) {
      const response = await fetchShare(path, headers);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(await response.json()).toEqual(credential);
    }
  });

  it('answers 410 once withdrawn: a page for people, problem+json for machines', async () => {
    const { claim, shareId } = await shared();
    expect((await postForm(cx, `${claim}/shares/${shareId}/withdraw`, {})).status).toBe(303);
    const page = await getPage(cx, `/credentials/${shareId}`);
    expect(page.status).toBe(410);
    expect(page.text).toContain('This share link was withdrawn');
    const json = await fetchShare(`/credentials/${shareId}.json`);
    expect(json.status).toBe(410);
    expect(json.headers.get('content-type')).toBe('application/problem+json');
    expect(json.headers.get('access-control-allow-origin')).toBe('*');
    expect(((await json.json()) as Json).status).toBe(410);
  });

  it('answers 404 for an id that was never shared', async () => {
    for (const path of ['/credentials/AAAAAAAAAAAAAAAAAAAAAA', '/credentials/nope', '/credentials/AAAAAAAAAAAAAAAAAAAAAA.json']) {
      const response = await fetchShare(path);
      expect(response.status, path).toBe(404);
    }
    expect((await getPage(cx, '/credentials/AAAAAAAAAAAAAAAAAAAAAA')).text).toContain('No credential at this link');
  });

  it('shows a revoked credential as revoked', async () => {
    const { credential, shareId } = await shared();
    const revoke = await cx.request('POST', `/v1/institutions/uni-a/credentials/${credential.id}/status`, { key: apiKey, body: { status: 'revoked', reason: 'awarded in error' } });
    expect(revoke.status, await revoke.clone().text()).toBe(200);
    const page = await getPage(cx, `/credentials/${shareId}`);
    expect(page.text).toContain('Revoked by the issuer');
  });
});
