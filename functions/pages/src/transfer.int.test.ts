/**
 * The transfer pages without a browser: a keyless submission from the form, the tracking
 * page behind its token, appeals, the recognition record as a download, and errors tied to
 * the fields that caused them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { componentBody } from '../../catalogue/src/fixtures.js';
import { agreementBody, reject, rule } from '../../recognition/src/fixtures.js';
import { elementById, getPage, jsonFile, postForm, type Page } from './test-support.js';

type Json = Record<string, any>;

let cx: TestExchange;
const key: Record<string, string> = {};
const STUDENT = { name: 'Ada Lovelace', email: 'ada@example.org' };

beforeAll(async () => {
  cx = await testExchange();
  key['uni-a'] = (await cx.onboard('uni-a', { name: 'Universiteit Leiden' })).apiKey;
  key['uni-b'] = (await cx.onboard('uni-b', { name: 'Université de Lyon', country: 'FR' })).apiKey;
  for (const code of ['ML-1', 'NORULE-1']) {
    expect((await cx.request('PUT', `/v1/institutions/uni-a/components/${code}`, { key: key['uni-a'], body: componentBody() })).status).toBe(201);
  }
  const agreement = await cx.request('PUT', '/v1/institutions/uni-b/agreements/uni-a-2026', { key: key['uni-b'], body: agreementBody('uni-a', [rule('ML-1', { ects: 6 })]) });
  expect(agreement.status, await agreement.clone().text()).toBe(201);
});

async function issue(code: string): Promise<Json> {
  const response = await cx.request('POST', '/v1/institutions/uni-a/credentials', {
    key: key['uni-a'],
    body: { achievement: { type: 'component', code }, recipient: STUDENT },
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as Json).credential;
}

/** Submits the transfer form and follows the redirect to the tracking page. */
async function submit(files: File[], fields: Record<string, string> = {}): Promise<{ location: string; page: Page }> {
  const answer = await postForm(cx, '/transfer', { institution: 'uni-b', name: STUDENT.name, email: STUDENT.email, files, ...fields });
  expect(answer.status, answer.text).toBe(303);
  const location = answer.headers.get('location')!;
  return { location, page: await getPage(cx, location) };
}

const idAndToken = (location: string) => {
  const url = new URL(location, 'http://x');
  return { id: url.pathname.split('/').at(-1)!, token: url.searchParams.get('token')! };
};

describe('submitting', () => {
  it('lists the active members as receiving universities', async () => {
    const page = await getPage(cx, '/transfer');
    expect(page.html).toContain('<option value="uni-b">Université de Lyon</option>');
  });

  it('recognises a credential under an agreement at once, and offers the signed record', async () => {
    const { location, page } = await submit([jsonFile(await issue('ML-1'))]);
    expect(location).toMatch(/^\/transfer\/track\/[0-9a-f-]{36}\?token=[\w-]+&submitted=1$/);
    expect(page.text).toContain('Submitted. Keep this link');
    expect(page.text).toContain('Decided');
    expect(page.text).toContain('Recognised');
    expect(page.text).toContain('ECTS recognised 6');
    expect(page.text).toContain('Issued by Universiteit Leiden');
    expect(page.html).toContain('/record?token=');

    const { id, token } = idAndToken(location);
    const record = await cx.fetch(new Request(`http://exchange.test:8080/transfer/track/${id}/record?token=${token}`));
    expect(record.status).toBe(200);
    expect(record.headers.get('content-disposition')).toBe(`attachment; filename="recognition-${id}.json"`);
    const credential = (await record.json()) as Json;
    expect(credential.type).toEqual(['VerifiableCredential', 'RecognitionRecord']);
    const verification = await cx.request('POST', '/v1/credentials/verify', { body: { verifiableCredential: credential } });
    expect(((await verification.json()) as Json).verified).toBe(true);
  });

  it('takes credentials pasted as JSON, as without files', async () => {
    const { page } = await submit([], { pasted: JSON.stringify([await issue('NORULE-1')]) });
    expect(page.text).toContain('Waiting for review');
    expect(page.text).toContain('no agreement rule of uni-b covers uni-a/NORULE-1');
  });

  it('ties each missing or wrong field to its message, and keeps what was typed', async () => {
    const page = await postForm(cx, '/transfer', { institution: '', name: 'Ada', email: 'not-an-email', pasted: '{ nope' });
    expect(page.status).toBe(400);
    expect(page.text).toContain('Receiving university: choose the university');
    expect(page.text).toContain('Pasted credentials: is not valid JSON');
    expect(elementById(page.html, 'email')).toContain('aria-invalid="true"');
    expect(elementById(page.html, 'email')).toContain('value="not-an-email"');
    expect(elementById(page.html, 'institution')).toContain('aria-describedby="institution-error"');
  });

  it('refuses a form posted from another site', async () => {
    const page = await postForm(cx, '/transfer', { institution: 'uni-b', name: 'Ada', email: STUDENT.email, pasted: '{}' }, 'https://evil.example');
    expect(page.status).toBe(403);
  });
});

describe('tracking', () => {
  it('needs the right token', async () => {
    const { location } = await submit([jsonFile(await issue('NORULE-1'))]);
    const { id } = idAndToken(location);
    const page = await getPage(cx, `/transfer/track/${id}?token=wrong`);
    expect(page.status).toBe(404);
    expect(page.text).not.toContain('Ada Lovelace');
  });

  it('shows a refusal with its justification, takes an appeal, and keeps both in the history', async () => {
    const credential = await issue('NORULE-1');
    const { location } = await submit([jsonFile(credential)]);
    const { id, token } = idAndToken(location);
    const decided = await cx.request('POST', `/v1/institutions/uni-b/transfers/${id}/decisions`, { key: key['uni-b'], body: reject(credential.id) });
    expect(decided.status, await decided.clone().text()).toBe(200);

    const refused = await getPage(cx, `/transfer/track/${id}?token=${token}`);
    expect(refused.text).toContain('Not recognised');
    expect(refused.text).toContain('refused by a reviewer. Substantial difference in workload. Half the workload of our component.');
    expect(refused.html).toContain(`action="/transfer/track/${id}/appeal"`);

    const empty = await postForm(cx, `/transfer/track/${id}/appeal`, { token, credentialId: credential.id, grounds: ' ' });
    expect(empty.status).toBe(400);
    expect(elementById(empty.html, 'grounds-0')).toContain('aria-invalid="true"');

    const appealed = await postForm(cx, `/transfer/track/${id}/appeal`, { token, credentialId: credential.id, grounds: 'The workload was 150 hours, as the syllabus shows.' });
    expect(appealed.status).toBe(303);
    const page = await getPage(cx, appealed.headers.get('location')!);
    expect(page.text).toContain('Your appeal was sent');
    expect(page.text).toContain('Waiting for review (appealed)');
    expect(page.text).toContain('Half the workload of our component.');
    expect(page.text).toContain('appealed by you: The workload was 150 hours');
  });

  it('offers no appeal for a credential that failed its checks', async () => {
    const response = await cx.request('POST', '/v1/institutions/uni-a/credentials', {
      key: key['uni-a'],
      body: { achievement: { type: 'component', code: 'ML-1' }, recipient: { name: 'Bob', email: 'bob@example.org' } },
    });
    const { page } = await submit([jsonFile(((await response.json()) as Json).credential)]);
    expect(page.text).toContain('the credential belongs to someone else');
    expect(page.text).toContain('This credential failed a check, so the refusal cannot be appealed');
    expect(page.html).not.toContain('/appeal"');
  });

  it('has no record to download while an item waits for review', async () => {
    const { location } = await submit([jsonFile(await issue('NORULE-1'))]);
    const { id, token } = idAndToken(location);
    const page = await getPage(cx, `/transfer/track/${id}/record?token=${token}`);
    expect(page.status).toBe(409);
    expect(page.headers.get('content-disposition')).toBeNull();
  });
});
