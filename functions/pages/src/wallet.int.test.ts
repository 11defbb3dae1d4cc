/**
 * Wallets on the pages without a browser: "Add to my wallet" from a claim link and from `/my`
 * answers the Learner Credential Wallet's deep link (carrying the exchange), the interaction
 * URL and an OpenID4VCI offer (by reference from a claim link, by value from `/my`);
 * "Present from my wallet" opens an exchange whose page refreshes itself until a test wallet
 * (a did:key signing with node:crypto) has presented, then leads to the transfer. Forms from
 * another site are refused and make nothing.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { exchangeDocumentLoader, MemoryMailer } from '@cx/core';
import { signPresentation, type CredentialSigner } from '@cx/credentials';
import { ed25519ToMultibase, type Clock } from '@cx/domain';
import { tableSnapshot } from '../../../test/support/dynamo.js';
import { PUBLIC_URL, testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { componentBody } from '../../catalogue/src/fixtures.js';
import { agreementBody, rule } from '../../recognition/src/fixtures.js';
import { elementById, getPage, linkInMail, postForm, type Page } from './test-support.js';

type Json = Record<string, any>;

let cx: TestExchange;
const key: Record<string, string> = {};
const mailer = new MemoryMailer();
/** Real time, moved on by tests that need an exchange or a link to expire. */
let skewMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + skewMs) };
const EVIL = 'https://evil.example';
const PRE_AUTHORIZED = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';

beforeAll(async () => {
  cx = await testExchange({ mailer, clock });
  key['uni-a'] = (await cx.onboard('uni-a', { name: 'Universiteit Leiden' })).apiKey;
  key['uni-b'] = (await cx.onboard('uni-b', { name: 'Université de Lyon', country: 'FR' })).apiKey;
  const put = await cx.request('PUT', '/v1/institutions/uni-a/components/ML-1', { key: key['uni-a'], body: componentBody() });
  expect(put.status, await put.clone().text()).toBe(201);
  const agreement = await cx.request('PUT', '/v1/institutions/uni-b/agreements/uni-a-2026', { key: key['uni-b'], body: agreementBody('uni-a', [rule('ML-1', { ects: 5 })]) });
  expect(agreement.status, await agreement.clone().text()).toBe(201);
});

/** Issues ML-1 to `email` and answers the credential and the claim link of its notice. */
async function issueTo(email: string): Promise<{ credential: Json; claim: string }> {
  const before = mailer.messages.length;
  const response = await cx.request('POST', '/v1/institutions/uni-a/credentials', {
    key: key['uni-a'],
    body: { achievement: { type: 'component', code: 'ML-1' }, recipient: { name: 'Ada Lovelace', email } },
  });
  expect(response.status, await response.clone().text()).toBe(201);
  const { credential } = (await response.json()) as Json;
  return { credential, claim: await linkInMail(mailer, email, '/claim/', before) };
}

/** Signs in at `/my` as `email` with the link sent to it, and answers the session cookie. */
async function signIn(email: string): Promise<string> {
  const before = mailer.messages.length;
  expect((await postForm(cx, '/my/sign-in', { email })).status).toBe(200);
  const opened = await getPage(cx, await linkInMail(mailer, email, '/my?token=', before));
  expect(opened.status).toBe(303);
  return (opened.headers.get('set-cookie') ?? '').split(';')[0]!;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" };

/** An attribute of the element with this id, as the browser reads it (entities decoded). */
function attribute(html: string, id: string, name: string): string {
  const tag = elementById(html, id);
  const value = tag && new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
  if (value === undefined) throw new Error(`no ${name} on #${id}`);
  return value.replace(/&(#?\w+);/g, (match, entity: string) => ENTITIES[entity] ?? match);
}

/** The exchange URL the Learner Credential Wallet's deep link carries. */
function exchangeUrlOf(deepLink: string): string {
  const url = new URL(deepLink);
  expect(`${url.origin}${url.pathname}`).toBe('https://lcw.app/request.html');
  expect(url.searchParams.get('issuer')).toBe(new URL(PUBLIC_URL).host);
  expect(url.searchParams.get('challenge')).toMatch(/^[A-Za-z0-9_-]{22,}$/);
  return url.searchParams.get('vc_request_url')!;
}

/** Every item of the table once the notice sender has stopped writing (it marks sent notices behind a test's back). */
async function settledTable(): Promise<unknown[]> {
  let before = await tableSnapshot(cx.deps.store);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = await tableSnapshot(cx.deps.store);
    if (JSON.stringify(now) === JSON.stringify(before)) return now;
    before = now;
  }
}

/** A wallet holding a did:key, signing with node:crypto, as the Learner Credential Wallet answers an exchange. */
function testWallet() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const multibase = ed25519ToMultibase(new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(-32)));
  const did = `did:key:${multibase}`;
  const signer: CredentialSigner = { id: `${did}#${multibase}`, algorithm: 'Ed25519', sign: async ({ data }) => new Uint8Array(sign(null, data, privateKey)) };
  const post = async (url: string, body: Json): Promise<{ status: number; body: Json }> => {
    const response = await cx.fetch(new Request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
    return { status: response.status, body: (await response.json()) as Json };
  };
  return {
    did,
    /** Runs the exchange: asks for its request, answers it with a presentation of `credentials` signed by the holder. */
    async answer(exchangeUrl: string, credentials: Json[] = []): Promise<Json> {
      const started = await post(exchangeUrl, {});
      expect(started.status, JSON.stringify(started.body)).toBe(200);
      const { challenge, domain } = started.body.verifiablePresentationRequest as Json;
      const presentation = await signPresentation(
        {
          '@context': ['https://www.w3.org/ns/credentials/v2'],
          type: ['VerifiablePresentation'],
          holder: did,
          ...(credentials.length ? { verifiableCredential: credentials } : {}),
        },
        { signer, documentLoader: exchangeDocumentLoader(cx.deps), challenge, domain },
      );
      const answered = await post(exchangeUrl, { verifiablePresentation: presentation });
      expect(answered.status, JSON.stringify(answered.body)).toBe(200);
      return answered.body;
    },
  };
}

describe('add to my wallet from a claim link', () => {
  it('is a form on the claim page, not a link', async () => {
    const { claim } = await issueTo('ada@example.org');
    const page = await getPage(cx, claim);
    expect(page.html).toContain(`action="${claim}/wallet"`);
    expect(page.text).toContain('Add to my wallet');
  });

  it('answers the LCW deep link carrying the exchange, its QR code, and the interaction URL', async () => {
    const { claim } = await issueTo('ada@example.org');
    const page = await postForm(cx, `${claim}/wallet`, {});
    expect(page.status, page.text).toBe(200);
    const exchangeUrl = exchangeUrlOf(attribute(page.html, 'lcw-link', 'href'));
    expect(exchangeUrl).toMatch(new RegExp(`^${PUBLIC_URL}/exchanges/[\\w-]{43}$`));
    const exchangeId = exchangeUrl.split('/').at(-1)!;
    expect(attribute(page.html, 'interaction-url', 'value')).toBe(`${PUBLIC_URL}/interactions/${exchangeId}?iuv=1`);
    expect(attribute(page.html, 'lcw-qr', 'src')).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(page.text).toContain('works once');
    expect(page.headers.get('cache-control')).toBe('no-store');
  });

  it('answers an OpenID4VCI offer by reference, whose URI serves the offer JSON with a pre-authorized code', async () => {
    const { claim } = await issueTo('ada@example.org');
    const page = await postForm(cx, `${claim}/wallet`, {});
    const link = attribute(page.html, 'oid4vci-link', 'href');
    const offerUri = `${PUBLIC_URL}${claim}/credential-offer`;
    expect(link).toBe(`openid-credential-offer://?credential_offer_uri=${encodeURIComponent(offerUri)}`);
    expect(attribute(page.html, 'oid4vci-qr', 'src')).toMatch(/^data:image\/svg\+xml;base64,/);

    const response = await cx.fetch(new Request(new URL(link).searchParams.get('credential_offer_uri')!));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const offer = (await response.json()) as Json;
    expect(offer.credential_issuer).toBe(`${PUBLIC_URL}/institutions/uni-a`);
    expect(offer.grants[PRE_AUTHORIZED]['pre-authorized_code']).toEqual(expect.any(String));
  });

  it('takes the credential into a wallet through the exchange the deep link carries, bound to the wallet', async () => {
    const { credential, claim } = await issueTo('ada@example.org');
    const page = await postForm(cx, `${claim}/wallet`, {});
    const wallet = testWallet();
    const answer = await wallet.answer(exchangeUrlOf(attribute(page.html, 'lcw-link', 'href')));
    const [copy] = answer.verifiablePresentation.verifiableCredential as Json[];
    expect(copy.credentialSubject.id).toBe(wallet.did);
    expect(copy.credentialStatus).toEqual(credential.credentialStatus);
  });

  it('is refused for a revoked credential, and makes nothing', async () => {
    const { credential, claim } = await issueTo('ada@example.org');
    const revoked = await cx.request('POST', `/v1/institutions/uni-a/credentials/${credential.id}/status`, { key: key['uni-a'], body: { status: 'revoked', reason: 'issued in error' } });
    expect(revoked.status, await revoked.clone().text()).toBe(200);
    expect((await getPage(cx, claim)).html).not.toContain(`action="${claim}/wallet"`);
    const before = await settledTable();
    const page = await postForm(cx, `${claim}/wallet`, {});
    expect(page.status).toBe(409);
    expect(page.html).not.toContain('lcw.app');
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('is refused from another site, and makes nothing', async () => {
    const { claim } = await issueTo('ada@example.org');
    const before = await settledTable();
    const page = await postForm(cx, `${claim}/wallet`, {}, EVIL);
    expect(page.status).toBe(403);
    expect(page.html).not.toContain('lcw.app');
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });
});

describe('the credential offer of a claim link', () => {
  const problemOf = async (path: string) => {
    const response = await cx.fetch(new Request(`${PUBLIC_URL}${path}`));
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    return { status: response.status, body: (await response.json()) as Json };
  };

  it('answers 404 problem+json for an unknown claim', async () => {
    const { status, body } = await problemOf(`/claim/${'x'.repeat(43)}/credential-offer`);
    expect(status).toBe(404);
    expect(body).toMatchObject({ status: 404, type: '/problems/not-found' });
  });

  it('answers 410 problem+json for a replaced claim', async () => {
    const { credential, claim } = await issueTo('ada@example.org');
    const resent = await cx.request('POST', `/v1/institutions/uni-a/credentials/${credential.id}/notices`, { key: key['uni-a'] });
    expect(resent.status, await resent.clone().text()).toBe(202);
    const { status, body } = await problemOf(`${claim}/credential-offer`);
    expect(status).toBe(410);
    expect(body).toMatchObject({ status: 410, type: '/problems/claim-replaced' });
  });

  it('answers 410 problem+json for an expired claim', async () => {
    const { claim } = await issueTo('ada@example.org');
    skewMs += 31 * 24 * 3600 * 1000;
    try {
      const { status, body } = await problemOf(`${claim}/credential-offer`);
      expect(status).toBe(410);
      expect(body).toMatchObject({ status: 410, type: '/problems/claim-expired' });
    } finally {
      skewMs -= 31 * 24 * 3600 * 1000;
    }
  });
});

describe('add to my wallet from /my', () => {
  it('is a button of each credential, and answers the offer by value (a wallet elsewhere has no session)', async () => {
    const { credential } = await issueTo('grace@example.org');
    const cookie = await signIn('grace@example.org');
    const path = `/my/credentials/uni-a/${encodeURIComponent(credential.id)}/wallet`;
    const list = await getPage(cx, '/my', { cookie });
    expect(list.html).toContain(`formaction="${path}"`);

    const page = await postForm(cx, path, {}, PUBLIC_URL, { cookie });
    expect(page.status, page.text).toBe(200);
    expect(exchangeUrlOf(attribute(page.html, 'lcw-link', 'href'))).toMatch(new RegExp(`^${PUBLIC_URL}/exchanges/`));
    const link = new URL(attribute(page.html, 'oid4vci-link', 'href'));
    expect(link.protocol).toBe('openid-credential-offer:');
    expect(link.searchParams.has('credential_offer_uri')).toBe(false);
    const offer = JSON.parse(link.searchParams.get('credential_offer')!) as Json;
    expect(offer.credential_issuer).toBe(`${PUBLIC_URL}/institutions/uni-a`);
    expect(offer.grants[PRE_AUTHORIZED]['pre-authorized_code']).toEqual(expect.any(String));
  });

  it('needs the session', async () => {
    const { credential } = await issueTo('grace@example.org');
    const page = await postForm(cx, `/my/credentials/uni-a/${encodeURIComponent(credential.id)}/wallet`, {});
    expect(page.status).toBe(401);
    expect(page.html).not.toContain('lcw.app');
  });
});

describe('present from my wallet', () => {
  /** Opens a presentation exchange as the transfer page's button does, and answers its waiting page's path. */
  async function present(fields: Record<string, string> = { institution: 'uni-b', name: 'Ada Lovelace', email: 'ada@example.org' }): Promise<string> {
    const opened = await postForm(cx, '/transfer/wallet', fields);
    expect(opened.status, opened.text).toBe(303);
    const location = opened.headers.get('location')!;
    expect(location).toMatch(/^\/transfer\/wallet\/[\w-]{43}\?token=[\w-]{43}$/);
    return location;
  }

  it('is a button of the transfer form and a form of /my', async () => {
    const transfer = await getPage(cx, '/transfer');
    expect(transfer.html).toContain('formaction="/transfer/wallet"');
    await issueTo('ada@example.org');
    const my = await getPage(cx, '/my', { cookie: await signIn('ada@example.org') });
    expect(my.html).toContain('action="/transfer/wallet"');
    expect(attribute(my.html, 'present-name', 'value')).toBe('Ada Lovelace');
  });

  it('waits for the wallet on a page that refreshes itself, showing the links of the exchange', async () => {
    const location = await present();
    const exchangeId = location.split('/').at(-1)!.split('?')[0]!;
    const page = await getPage(cx, location);
    expect(page.status).toBe(200);
    expect(page.html).toMatch(/<head>.*<meta http-equiv="refresh" content="5"\/>.*<\/head>/s);
    expect(exchangeUrlOf(attribute(page.html, 'lcw-link', 'href'))).toBe(`${PUBLIC_URL}/exchanges/${exchangeId}`);
    expect(attribute(page.html, 'interaction-url', 'value')).toBe(`${PUBLIC_URL}/interactions/${exchangeId}?iuv=1`);
    expect(page.text).toContain('Waiting for your wallet');

    const still = await getPage(cx, `${location}&auto=off`);
    expect(still.html).not.toContain('http-equiv="refresh"');
    expect(still.text).toContain('Check again');
  });

  it('leads to the tracking page of the transfer once the wallet has presented', async () => {
    const { claim } = await issueTo('ada@example.org');
    const wallet = testWallet();
    const added = await postForm(cx, `${claim}/wallet`, {});
    const [copy] = (await wallet.answer(exchangeUrlOf(attribute(added.html, 'lcw-link', 'href')))).verifiablePresentation.verifiableCredential as Json[];

    const location = await present({ institution: 'uni-b', name: 'Ada Lovelace', email: '' });
    const waiting = await getPage(cx, location);
    await wallet.answer(exchangeUrlOf(attribute(waiting.html, 'lcw-link', 'href')), [copy!]);

    const done = await getPage(cx, location);
    expect(done.status).toBe(303);
    const token = new URL(location, PUBLIC_URL).searchParams.get('token')!;
    expect(done.headers.get('location')).toMatch(new RegExp(`^/transfer/track/[^?]+\\?token=${token}&submitted=1$`));
    const tracking = await getPage(cx, done.headers.get('location')!);
    expect(tracking.status).toBe(200);
    expect(tracking.text).toContain('Your transfer to Université de Lyon');
    expect(tracking.text).toContain('Recognised');
  });

  it('says so when the exchange expired before the wallet answered', async () => {
    const location = await present();
    skewMs += 31 * 60 * 1000;
    try {
      const page = await getPage(cx, location);
      expect(page.status).toBe(410);
      expect(page.text).toContain('This wallet request has expired');
      expect(page.html).not.toContain('http-equiv="refresh"');
    } finally {
      skewMs -= 31 * 60 * 1000;
    }
  });

  it('answers 404 for an exchange that does not exist', async () => {
    const page = await getPage(cx, `/transfer/wallet/${'x'.repeat(43)}?token=${'y'.repeat(43)}`);
    expect(page.status).toBe(404);
  });

  it('ties each missing field to its message, and opens nothing', async () => {
    const before = await settledTable();
    const page: Page = await postForm(cx, '/transfer/wallet', { institution: '', name: '', email: 'nope' });
    expect(page.status).toBe(400);
    expect(page.text).toContain('Receiving university: choose the university');
    expect(elementById(page.html, 'name')).toContain('aria-invalid="true"');
    expect(elementById(page.html, 'email')).toContain('value="nope"');
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('refuses a receiving university that is not a member, and opens nothing', async () => {
    const before = await settledTable();
    const page = await postForm(cx, '/transfer/wallet', { institution: 'uni-z', name: 'Ada Lovelace' });
    expect(page.status).toBe(400);
    expect(page.text).toContain('Receiving university: uni-z is not a member university taking transfers');
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('is refused from another site, and opens nothing', async () => {
    const before = await settledTable();
    const page = await postForm(cx, '/transfer/wallet', { institution: 'uni-b', name: 'Ada Lovelace' }, EVIL);
    expect(page.status).toBe(403);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });
});
