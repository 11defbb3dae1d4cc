/**
 * Sends the notices the notice queue carries (one sender per queue consumer: the SQS
 * handler in AWS, the in-process queue locally), each exactly once as far as the exchange
 * can tell, none lost:
 *
 * - a notice is taken (`queued` -> `sending`, conditional) before it is sent, so that a
 *   duplicate delivery of its message finds it taken; a notice `sent`, `superseded`,
 *   `failed` or reported on is dropped; a `sending` one whose sender died is taken again once
 *   its lease (5 minutes) is over, and until then its message goes back to the queue;
 * - sends are paced (one `SendPace` per process) and a throttled send is tried again, paced,
 *   within a budget well inside the lease; past it, the sender releases the lease and throws,
 *   so the queue redelivers the message and whichever sender gets it takes the notice at once;
 * - a message the mail service accepted is remembered until the notice is marked `sent`, so
 *   this process never sends it twice, even when marking it failed and the message came back.
 *
 * Taking a notice names the claim it read (`claimedAt`), so of two senders taking over the
 * same stale notice only one does.
 *
 * What no sender can rule out: a process that dies after the mail service accepted a message
 * and before marking it sent leaves it `sending`; in AWS, SQS delivers its message again and
 * it is sent again after the lease. Locally the in-process queue dies with the process, so
 * such a notice stays `sending` (the sweep renews only `queued` ones): the institution sends
 * a new one (`POST .../notices`).
 *
 * The notice queue's visibility timeout must outlast a throttled send's budget (60 s), or
 * SQS hands the message to another sender, which finds the notice taken and returns it.
 */
import { ConflictError, consoleLog, DependencyError, RateLimitedError, retry, type Clock, type Log, type Mailer, type NoticeRecord, type Persistence } from '@cx/domain';
import type { NoticeMessage } from './notice-message.js';
import type { SendPace } from './send-pace.js';

/** How long a sender holds a notice it took before another may presume it dead. */
export const NOTICE_LEASE_MS = 5 * 60_000;
/** How long a throttled send is tried again before its message goes back to the queue. */
const THROTTLED_BUDGET_MS = 60_000;

export interface NoticeSenderDeps {
  store: Persistence;
  mailer: Mailer;
  clock: Clock;
  /** The process's one pace: shared by every sender, so that together they keep the rate. */
  pace: SendPace;
  log?: Log;
  /** How long a taken notice is held (NOTICE_LEASE_MS unless told otherwise). */
  leaseMs?: number;
  /** The clock and sleep of the retries (of throttled sends, and of marking a notice sent); tests pass fake ones. */
  retry?: { sleep?: (ms: number) => Promise<void>; now?: () => number };
}

interface Accepted {
  providerMessageId: string;
  sentAt: string;
}

export class NoticeSender {
  private readonly log: Log;
  private readonly leaseMs: number;
  /** Notices this process is sending now: a duplicate message meanwhile is dropped. */
  private readonly inFlight = new Set<string>();
  /** Accepted by the mail service, not yet marked sent: marked, never sent again. */
  private readonly unmarked = new Map<string, Accepted>();

  constructor(private readonly deps: NoticeSenderDeps) {
    this.log = deps.log ?? consoleLog;
    this.leaseMs = deps.leaseMs ?? NOTICE_LEASE_MS;
  }

  /**
   * Sends the notice of one queue message, unless it was sent, superseded or given up.
   * Throws (for the queue to deliver the message again) when it could not be sent yet.
   */
  async process(message: NoticeMessage): Promise<void> {
    const { noticeId } = message;
    // the message that is being handled carries the notice until it is marked, whatever happens to it
    if (this.inFlight.has(noticeId)) {
      this.log.info('notice already being sent by this process; duplicate message dropped', { noticeId });
      return;
    }
    this.inFlight.add(noticeId);
    try {
      const accepted = this.unmarked.get(noticeId) ?? (await this.send(message));
      if (accepted) await this.markSent(noticeId, accepted);
    } finally {
      this.inFlight.delete(noticeId);
    }
  }

  /**
   * What the queue does with a message it gave up on (the dead-letter consumer in AWS): the
   * notice is marked `failed` with `reason`, unless it was sent meanwhile.
   */
  async giveUp(message: NoticeMessage, reason: string): Promise<void> {
    const { noticeId } = message;
    const accepted = this.unmarked.get(noticeId);
    if (accepted) {
      // the mail service has it: what failed was marking it
      await this.markSent(noticeId, accepted);
      return;
    }
    const failed = await this.deps.store.notices.transition(noticeId, ['queued', 'sending'], 'failed', { failure: reason, eventAt: this.deps.clock.now().toISOString() });
    if (failed) this.log.error('notice given up', { noticeId, reason });
    else this.log.info('notice given up by the queue was no longer waiting to be sent; left as it is', { noticeId, reason });
  }

  /** Takes the notice and hands it to the mail service: what it accepted, or undefined when the notice is not to be sent. */
  private async send({ noticeId, message }: NoticeMessage): Promise<Accepted | undefined> {
    const notice = await this.deps.store.notices.get(noticeId, true);
    if (!notice) {
      this.log.warn('notice message names no notice; dropped', { noticeId });
      return undefined;
    }
    const now = this.deps.clock.now();
    if (notice.state !== 'queued' && notice.state !== 'sending') {
      this.log.info('notice no longer waiting to be sent; message dropped', { noticeId, state: notice.state });
      return undefined;
    }
    if (notice.state === 'sending' && !this.leaseOver(notice, now)) {
      // another sender holds it: if it dies, this message takes the notice after the lease
      throw new ConflictError(`notice ${noticeId} is being sent by another sender since ${notice.claimedAt}`);
    }
    const claimedAt = now.toISOString();
    // from the state and claim just read only: of two senders taking the same notice, one does
    const taken = await this.deps.store.notices.transition(noticeId, [notice.state], 'sending', { claimedAt }, notice.claimedAt);
    if (!taken) {
      // another sender took it (its own message carries it) or it was superseded
      this.log.info('notice taken or changed by another meanwhile; message dropped', { noticeId });
      return undefined;
    }
    try {
      const { providerMessageId } = await retry(
        async () => {
          await this.deps.pace.take();
          return this.deps.mailer.send(message);
        },
        {
          retryable: (error) => error instanceof RateLimitedError,
          budgetMs: Math.min(THROTTLED_BUDGET_MS, this.leaseMs / 2),
          baseDelayMs: 100,
          maxDelayMs: 5_000,
          onRetry: (error, attempt) => this.log.info('mail service throttled a notice; sending it again', { noticeId, attempt, error: String(error) }),
          ...this.deps.retry,
        },
      );
      const accepted = { providerMessageId, sentAt: this.deps.clock.now().toISOString() };
      this.unmarked.set(noticeId, accepted);
      return accepted;
    } catch (error) {
      await this.release(noticeId, claimedAt);
      throw error;
    }
  }

  /**
   * Gives the notice back: still `sending` (the state machine has no way back to `queued`),
   * with its lease set to have ended, so that the message the queue delivers again takes it
   * at once, in this process or another, instead of waiting out the lease.
   */
  private async release(noticeId: string, claimedAt: string): Promise<void> {
    const ended = new Date(Date.parse(claimedAt) - this.leaseMs).toISOString();
    try {
      // only this sender's claim: one that took it over meanwhile keeps it
      await this.deps.store.notices.transition(noticeId, ['sending'], 'sending', { claimedAt: ended }, claimedAt);
    } catch (error) {
      // the notice stays taken until its lease is over; its message is retried until then
      this.log.warn('could not release a notice after a failed send; it is taken again after its lease', { noticeId, error });
    }
  }

  private async markSent(noticeId: string, accepted: Accepted): Promise<void> {
    // a redelivered message marks it (see `unmarked`) if this throws
    const sent = await retry(() => this.deps.store.notices.transition(noticeId, ['sending'], 'sent', accepted), {
      retryable: (error) => error instanceof DependencyError || error instanceof RateLimitedError,
      ...this.deps.retry,
    });
    this.unmarked.delete(noticeId);
    if (sent) {
      this.log.info('notice sent', { noticeId, providerMessageId: accepted.providerMessageId });
      return;
    }
    // a marking whose answer was lost (a timeout after the write took effect) finds its own work done
    const now = await this.deps.store.notices.get(noticeId, true);
    if (now?.state === 'sent' && now.providerMessageId === accepted.providerMessageId) this.log.info('notice sent', { noticeId, providerMessageId: accepted.providerMessageId });
    else this.log.warn('notice accepted by the mail service, but its state changed meanwhile; left as it is', { noticeId, providerMessageId: accepted.providerMessageId, state: now?.state });
  }

  private leaseOver(notice: NoticeRecord, now: Date): boolean {
    return notice.claimedAt === undefined || now.getTime() - Date.parse(notice.claimedAt) >= this.leaseMs;
  }
}
