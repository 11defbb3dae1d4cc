/**
 * StudentService on the in-memory persistence: claim links (valid, forged, malformed,
 * expired, replaced), sign-in links (sent only to an address with credentials, the same
 * answer otherwise, rate-limited per address and per client, single use, 15 minutes),
 * sessions (12 hours, sign-out, everywhere), holdings across institutions, shares (another
 * student's are unknown), and the student's transfers.
 */
import { randomBytes } from 'node:crypto';
import { NotFoundError, RateLimitedError, SIGN_IN_TTL_SECONDS, SESSION_TTL_SECONDS, transferBodySchema } from '@cx/domain';
import { beforeEach, describe, expect, it } from 'vitest';
import { transferBody } from '../../../../functions/recognition/src/fixtures.js';
import { emailLookupHash } from '../issuer.js';
import { asInstitution, issueRequest, testCore, type TestCore } from '../test-support.js';
import type { NoticeMessage } from './notice-message.js';

let core: TestCore;
const ADA = emailLookupHash('ada@example.org');
const BEA = emailLookupHash('bea@example.org');
const CLIENT = '203.0.113.9';

beforeEach(async () => {
  core = testCore();
  for (const id of ['uni-a', 'uni-b']) {
    await core.onboard(id);
    await core.publishComponent(id, 'ML-1');
  }
});

/** The token of the link in a notice (`/claim/{token}` or `/my?token=`). */
function tokenOf(message: NoticeMessage | undefined): string {
  const match = /(?:\/claim\/|\/my\?token=)([A-Za-z0-9_-]{43})/.exec(message?.message.text ?? '');
  if (!match) throw new Error('no link in the notice');
  return match[1]!;
}

const issueTo = (email: string, institution = 'uni-a') => core.issuer.issue(institution, issueRequest({ recipient: { name: 'A student', email } }), asInstitution(institution));

/** Issues to ada, returning the credential and its claim token. */
async function claimable() {
  const issued = await issueTo('ada@example.org');
  return { issued, token: tokenOf(core.queuedNotices.at(-1)) };
}

/** Signs ada in through a sign-in link, returning the session's token. */
async function signedIn(email = 'ada@example.org'): Promise<string> {
  await core.student.requestSignIn(email, CLIENT);
  const opened = await core.student.openSession(tokenOf(core.queuedNotices.at(-1)));
  return opened!.token;
}

describe('claim links', () => {
  it('open the credential while they work, with the delivery and until when', async () => {
    const { issued, token } = await claimable();

    expect(await core.student.openClaim(token)).toEqual({
      state: 'valid',
      holding: { delivery: await core.persistence.deliveries.get('uni-a', issued.id), credential: await core.persistence.credentials.get('uni-a', issued.id) },
      expiresAt: '2026-04-01T09:00:00.000Z',
    });
  });

  it('are unknown when forged or malformed', async () => {
    await claimable();

    expect(await core.student.openClaim(randomBytes(32).toString('base64url'))).toEqual({ state: 'unknown' });
    expect(await core.student.openClaim('not-a-token')).toEqual({ state: 'unknown' });
    expect(await core.student.openClaim('')).toEqual({ state: 'unknown' });
  });

  it('expire after 30 days', async () => {
    const { token } = await claimable();
    core.clock.advance(30 * 86_400_000);

    expect(await core.student.openClaim(token)).toEqual({ state: 'expired' });
  });

  it('are replaced by the link of a newer notice', async () => {
    const { issued, token } = await claimable();

    await core.notices.resend('uni-a', issued.id, asInstitution('uni-a'));

    expect(await core.student.openClaim(token)).toEqual({ state: 'replaced' });
  });
});

describe('signing in', () => {
  it('sends a sign-in link to an address with credentials, as a sign-in notice', async () => {
    await issueTo('ada@example.org');

    await core.student.requestSignIn(' Ada@Example.org ', CLIENT);

    const notice = core.queuedNotices.at(-1)!;
    expect(notice.message).toMatchObject({ to: 'Ada@Example.org', subject: 'Your sign-in link to My credentials' });
    expect(notice.message.text).toContain('https://exchange.test/my?token=');
    expect(notice.message.text).toContain('15 minutes');
    expect(await core.persistence.notices.get(notice.noticeId)).toMatchObject({ kind: 'sign-in', toHash: ADA, state: 'queued' });
  });

  it('answers the same for an address without credentials, and sends nothing', async () => {
    await expect(core.student.requestSignIn('nobody@example.org', CLIENT)).resolves.toBeUndefined();

    expect(core.queuedNotices).toEqual([]);
  });

  it('refuses a sixth request for one address within 15 minutes, from any client', async () => {
    await issueTo('ada@example.org');
    for (let i = 0; i < 5; i++) await core.student.requestSignIn('ada@example.org', `198.51.100.${i}`);

    await expect(core.student.requestSignIn('ADA@example.org', '198.51.100.99')).rejects.toBeInstanceOf(RateLimitedError);
    core.clock.advance(15 * 60_000);
    await expect(core.student.requestSignIn('ada@example.org', CLIENT)).resolves.toBeUndefined();
  });

  it('refuses a client flooding the form with 21 addresses within 15 minutes, naming when to retry', async () => {
    for (let i = 0; i < 20; i++) await core.student.requestSignIn(`student-${i}@example.org`, CLIENT);

    const refused = await core.student.requestSignIn('student-20@example.org', CLIENT).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).extensions.retryAfterSeconds).toBeGreaterThan(0);
    await expect(core.student.requestSignIn('student-20@example.org', '198.51.100.1')).resolves.toBeUndefined();
  });

  it('opens a 12-hour session with a link used once', async () => {
    await issueTo('ada@example.org');
    await core.student.requestSignIn('ada@example.org', CLIENT);
    const link = tokenOf(core.queuedNotices.at(-1));

    const opened = await core.student.openSession(link);

    expect(opened?.session).toMatchObject({ emailHash: ADA, createdAt: '2026-03-02T09:00:00.000Z', expiresAt: '2026-03-02T21:00:00.000Z' });
    expect(opened!.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(opened!.session)).not.toContain(opened!.token);
    expect(await core.student.openSession(link)).toBeUndefined();
  });

  it('refuses a sign-in link after its 15 minutes, and a forged one', async () => {
    await issueTo('ada@example.org');
    await core.student.requestSignIn('ada@example.org', CLIENT);
    core.clock.advance(SIGN_IN_TTL_SECONDS * 1000);

    expect(await core.student.openSession(tokenOf(core.queuedNotices.at(-1)))).toBeUndefined();
    expect(await core.student.openSession(randomBytes(32).toString('base64url'))).toBeUndefined();
    expect(await core.student.openSession('forged')).toBeUndefined();
  });
});

describe('sessions', () => {
  beforeEach(async () => {
    await issueTo('ada@example.org');
  });

  it('last 12 hours', async () => {
    const token = await signedIn();
    expect(await core.student.session(token)).toMatchObject({ emailHash: ADA });

    core.clock.advance(SESSION_TTL_SECONDS * 1000);

    expect(await core.student.session(token)).toBeUndefined();
  });

  it('end at sign-out; an unknown cookie names no session', async () => {
    const token = await signedIn();

    await core.student.signOut(token);

    expect(await core.student.session(token)).toBeUndefined();
    expect(await core.student.session(randomBytes(32).toString('base64url'))).toBeUndefined();
  });

  it('all end when the student signs out everywhere', async () => {
    const tokens = [await signedIn(), await signedIn()];

    expect(await core.student.signOutEverywhere(ADA)).toBe(2);

    for (const token of tokens) expect(await core.student.session(token)).toBeUndefined();
  });
});

describe('holdings', () => {
  it('are every credential issued to the address across the consortium, newest first', async () => {
    const first = await issueTo('ada@example.org', 'uni-a');
    core.clock.advance(1000);
    const second = await issueTo('ADA@example.org', 'uni-b');
    await issueTo('bea@example.org', 'uni-a');

    const { items } = await core.student.holdings(ADA, 10);

    expect(items.map((h) => [h.delivery.institution, h.credential.id])).toEqual([
      ['uni-b', second.id],
      ['uni-a', first.id],
    ]);
  });

  it('include revoked credentials, with their status', async () => {
    const issued = await issueTo('ada@example.org');
    await core.status.change((await core.persistence.institutions.get('uni-a'))!, issued.record, 'revoked', 'issued in error', asInstitution('uni-a'));

    expect((await core.student.holdings(ADA, 10)).items).toMatchObject([{ credential: { id: issued.id, status: 'revoked' } }]);
  });

  it('answer one credential only to its holder', async () => {
    const issued = await issueTo('ada@example.org');

    expect(await core.student.holding(ADA, 'uni-a', issued.id)).toMatchObject({ credential: { id: issued.id } });
    expect(await core.student.holding(BEA, 'uni-a', issued.id)).toBeUndefined();
    expect(await core.student.holding(ADA, 'uni-b', issued.id)).toBeUndefined();
  });
});

describe('shares', () => {
  it('open the credential by an unguessable id until withdrawn', async () => {
    const { token } = await claimable();
    const claim = await core.student.openClaim(token);
    if (claim.state !== 'valid') throw new Error('claim link does not work');

    const share = await core.student.share(claim.holding);

    expect(share.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await core.student.openShare(share.id)).toMatchObject({ state: 'shared', credential: { id: claim.holding.credential.id } });
    await core.student.withdrawShare(ADA, share.id);
    expect(await core.student.openShare(share.id)).toMatchObject({ state: 'withdrawn', share: { id: share.id, withdrawnAt: '2026-03-02T09:00:00.000Z' } });
  });

  it('of another student cannot be withdrawn, and stay shared', async () => {
    const issued = await issueTo('ada@example.org');
    const share = await core.student.share((await core.student.holding(ADA, 'uni-a', issued.id))!);

    await expect(core.student.withdrawShare(BEA, share.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(core.student.withdrawShare(BEA, 'no-such-share')).rejects.toBeInstanceOf(NotFoundError);
    expect(await core.student.openShare(share.id)).toMatchObject({ state: 'shared' });
  });

  it('are unknown by an id never given', async () => {
    expect(await core.student.openShare(randomBytes(16).toString('base64url'))).toEqual({ state: 'unknown' });
    expect(await core.student.openShare('../../etc')).toEqual({ state: 'unknown' });
  });

  it('are all withdrawn at once, counting those still shared', async () => {
    const issued = await issueTo('ada@example.org');
    const holding = (await core.student.holding(ADA, 'uni-a', issued.id))!;
    const shares = [await core.student.share(holding), await core.student.share(holding), await core.student.share(holding)];
    await core.student.withdrawShare(ADA, shares[0]!.id);

    expect(await core.student.withdrawAllShares(ADA)).toBe(2);

    for (const share of shares) expect(await core.student.openShare(share.id)).toMatchObject({ state: 'withdrawn' });
    expect((await core.student.shares(ADA, 10)).items).toHaveLength(3);
  });
});

describe('transfers', () => {
  it('are those the student submitted with this address', async () => {
    const issued = await issueTo('ada@example.org');
    const { transfer } = await core.transfers.submit('uni-b', transferBodySchema.parse(transferBody([issued.credential])), { ...asInstitution('uni-b'), clientAddress: CLIENT });

    expect(transfer.studentEmailHash).toBe(ADA);
    expect((await core.student.transfers(ADA, 10)).items.map((t) => t.id)).toEqual([transfer.id]);
    expect((await core.student.transfers(BEA, 10)).items).toEqual([]);
  });

  it('opens one by id only for its student, however many the student has', async () => {
    const issued = await issueTo('ada@example.org');
    const { transfer } = await core.transfers.submit('uni-b', transferBodySchema.parse(transferBody([issued.credential])), { ...asInstitution('uni-b'), clientAddress: CLIENT });

    expect((await core.student.transfer(ADA, transfer.id))?.id).toBe(transfer.id);
    expect(await core.student.transfer(BEA, transfer.id)).toBeUndefined();
    expect(await core.student.transfer(ADA, 'no-such-transfer')).toBeUndefined();
  });
});
