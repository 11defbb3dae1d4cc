/**
 * Notices: the mail that gets a credential to its student (a claim link) and a student into
 * `/my` (a sign-in link). The one place notices are made, rendered and handed to the notice
 * queue: a notice is written `queued` in the same commit as what it announces (the
 * credential, a new claim link), and its rendered mail goes to the queue after that commit;
 * the queue's consumer (NoticeSender) sends it. A notice the queue never got (its send
 * failed, the process died) is superseded by the sweep after an hour and, for a claim
 * notice, replaced by a new one with a new link: the old link never reached anyone.
 */
import {
  ConflictError,
  contentHash,
  consoleLog,
  DomainError,
  NotFoundError,
  SIGN_IN_TTL_SECONDS,
  type Change,
  type Clock,
  type CredentialRecord,
  type DeliveryRecord,
  type InstitutionRecord,
  type JobQueue,
  type Log,
  type NoticeRecord,
  type Page,
  type Persistence,
  type RequestContext,
} from '@cx/domain';
import { auditEntry } from '../audit-entry.js';
import { IdempotencyInProgressError, type Idempotency } from '../idempotency.js';
import { emailLookupHash, IDEMPOTENCY_LEASE_MS } from '../issuer.js';
import { requireMember } from '../membership.js';
import { achievementName, firstDelivery, newClaimLink, type ClaimLink } from './claims.js';
import type { NoticeMessage } from './notice-message.js';
import { claimNotice, signInNotice } from './notice-templates.js';
import type { Language } from '@cx/i18n';
import { newNoticeId, newToken } from './tokens.js';

export interface NoticeDeps {
  store: Persistence;
  clock: Clock;
  /** Where links point: the exchange's public URL. */
  publicUrl: string;
  /** Where rendered notices go to be sent (SQS in AWS, in-process locally). */
  queue: JobQueue<NoticeMessage>;
  idempotency: Idempotency;
  /** How long a claim link works (`CX_CLAIM_DAYS`); CLAIM_DAYS_DEFAULT when absent. */
  claimDays?: number;
  log?: Log;
}

/** What a credential's delivery adds to the commit that issues it, and the mail to dispatch after. */
export interface PreparedDelivery {
  changes: Change[];
  /** The rendered notice; absent when the request said `"notify": false`. */
  message?: NoticeMessage;
}

export interface NoticeSweepResult {
  /** Notices found still `queued` after an hour, now superseded. */
  superseded: number;
  /** Claim notices made again, each with a new link, in their place. */
  renewed: number;
}

/** A notice still `queued` this long after it was written never reached the queue (or its consumer). */
export const NOTICE_STALE_AFTER_MS = 3600_000;
/** Notices one sweep looks at, at most; the next sweep takes the rest. */
const SWEEP_LIMIT = 500;

/** Why a notice was given up by its queue, in words fit for the notice's `failure` (no internals). */
export function sendFailureReason(error: unknown, attempts?: number): string {
  const after = attempts ? ` after ${attempts} attempts` : '';
  return `not sent${after}: ${error instanceof DomainError ? error.message : 'the mail service kept failing'}`;
}

/** The request hash of a resend under an Idempotency-Key. */
const resendHash = (credentialId: string) => contentHash({ operation: 'credential-notice', credentialId });

export class NoticeService {
  constructor(private readonly deps: NoticeDeps) {}

  private get log(): Log {
    return this.deps.log ?? consoleLog;
  }

  /**
   * The delivery of a credential being issued to `email`: the delivery record and its first
   * claim link, and (when `notify`) a queued claim notice. Commit `changes` with the
   * credential, then {@link dispatch} the message.
   */
  deliver(institution: InstitutionRecord, record: CredentialRecord & { emailHash: string }, email: string, notify: boolean): PreparedDelivery {
    const link = newClaimLink(this.deps.publicUrl, new Date(record.issuedAt), this.deps.claimDays);
    const notice = notify ? this.claimNoticeRecord(record, record.issuedAt) : undefined;
    const changes = this.deps.store.deliveries.create(firstDelivery(record, link, notice?.id, record.issuedAt));
    if (!notice) return { changes };
    return { changes: [...changes, this.deps.store.notices.create(notice)], message: this.claimMessage(notice.id, institution, record, email, link) };
  }

  /**
   * Hands rendered notices to the queue. A failure is logged, not thrown: what it announces
   * is committed already, and the sweep makes the notice again within about an hour.
   */
  async dispatch(messages: NoticeMessage[]): Promise<void> {
    if (messages.length === 0) return;
    try {
      await this.deps.queue.send(messages);
    } catch (error) {
      this.log.error('notices were not queued; the notice sweep sends them again with new links', { notices: messages.map((m) => m.noticeId), error });
    }
  }

  /**
   * `POST .../credentials/{credentialId}/notices`: a new claim link for one of the
   * institution's credentials, and a notice with it; earlier links of the credential stop
   * working. 404 for a credential the institution did not issue, 409 for one issued to no
   * email address. A revoked or suspended credential still gets one: its page says so.
   * With an Idempotency-Key, a retry answers the first notice.
   */
  async resend(institutionId: string, credentialId: string, ctx: RequestContext & { idempotencyKey?: string }): Promise<NoticeRecord> {
    const institution = await requireMember(this.deps.store, institutionId);
    const credential = await this.deps.store.credentials.get(institutionId, credentialId, true);
    if (!credential) throw new NotFoundError(`${institutionId} issued no credential ${credentialId}`);
    const key = ctx.idempotencyKey;
    if (!key) return this.resendOnce(institution, credential, ctx, newNoticeId());

    const { idempotency } = this.deps;
    let claim = await idempotency.claim(institutionId, key, resendHash(credential.id), newNoticeId());
    if (!claim.held && claim.state === 'expired') return this.resendOnce(institution, credential, { ...ctx, idempotencyKey: undefined }, newNoticeId());
    if (!claim.held) {
      const first = await this.deps.store.notices.get(claim.record.resultId, true);
      if (first) return first;
      // a holder that died before its commit: take its key over, keeping the notice id it reserved
      const taken = idempotency.leaseRunOut(claim.record, IDEMPOTENCY_LEASE_MS) ? await idempotency.takeOver(institutionId, claim.record) : undefined;
      if (!taken) throw new IdempotencyInProgressError();
      claim = taken;
    }
    try {
      return await this.resendOnce(institution, credential, ctx, claim.resultId);
    } catch (error) {
      await idempotency.release(institutionId, key, claim.claimedAt).catch(() => undefined);
      throw error;
    }
  }

  private async resendOnce(institution: InstitutionRecord, credential: CredentialRecord, ctx: RequestContext & { idempotencyKey?: string }, noticeId: string): Promise<NoticeRecord> {
    const at = this.deps.clock.now().toISOString();
    const renewal = await this.renewal(institution, credential, noticeId, at);
    await this.deps.store.commit(
      [
        ...renewal.changes,
        ...(ctx.idempotencyKey ? [this.deps.idempotency.complete(institution.id, ctx.idempotencyKey)] : []),
        this.deps.store.audit.entry(
          auditEntry(ctx, {
            at,
            action: 'credential.notice',
            institution: institution.id,
            target: `institutions/${institution.id}/credentials/${credential.id}`,
            details: { notice: noticeId },
          }),
        ),
      ],
      () => new ConflictError(`another notice of credential ${credential.id} was made at the same moment; its link is the one that works`),
    );
    await this.dispatch([renewal.message]);
    return renewal.notice;
  }

  /** A credential's notices, newest first; 404 when the institution did not issue it. */
  async list(institutionId: string, credentialId: string, limit: number, cursor?: string): Promise<Page<NoticeRecord>> {
    const credential = await this.deps.store.credentials.get(institutionId, credentialId);
    if (!credential) throw new NotFoundError(`${institutionId} issued no credential ${credentialId}`);
    return this.deps.store.notices.ofCredential(institutionId, credential.id, limit, cursor);
  }

  /**
   * A sign-in link of `/my` for `email`, working once for SIGN_IN_TTL_SECONDS, and the
   * notice that carries it. The caller has decided the address has something to show.
   */
  async signIn(email: string, language?: Language): Promise<NoticeRecord> {
    const now = this.deps.clock.now();
    const { token, hash } = newToken();
    const toHash = emailLookupHash(email);
    await this.deps.store.sessions.createSignIn({
      tokenHash: hash,
      emailHash: toHash,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + SIGN_IN_TTL_SECONDS * 1000).toISOString(),
    });
    const notice: NoticeRecord = { id: newNoticeId(), kind: 'sign-in', toHash, state: 'queued', createdAt: now.toISOString() };
    await this.deps.store.commit([this.deps.store.notices.create(notice)]);
    const link = `${this.deps.publicUrl}/my?token=${token}`;
    await this.dispatch([{ noticeId: notice.id, message: { id: notice.id, to: email.trim(), ...signInNotice({ link, minutes: SIGN_IN_TTL_SECONDS / 60 }, language) } }]);
    return notice;
  }

  /**
   * The scheduled sweep: notices still `queued` an hour after they were written are
   * superseded (a sender that takes one later drops it); each claim notice among them that
   * is still its credential's latest is made again with a new link. Sign-in notices are only
   * superseded: their links have expired. At most SWEEP_LIMIT notices a run.
   *
   * The sweep writes no audit record: it is the exchange's own housekeeping, not a change
   * anyone asked for; the credential's notices show it (one superseded, a new one queued).
   */
  async sweep(): Promise<NoticeSweepResult> {
    const now = this.deps.clock.now();
    const stale = await this.deps.store.notices.queuedBefore(new Date(now.getTime() - NOTICE_STALE_AFTER_MS).toISOString(), SWEEP_LIMIT);
    const result: NoticeSweepResult = { superseded: 0, renewed: 0 };
    const messages: NoticeMessage[] = [];
    for (const notice of stale) {
      // conditional: a sender that took it meanwhile keeps it
      if (!(await this.deps.store.notices.transition(notice.id, ['queued'], 'superseded', {}))) continue;
      result.superseded++;
      if (notice.kind !== 'claim') continue;
      try {
        const message = await this.renewStale(notice, now.toISOString());
        if (message) messages.push(message);
      } catch (error) {
        this.log.error('a superseded claim notice could not be made again; POST .../notices sends a new one', { notice: notice.id, error });
      }
    }
    result.renewed = messages.length;
    await this.dispatch(messages);
    return result;
  }

  /** A new link and notice in place of a stale claim notice, unless a newer notice replaced it already. */
  private async renewStale(notice: NoticeRecord, at: string): Promise<NoticeMessage | undefined> {
    if (!notice.institution || !notice.credentialId) return undefined;
    const [institution, credential, delivery] = await Promise.all([
      this.deps.store.institutions.get(notice.institution, true),
      this.deps.store.credentials.get(notice.institution, notice.credentialId, true),
      this.deps.store.deliveries.get(notice.institution, notice.credentialId, true),
    ]);
    if (!institution || !credential || delivery?.lastNoticeId !== notice.id) return undefined;
    const renewal = await this.renewal(institution, credential, newNoticeId(), at, delivery);
    await this.deps.store.commit(renewal.changes);
    return renewal.message;
  }

  /**
   * A new claim link for `credential` replacing its delivery's (or its first delivery, for a
   * credential issued before deliveries were kept), and a queued notice `noticeId` with it.
   */
  private async renewal(
    institution: InstitutionRecord,
    credential: CredentialRecord,
    noticeId: string,
    at: string,
    current?: DeliveryRecord,
  ): Promise<{ changes: Change[]; notice: NoticeRecord; message: NoticeMessage }> {
    const email = credential.recipient.email;
    if (!email) throw new ConflictError(`credential ${credential.id} was issued to no email address: there is no one to send a claim link to`);
    const record = { ...credential, emailHash: credential.emailHash ?? emailLookupHash(email) };
    const link = newClaimLink(this.deps.publicUrl, new Date(at), this.deps.claimDays);
    const notice = { ...this.claimNoticeRecord(record, at), id: noticeId };
    const delivery = current ?? (await this.deps.store.deliveries.get(institution.id, credential.id, true));
    const changes = delivery
      ? this.deps.store.deliveries.replaceClaim(delivery, { claimTokenHash: link.tokenHash, claimExpiresAt: link.expiresAt, lastNoticeId: notice.id, at })
      : this.deps.store.deliveries.create(firstDelivery(record, link, notice.id, at));
    return { changes: [...changes, this.deps.store.notices.create(notice)], notice, message: this.claimMessage(notice.id, institution, credential, email, link) };
  }

  private claimNoticeRecord(record: CredentialRecord & { emailHash: string }, at: string): NoticeRecord {
    return { id: newNoticeId(), kind: 'claim', toHash: record.emailHash, institution: record.institution, credentialId: record.id, state: 'queued', createdAt: at };
  }

  private claimMessage(noticeId: string, institution: InstitutionRecord, credential: CredentialRecord, email: string, link: ClaimLink): NoticeMessage {
    const content = claimNotice(
      { institution: institution.name, achievement: achievementName(credential.credential), link: link.url, expiresAt: link.expiresAt, signInUrl: `${this.deps.publicUrl}/my` },
      institution.defaultLanguage,
    );
    return { noticeId, message: { id: noticeId, to: email.trim(), ...content } };
  }
}
