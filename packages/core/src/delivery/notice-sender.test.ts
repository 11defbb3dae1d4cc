import { ConflictError, DependencyError, RateLimitedError, type Log, type NoticeRecord, type Persistence } from '@cx/domain';
import { MemoryPersistence } from '@cx/memory-store';
import { describe, expect, it, vi } from 'vitest';
import { fixedClock, T0 } from '../test-support.js';
import { MemoryMailer } from './memory-mailer.js';
import { NOTICE_LEASE_MS, NoticeSender } from './notice-sender.js';
import type { NoticeMessage } from './notice-message.js';
import { SendPace } from './send-pace.js';

const quietLog: Log = { info: () => {}, warn: () => {}, error: () => {}, withKeys: (_keys, work) => work() };

const message = (noticeId = 'notice-1'): NoticeMessage => ({
  noticeId,
  message: { id: noticeId, to: 'ada@example.org', subject: 'Your credential', text: 'Claim it: https://exchange.test/claim/t0k3n', html: '<p><a href="https://exchange.test/claim/t0k3n">Claim it</a></p>' },
});

/** A sender over a fresh store holding one notice (queued unless told otherwise), with a pace and retries that do not wait. */
async function arrange(notice: Partial<NoticeRecord> = {}) {
  const store: Persistence = new MemoryPersistence();
  await store.commit([store.notices.create({ id: 'notice-1', kind: 'claim', toHash: 'a'.repeat(64), institution: 'uni-a', credentialId: 'cred-1', state: 'queued', createdAt: T0, ...notice })]);
  const clock = fixedClock();
  const mailer = new MemoryMailer();
  let retryNow = 0;
  const pace = new SendPace(1_000, { now: () => retryNow, sleep: async () => {} });
  const take = vi.spyOn(pace, 'take');
  const retry = {
    now: () => retryNow,
    sleep: async (ms: number) => {
      retryNow += ms;
    },
  };
  const sender = new NoticeSender({ store, mailer, clock, pace, log: quietLog, retry });
  return { store, clock, mailer, sender, take, pace };
}

describe('NoticeSender', () => {
  it('sends a queued notice and marks it sent with the mail service id', async () => {
    const { store, mailer, sender } = await arrange();

    await sender.process(message());

    expect(mailer.messages.map((sent) => sent.id)).toEqual(['notice-1']);
    expect(await store.notices.get('notice-1', true)).toMatchObject({ state: 'sent', sentAt: T0, providerMessageId: 'memory-1' });
    expect((await store.notices.get('notice-1', true))?.claimedAt).toBeUndefined();
  });

  it('drops a message delivered again after its notice was sent', async () => {
    const { mailer, sender } = await arrange();
    await sender.process(message());

    await sender.process(message());

    expect(mailer.messages).toHaveLength(1);
  });

  it('sends a notice once when two deliveries of its message arrive together', async () => {
    const { mailer, sender } = await arrange();

    await Promise.all([sender.process(message()), sender.process(message())]);

    expect(mailer.messages).toHaveLength(1);
  });

  it.each(['superseded', 'failed', 'bounced'] as const)('drops the message of a %s notice without sending it', async (state) => {
    const { store, mailer, sender } = await arrange({ state });

    await sender.process(message());

    expect(mailer.messages).toHaveLength(0);
    expect((await store.notices.get('notice-1', true))?.state).toBe(state);
  });

  it('hands a notice another sender holds back to the queue until the lease of that sender is over, then sends it', async () => {
    const { clock, mailer, sender } = await arrange({ state: 'sending', claimedAt: T0 });

    await expect(sender.process(message())).rejects.toBeInstanceOf(ConflictError);
    expect(mailer.messages).toHaveLength(0);

    clock.advance(NOTICE_LEASE_MS);
    await sender.process(message());
    expect(mailer.messages).toHaveLength(1);
  });

  it('lets only one of two senders take over the same stale notice', async () => {
    const { store, clock, mailer, sender } = await arrange({ state: 'sending', claimedAt: T0 });
    const otherMailer = new MemoryMailer();
    const other = new NoticeSender({ store, mailer: otherMailer, clock, pace: new SendPace(1_000), log: quietLog });
    clock.advance(NOTICE_LEASE_MS);

    await Promise.all([sender.process(message()), other.process(message())]);

    expect(mailer.messages.length + otherMailer.messages.length).toBe(1);
  });

  it('sends a throttled notice again, paced before every attempt, and marks it sent once', async () => {
    const { store, mailer, sender, take } = await arrange();
    mailer.throttleNext(3);

    await sender.process(message());

    expect(take).toHaveBeenCalledTimes(4);
    expect(mailer.messages).toHaveLength(1);
    expect((await store.notices.get('notice-1', true))?.state).toBe('sent');
  });

  it('gives a notice still throttled after its budget back to the queue, released for the next delivery to send at once', async () => {
    const { store, clock, mailer, sender } = await arrange();
    mailer.throttleNext(Number.POSITIVE_INFINITY);

    await expect(sender.process(message())).rejects.toBeInstanceOf(RateLimitedError);
    const released = await store.notices.get('notice-1', true);
    expect(released?.state).toBe('sending');
    expect(Date.parse(released!.claimedAt!)).toBeLessThanOrEqual(Date.parse(T0) - NOTICE_LEASE_MS);

    // the queue's next delivery reaches another process, whose mail service is not throttled
    const other = new MemoryMailer();
    await new NoticeSender({ store, mailer: other, clock, pace: new SendPace(1_000), log: quietLog }).process(message());
    expect(mailer.messages).toHaveLength(0);
    expect(other.messages).toHaveLength(1);
    expect((await store.notices.get('notice-1', true))?.state).toBe('sent');
  });

  it('marks a notice whose marking failed when its message comes back, without sending it again', async () => {
    const { store, mailer, sender } = await arrange();
    const transition = store.notices.transition.bind(store.notices);
    const failing = vi.spyOn(store.notices, 'transition').mockImplementation(async (id, from, to, fields) => {
      if (to === 'sent') throw new DependencyError('DynamoDB is unavailable');
      return transition(id, from, to, fields);
    });
    await expect(sender.process(message())).rejects.toBeInstanceOf(DependencyError);
    failing.mockRestore();

    await sender.process(message());

    expect(mailer.messages).toHaveLength(1);
    expect(await store.notices.get('notice-1', true)).toMatchObject({ state: 'sent', providerMessageId: 'memory-1' });
  });

  it('takes a marking whose answer was lost after it took effect for its own, not for a change by another', async () => {
    const { store, mailer, clock, pace } = await arrange();
    const warnings: string[] = [];
    const log: Log = { ...quietLog, warn: (text) => void warnings.push(text) };
    const transition = store.notices.transition.bind(store.notices);
    let lost = false;
    vi.spyOn(store.notices, 'transition').mockImplementation(async (id, from, to, fields, claimedAt) => {
      const done = await transition(id, from, to, fields, claimedAt);
      // DynamoDB wrote it, but the answer timed out: the retry finds the notice already sent
      if (to === 'sent' && !lost) {
        lost = true;
        throw new DependencyError('DynamoDB timed out');
      }
      return done;
    });
    const sender = new NoticeSender({ store, mailer, clock, pace, log });

    await sender.process(message());

    expect(mailer.messages).toHaveLength(1);
    expect(await store.notices.get('notice-1', true)).toMatchObject({ state: 'sent', providerMessageId: 'memory-1' });
    expect(warnings).toEqual([]);
  });

  it('marks a notice failed with the reason when the queue gives its message up', async () => {
    const { store, clock, sender } = await arrange();
    clock.advance(1_000);

    await sender.giveUp(message(), 'throttled 5 times');

    expect(await store.notices.get('notice-1', true)).toMatchObject({ state: 'failed', failure: 'throttled 5 times', eventAt: '2026-03-02T09:00:01.000Z' });
  });

  it('leaves a sent notice as it is when the queue gives up a late duplicate of its message', async () => {
    const { store, sender } = await arrange({ state: 'sent', sentAt: T0 });

    await sender.giveUp(message(), 'redelivered too often');

    expect((await store.notices.get('notice-1', true))?.state).toBe('sent');
  });
});
