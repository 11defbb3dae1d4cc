/**
 * The verify page without a browser: what it says about genuine, tampered, revoked,
 * suspended, expired and foreign credentials, how it names the issuer, how it refuses input
 * that is not a credential, and that it escapes what a credential contains.
 */
import type { Clock } from '@cx/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { componentBody } from '../../catalogue/src/fixtures.js';
import { issueBody } from '../../credentials/src/fixtures.js';
import { elementById, getPage, jsonFile, postForm, type Page } from './test-support.js';

type Json = Record<string, any>;

let now = Date.parse('2026-03-01T12:00:00Z');
const clock: Clock = { now: () => new Date(now) };

let cx: TestExchange;
let key: string;
let credential: Json;

beforeAll(async () => {
  cx = await testExchange({ clock });
  key = (await cx.onboard('uni-a', { name: 'Universiteit Leiden' })).apiKey;
  expect((await cx.request('PUT', '/v1/institutions/uni-a/components/ML-1', { key, body: componentBody() })).status).toBe(201);
  credential = await issue();
});

async function issue(body: unknown = issueBody()): Promise<Json> {
  const response = await cx.request('POST', '/v1/institutions/uni-a/credentials', { key, body });
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as Json).credential;
}

const verify = (vc: unknown): Promise<Page> => postForm(cx, '/verify', { credential: typeof vc === 'string' ? vc : JSON.stringify(vc) });
const verdictOf = (page: Page) => /data-verdict="([a-z-]+)"/.exec(page.html)?.[1];

describe('a genuine credential', () => {
  it('is shown as verified, with every check passed', async () => {
    const page = await verify(credential);
    expect(page.status).toBe(200);
    expect(verdictOf(page)).toBe('verified');
    expect(page.text).toContain('Verified: this credential is genuine and valid');
    expect(page.html.match(/<li class="ok" data-check=/g)).toHaveLength(6);
  });

  it('shows every EU element of the achievement in words', async () => {
    const { text } = await verify(credential);
    for (const fact of [
      'ECTS credits 5',
      'EQF level 6',
      'Field of education (ISCED-F) 0613 Software and applications development and analysis',
      'Learning outcomes Explain bias and variance Train and evaluate a classifier',
      'Assessment Project',
      'Supervision and identity check Supervised',
      'Form of participation Blended (online and on site)',
      'Quality assurance Internal QA of the Faculty of Science, accredited programme',
      'Awarding body Universiteit Leiden',
      'Country Netherlands (NL)',
      'Languages of instruction English (en)',
    ]) {
      expect(text).toContain(fact);
    }
  });

  it('says the recipient is identified by a hashed email, and the status is active', async () => {
    const { text } = await verify(credential);
    expect(text).toContain('Identified as Identified by a hashed email address');
    expect(text).toContain('Status Active: not revoked or suspended');
  });

  it('shows a recipient DID when the credential was issued to one', async () => {
    const did = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
    const { text } = await verify(await issue(issueBody({ recipient: { name: 'Ada Lovelace', did } })));
    expect(text).toContain(`The holder of the DID ${did}`);
  });

  it('names the issuer as the member list does now, not as the credential does', async () => {
    const member = (await cx.deps.store.institutions.get('uni-a'))!;
    await cx.deps.store.institutions.update(member, { ...member, name: 'Leiden University' }, []);
    try {
      const { text } = await verify(credential);
      expect(credential.issuer.name).toBe('Universiteit Leiden');
      expect(text).toContain('Name (member list) Leiden University');
      expect(text).not.toContain('Universiteit Leiden');
    } finally {
      const renamed = (await cx.deps.store.institutions.get('uni-a'))!;
      await cx.deps.store.institutions.update(renamed, { ...renamed, name: 'Universiteit Leiden' }, []);
    }
  });

  it('verifies a credential sent as a file, as without JavaScript', async () => {
    const page = await postForm(cx, '/verify', { credential: '', file: jsonFile(credential) });
    expect(verdictOf(page)).toBe('verified');
  });
});

describe('each kind of failure is worded on its own', () => {
  it('shows a changed credential as tampered', async () => {
    const copy = structuredClone(credential);
    copy.credentialSubject.achievement.ectsCredits = 30;
    const page = await verify(copy);
    expect(verdictOf(page)).toBe('tampered');
    expect(page.text).toContain('Tampered: the signature does not match the content');
    expect(page.html).toMatch(/<li class="bad" data-check="proof">/);
  });

  it('shows a revoked credential as revoked', async () => {
    const revoked = await issue();
    const response = await cx.request('POST', `/v1/institutions/uni-a/credentials/${revoked.id}/status`, { key, body: { status: 'revoked', reason: 'fraud' } });
    expect(response.status).toBe(200);
    const page = await verify(revoked);
    expect(verdictOf(page)).toBe('revoked');
    expect(page.text).toContain('Revoked by the issuer');
    expect(page.text).toContain('Status Revoked');
  });

  it('shows a suspended credential as suspended', async () => {
    const suspended = await issue();
    const response = await cx.request('POST', `/v1/institutions/uni-a/credentials/${suspended.id}/status`, { key, body: { status: 'suspended', reason: 'inquiry' } });
    expect(response.status).toBe(200);
    const page = await verify(suspended);
    expect(verdictOf(page)).toBe('suspended');
    expect(page.text).toContain('Suspended by the issuer');
  });

  it('shows a credential past its validity period as expired', async () => {
    const expiring = await issue(issueBody({ validUntil: new Date(now + 86_400_000).toISOString() }));
    const before = now;
    now += 2 * 86_400_000;
    try {
      const page = await verify(expiring);
      expect(verdictOf(page)).toBe('expired');
      expect(page.text).toContain('Expired');
    } finally {
      now = before;
    }
  });

  it('shows a credential whose issuer is not a member as foreign, without the name it claims', async () => {
    const copy = structuredClone(credential);
    copy.issuer.id = copy.issuer.id.replace(/uni-a$/, 'uni-x');
    copy.issuer.name = 'Sorbonne Université';
    const page = await verify(copy);
    expect(verdictOf(page)).toBe('foreign');
    expect(page.text).toContain('Foreign: not issued by a member of this consortium');
    expect(page.text).not.toContain('Sorbonne');
  });

  it('escapes what the credential contains', async () => {
    const copy = structuredClone(credential);
    copy.credentialSubject.achievement.name = '<script>alert(1)</script>';
    const page = await verify(copy);
    expect(page.html).not.toContain('<script>alert(1)</script>');
    expect(page.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('input that is not a credential', () => {
  it('is refused with a message tied to the field', async () => {
    const page = await verify('{ not json');
    expect(page.status).toBe(400);
    expect(page.text).toContain('There is a problem');
    expect(page.text).toContain('This is not valid JSON');
    const field = elementById(page.html, 'credential')!;
    expect(field).toContain('aria-invalid="true"');
    expect(field).toContain('aria-describedby="credential-hint credential-error"');
  });

  it('refuses JSON that is not an object', async () => {
    const page = await verify('[1, 2]');
    expect(page.status).toBe(400);
    expect(page.text).toContain('This is JSON, but not a credential');
  });

  it('calls a JSON object without issuer or proof not a verifiable credential', async () => {
    expect(verdictOf(await verify({ hello: 'world' }))).toBe('not-a-credential');
  });
});

describe('the form', () => {
  it('refuses a form posted from another site', async () => {
    const page = await postForm(cx, '/verify', { credential: JSON.stringify(credential) }, 'https://evil.example');
    expect(page.status).toBe(403);
    expect(page.text).toContain('This form was refused');
  });

  it('fetches ?url= in the browser, never on the server', async () => {
    const page = await getPage(cx, '/verify?url=https%3A%2F%2Fwallet.example%2Fc%2F1.json');
    expect(page.status).toBe(200);
    expect(page.html).toContain('data-fetch-url="https://wallet.example/c/1.json"');
  });

  it('refuses a ?url= that is not an http address', async () => {
    const page = await getPage(cx, '/verify?url=javascript%3Aalert(1)');
    expect(page.status).toBe(400);
    expect(page.html).not.toContain('data-fetch-url');
  });

  it('is served with a content security policy that allows only its own scripts', async () => {
    const page = await getPage(cx, '/verify');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.html).toMatch(/^<!DOCTYPE html><html lang="en">/);
  });
});
