/**
 * Delivery on the in-memory persistence: what issuing writes for a credential issued to an
 * email address (a delivery with its claim link, a queued claim notice, the rendered mail on
 * the notice queue), what `"notify": false` and a DID-only recipient change, that a retry
 * writes no second notice, resending a notice with a new link, listing a credential's
 * notices, the sweep of notices that never reached the queue, and graduation runs.
 */
import { ConflictError, NotFoundError, type Actor, type Log } from '@cx/domain';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { issueBody } from '../../../../functions/credentials/src/fixtures.js';
import { IdempotencyKeyReusedError } from '../idempotency.js';
import { emailLookupHash } from '../issuer.js';
import { asInstitution, issueRequest, PUBLIC_URL, T0, testCore, type TestCore } from '../test-support.js';
import { NOTICE_STALE_AFTER_MS } from './notices.js';
import type { NoticeMessage } from './notice-message.js';

let core: TestCore;
const ctx = asInstitution('uni-a');
const actor: Actor = { kind: 'institution', id: 'uni-a', keyId: 'uni-a-key' };
const ADA = emailLookupHash('ada@example.org');

beforeEach(async () => {
  core = testCore();
  await core.onboard('uni-a');
  await core.onboard('uni-b');
  await core.publishComponent('uni-a', 'ML-1');
});

/** The claim token in a claim notice's link. */
function tokenOf(message: NoticeMessage): string {
  const match = /\/claim\/([A-Za-z0-9_-]{43})/.exec(message.message.text);
  if (!match) throw new Error(`no claim link in notice ${message.noticeId}`);
  return match[1]!;
}

const noticesOf = async (credentialId: string, institution = 'uni-a') => (await core.notices.list(institution, credentialId, 100)).items;

describe('issuing to an email address', () => {
  it('writes a delivery whose claim link works for 30 days, and a queued claim notice', async () => {
    const issued = await core.issuer.issue('uni-a', issueRequest(), ctx);

    const delivery = await core.persistence.deliveries.get('uni-a', issued.id);
    expect(delivery).toMatchObject({ institution: 'uni-a', credentialId: issued.id, emailHash: ADA, issuedAt: T0, claimExpiresAt: '2026-04-01T09:00:00.000Z', revision: 1 });
    const notices = await noticesOf(issued.id);
    expect(notices).toEqual([{ id: delivery!.lastNoticeId, kind: 'claim', toHash: ADA, institution: 'uni-a', credentialId: issued.id, state: 'queued', createdAt: T0 }]);
  });

  it('dispatches the notice after the commit: to the address, naming the institution, the achievement, the link and its last day', async () => {
    const issued = await core.issuer.issue('uni-a', issueRequest(), ctx);

    expect(core.queuedNotices).toHaveLength(1);
    const [notice] = core.queuedNotices;
    const delivery = await core.persistence.deliveries.get('uni-a', issued.id);
    expect(notice).toMatchObject({ noticeId: delivery!.lastNoticeId, message: { id: delivery!.lastNoticeId, to: 'ada@example.org', language: 'en' } });
    const name = (issued.credential.credentialSubject as { achievement: { name: string } }).achievement.name;
    for (const body of [notice!.message.text, notice!.message.html]) {
      expect(body).toContain('University uni-a');
      expect(body).toContain(name);
      expect(body).toContain(`${PUBLIC_URL}/claim/${tokenOf(notice!)}`);
      expect(body).toContain('1 April 2026');
      // where a student whose link ran out reaches the credential again
      expect(body).toContain(`${PUBLIC_URL}/my`);
    }
    expect(notice!.message.subject).toBe(`University uni-a issued you a credential: ${name}`);
  });

  it('keeps only the hash of the claim token, and the link opens the credential', async () => {
    const issued = await core.issuer.issue('uni-a', issueRequest(), ctx);
    const token = tokenOf(core.queuedNotices[0]!);

    expect(JSON.stringify(await core.persistence.deliveries.get('uni-a', issued.id))).not.toContain(token);
    expect(await core.student.openClaim(token)).toMatchObject({ state: 'valid', holding: { credential: { id: issued.id } } });
  });

  it('escapes what the institution and the catalogue named in the HTML', async () => {
    await core.publishComponent('uni-a', 'XSS-1', { title: 'Machine <b>learning</b> & "data"' });

    await core.issuer.issue('uni-a', issueRequest({ code: 'XSS-1' }), ctx);

    const { html, text } = core.queuedNotices[0]!.message;
    expect(html).toContain('Machine &lt;b&gt;learning&lt;/b&gt; &amp; &quot;data&quot;');
    expect(html).not.toContain('<b>learning</b>');
    expect(text).toContain('Machine <b>learning</b> & "data"');
  });

  it('with "notify": false writes the delivery but no notice, and the credential is the same', async () => {
    const quiet = await core.issuer.issue('uni-a', issueRequest({ notify: false }), ctx);
    const notified = await core.issuer.issue('uni-a', issueRequest(), ctx);

    expect(await core.persistence.deliveries.get('uni-a', quiet.id)).toMatchObject({ credentialId: quiet.id, emailHash: ADA });
    expect((await core.persistence.deliveries.get('uni-a', quiet.id))!.lastNoticeId).toBeUndefined();
    expect(await noticesOf(quiet.id)).toEqual([]);
    expect(core.queuedNotices.map((n) => n.noticeId)).toEqual([(await core.persistence.deliveries.get('uni-a', notified.id))!.lastNoticeId]);
    expect(JSON.stringify(quiet.credential)).not.toContain('notify');
    const subject = (vc: Record<string, unknown>) => vc.credentialSubject as Record<string, unknown>;
    expect(Object.keys(quiet.credential)).toEqual(Object.keys(notified.credential));
    expect(Object.keys(subject(quiet.credential))).toEqual(Object.keys(subject(notified.credential)));
    expect(subject(quiet.credential).achievement).toEqual(subject(notified.credential).achievement);
  });

  it('writes neither a delivery nor a notice for a recipient named by DID only', async () => {
    const issued = await core.issuer.issue('uni-a', issueRequest({ recipient: { name: 'Ada', did: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' } }), ctx);

    expect(await core.persistence.deliveries.get('uni-a', issued.id)).toBeUndefined();
    expect(await noticesOf(issued.id)).toEqual([]);
    expect(core.queuedNotices).toEqual([]);
  });

  it('writes one notice for a request retried with its Idempotency-Key', async () => {
    const keyed = { ...ctx, idempotencyKey: 'key-1' };
    const first = await core.issuer.issue('uni-a', issueRequest(), keyed);

    const again = await core.issuer.issue('uni-a', issueRequest(), keyed);

    expect(again.id).toBe(first.id);
    expect(await noticesOf(first.id)).toHaveLength(1);
    expect(core.queuedNotices).toHaveLength(1);
  });

  it('treats "notify" as part of the body under an Idempotency-Key', async () => {
    const keyed = { ...ctx, idempotencyKey: 'key-1' };
    await core.issuer.issue('uni-a', issueRequest(), keyed);

    await expect(core.issuer.issue('uni-a', issueRequest({ notify: false }), keyed)).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
  });

  it('issues the credential when the notice queue fails, logging it; the notice stays queued for the sweep', async () => {
    const log: Log = { info: vi.fn(), warn: vi.fn(), error: vi.fn(), withKeys: (_keys, work) => work() };
    core = testCore({ noticeQueue: { send: () => Promise.reject(new Error('SQS is down')) }, log });
    await core.onboard('uni-a');
    await core.publishComponent('uni-a', 'ML-1');

    const issued = await core.issuer.issue('uni-a', issueRequest(), ctx);

    expect(await core.persistence.credentials.get('uni-a', issued.id)).toBeDefined();
    expect(await noticesOf(issued.id)).toMatchObject([{ state: 'queued' }]);
    expect(log.error).toHaveBeenCalledWith(expect.stringContaining('not queued'), expect.objectContaining({ notices: [expect.stringMatching(/^ntc_/)] }));
  });

  it('sends nothing for a credential the VC API signed as composed', async () => {
    await core.issuer.signComposed('uni-a', {
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      type: ['VerifiableCredential'],
      issuer: 'did:web:exchange.test:institutions:uni-a',
      credentialSubject: { id: 'did:example:ada' },
    }, ctx);

    expect(core.queuedNotices).toEqual([]);
  });
});

describe('the notice on its way', () => {
  it('is sent by the notice sender and marked sent', async () => {
    const issued = await core.issuer.issue('uni-a', issueRequest(), ctx);

    await core.noticeSender.process(core.queuedNotices[0]!);

    expect(await noticesOf(issued.id)).toMatchObject([{ state: 'sent', providerMessageId: 'memory-1' }]);
    expect(core.mailer).toMatchObject({ messages: [{ to: 'ada@example.org', id: core.queuedNotices[0]!.noticeId }] });
  });
});

describe('resending a notice', () => {
  it('makes a new link and a queued notice; the earlier link stops working', async () => {
    const issued = await core.issuer.issue('uni-a', issueRequest(), ctx);
    const first = tokenOf(core.queuedNotices[0]!);
    core.clock.advance(3600_000);

    const notice = await core.notices.resend('uni-a', issued.id, ctx);

    expect(notice).toMatchObject({ kind: 'claim', state: 'queued', credentialId: issued.id, createdAt: '2026-03-02T10:00:00.000Z' });
    expect(core.queuedNotices.map((n) => n.noticeId)).toEqual([expect.any(String), notice.id]);
    expect(await core.student.openClaim(first)).toEqual({ state: 'replaced' });
    expect(await core.student.openClaim(tokenOf(core.queuedNotices[1]!))).toMatchObject({ state: 'valid', expiresAt: '2026-04-01T10:00:00.000Z' });
    expect((await noticesOf(issued.id)).map((n) => n.id)).toEqual([notice.id, core.queuedNotices[0]!.noticeId]);
  });

  it('records who asked for it in the audit', async () => {
    const issued = await core.issuer.issue('uni-a', issueRequest(), ctx);

    const notice = await core.notices.resend('uni-a', issued.id, ctx);

    expect(await core.audited('uni-a', 'credential.notice')).toEqual([
      expect.objectContaining({ target: `institutions/uni-a/credentials/${issued.id}`, actor: { kind: 'institution', id: 'uni-a', keyId: 'uni-a-key' }, details: { notice: notice.id } }),
    ]);
  });

  it('is refused for a credential of another institution, which stays as it was', async () => {
    const issued = await core.issuer.issue('uni-a', issueRequest(), ctx);

    await expect(core.notices.resend('uni-b', issued.id, asInstitution('uni-b'))).rejects.toBeInstanceOf(NotFoundError);
    await expect(core.notices.list('uni-b', issued.id, 10)).rejects.toBeInstanceOf(NotFoundError);
    expect(await noticesOf(issued.id)).toHaveLength(1);
  });

  it('is refused (409) for a credential issued to no email address', async () => {
    const issued = await core.issuer.issue('uni-a', issueRequest({ recipient: { name: 'Ada', did: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' } }), ctx);

    await expect(core.notices.resend('uni-a', issued.id, ctx)).rejects.toBeInstanceOf(ConflictError);
    expect(core.queuedNotices).toEqual([]);
  });

  it('is sent for a revoked credential: its page says it is revoked', async () => {
    const issued = await core.issuer.issue('uni-a', issueRequest(), ctx);
    const institution = (await core.persistence.institutions.get('uni-a'))!;
    await core.status.change(institution, issued.record, 'revoked', 'issued in error', ctx);

    const notice = await core.notices.resend('uni-a', issued.id, ctx);

    expect(notice.state).toBe('queued');
    expect(await core.student.openClaim(tokenOf(core.queuedNotices[1]!))).toMatchObject({ state: 'valid', holding: { credential: { status: 'revoked' } } });
  });

  it('gets a first link for a credential issued with "notify": false', async () => {
    const issued = await core.issuer.issue('uni-a', issueRequest({ notify: false }), ctx);

    const notice = await core.notices.resend('uni-a', issued.id, ctx);

    expect((await core.persistence.deliveries.get('uni-a', issued.id))!.lastNoticeId).toBe(notice.id);
    expect(await core.student.openClaim(tokenOf(core.queuedNotices[0]!))).toMatchObject({ state: 'valid' });
  });

  it('answers a retry with the same Idempotency-Key with the first notice, making no other link', async () => {
    const issued = await core.issuer.issue('uni-a', issueRequest(), ctx);
    const keyed = { ...ctx, idempotencyKey: 'resend-1' };
    const first = await core.notices.resend('uni-a', issued.id, keyed);

    const again = await core.notices.resend('uni-a', issued.id, keyed);

    expect(again).toEqual(first);
    expect(core.queuedNotices).toHaveLength(2);
    expect(await noticesOf(issued.id)).toHaveLength(2);
  });
});

describe('the notice sweep', () => {
  it('supersedes a claim notice still queued after an hour and sends a new one with a new link', async () => {
    const issued = await core.issuer.issue('uni-a', issueRequest(), ctx);
    const [lost] = core.queuedNotices.splice(0);
    core.clock.advance(NOTICE_STALE_AFTER_MS + 1);

    expect(await core.notices.sweep()).toEqual({ superseded: 1, renewed: 1 });

    const [renewed] = core.queuedNotices;
    expect(renewed!.noticeId).not.toBe(lost!.noticeId);
    expect(await noticesOf(issued.id)).toMatchObject([
      { id: renewed!.noticeId, state: 'queued' },
      { id: lost!.noticeId, state: 'superseded' },
    ]);
    expect(await core.student.openClaim(tokenOf(lost!))).toEqual({ state: 'replaced' });
    expect(await core.student.openClaim(tokenOf(renewed!))).toMatchObject({ state: 'valid' });
  });

  it('leaves notices younger than an hour, and notices sent, alone', async () => {
    await core.issuer.issue('uni-a', issueRequest(), ctx);
    await core.noticeSender.process(core.queuedNotices[0]!);
    core.clock.advance(NOTICE_STALE_AFTER_MS + 1);
    await core.issuer.issue('uni-a', issueRequest(), ctx);

    expect(await core.notices.sweep()).toEqual({ superseded: 0, renewed: 0 });
    expect(core.queuedNotices).toHaveLength(2);
  });

  it('drops the superseded notice when its old message arrives after all', async () => {
    await core.issuer.issue('uni-a', issueRequest(), ctx);
    const [late] = core.queuedNotices.splice(0);
    core.clock.advance(NOTICE_STALE_AFTER_MS + 1);
    await core.notices.sweep();

    await core.noticeSender.process(late!);

    expect(core.mailer).toMatchObject({ messages: [] });
  });

  it('only supersedes a sign-in notice: its link has expired', async () => {
    await core.issuer.issue('uni-a', issueRequest(), ctx);
    await core.student.requestSignIn('ada@example.org', '203.0.113.9');
    core.queuedNotices.splice(0);
    core.clock.advance(NOTICE_STALE_AFTER_MS + 1);

    expect(await core.notices.sweep()).toEqual({ superseded: 2, renewed: 1 });
    expect(core.queuedNotices).toHaveLength(1);
    expect(core.queuedNotices[0]!.message.text).toContain('/claim/');
  });
});

describe('graduation runs', () => {
  const items = (count: number, extra: Record<string, unknown> = {}) =>
    Array.from({ length: count }, (_, i) => issueBody({ recipient: { name: `Student ${i}`, email: `student-${i}@example.org` }, ...extra }));

  /** The claim notices written for the run's credentials. */
  async function runNotices(batchId: string) {
    const { items: failures } = await core.persistence.batches.failures('uni-a', batchId, 100);
    expect(failures).toEqual([]);
    const credentials = await Promise.all(
      Array.from({ length: 30 }, (_, i) => core.persistence.credentials.allForRecipient('uni-a', { kind: 'email', emailHash: emailLookupHash(`student-${i}@example.org`) })),
    );
    return (await Promise.all(credentials.flat().map((credential) => noticesOf(credential.id)))).flat();
  }

  it('writes one notice per credential, none twice, when a chunk is delivered twice', async () => {
    const batch = await core.batches.submit('uni-a', items(30), actor);

    await core.batches.processChunk(core.sent[0]!);
    await core.batches.processChunk(core.sent[0]!);

    expect(await runNotices(batch.id)).toHaveLength(30);
    expect(new Set(core.queuedNotices.map((n) => n.message.to)).size).toBe(30);
    expect(core.queuedNotices).toHaveLength(30);
  });

  it('writes one notice per credential when two deliveries of a chunk run at once', async () => {
    const batch = await core.batches.submit('uni-a', items(30), actor);

    await Promise.all([core.batches.processChunk(core.sent[0]!), core.batches.processChunk(core.sent[0]!)]);

    expect(await runNotices(batch.id)).toHaveLength(30);
    expect(core.queuedNotices).toHaveLength(30);
  });

  it('sends no notice for a run started with "notify": false, and keeps it on the run', async () => {
    const batch = await core.batches.submit('uni-a', items(3), actor, { notify: false });

    await core.batches.processChunk(core.sent[0]!);

    expect(await core.persistence.batches.get('uni-a', batch.id)).toMatchObject({ notify: false });
    expect(await runNotices(batch.id)).toEqual([]);
    expect(core.queuedNotices).toEqual([]);
  });

  it('sends no notice for an item that says "notify": false', async () => {
    const batch = await core.batches.submit('uni-a', [...items(2), issueBody({ recipient: { name: 'Quiet', email: 'student-2@example.org' }, notify: false })], actor);

    await core.batches.processChunk(core.sent[0]!);

    expect(await runNotices(batch.id)).toHaveLength(2);
    expect(core.queuedNotices.map((n) => n.message.to).sort()).toEqual(['student-0@example.org', 'student-1@example.org']);
  });
});
