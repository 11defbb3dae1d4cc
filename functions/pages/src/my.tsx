/**
 * `/my`: a student signs in with an email address (a single-use link sent to it) and sees
 * every credential issued to that address across the consortium, with the claim page's
 * actions for each (holding-actions.tsx, under `/my/credentials/{institution}/{id}`), the
 * share links they made, and their transfers; each credential goes into a wallet app, and
 * credentials in a wallet can be presented into a transfer (wallet.tsx). Sign-out ends the session; "everywhere" ends
 * every session of the address.
 */
import type { Context } from 'hono';
import type { Holding } from '@cx/core';
import { RateLimitedError, ValidationError, type SessionRecord, type ShareRecord, type StoredInstitution, type TransferRecord } from '@cx/domain';
import { clientAddress } from '@cx/http';
import { achievementNameOf, registerHoldingRoutes, type HoldingScope } from './holding-actions.js';
import type { MessageKey } from '@cx/i18n';
import { i18nOf, useI18n } from './i18n.js';
import { ErrorSummary, TextField, type FieldErrors } from './layout.js';
import { dateLabel } from './labels.js';
import { memberList, render, text, type PagesApp, type PagesContext, type PagesEnv } from './page.js';
import { sessionCookie } from './session-cookie.js';
import { renderTracking, transferRecordResponse } from './transfer.js';
import { PresentFields } from './wallet.js';

/** How many of each a page lists; a student holds tens of credentials, not thousands. */
const LIST_LIMIT = 100;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

type SignInNotice = 'sent' | 'bad-link' | 'signed-out' | 'signed-out-everywhere' | 'session-ended';

export function registerMyPages(app: PagesApp, ctx: PagesContext) {
  const { deps, services } = ctx;
  const student = services.student;
  const cookie = sessionCookie(deps.publicUrl);

  /** The session the cookie names, while it lasts. */
  async function signedIn(c: Context<PagesEnv>): Promise<{ token: string; session: SessionRecord } | undefined> {
    const token = cookie.read(c);
    const session = token ? await student.session(token) : undefined;
    return token && session ? { token, session } : undefined;
  }

  const signInAgain = (c: Context<PagesEnv>) => signInPage(c, { status: 401, notice: 'session-ended' });

  async function resolveMy(c: Context<PagesEnv>): Promise<HoldingScope | Response> {
    const current = await signedIn(c);
    if (!current) return signInAgain(c);
    const institution = c.req.param('institution') ?? '';
    const credentialId = c.req.param('credentialId') ?? '';
    const holding = await student.holding(current.session.emailHash, institution, credentialId);
    if (!holding) return c.notFound();
    return {
      holding,
      base: myHoldingPath(holding.delivery),
      transferHref: `/transfer?held=${encodeURIComponent(heldRef(holding))}`,
      via: 'my',
      openUntil: current.session.expiresAt,
    };
  }

  app.get('/my', async (c) => {
    const link = c.req.query('token');
    if (link !== undefined) {
      const opened = link.length <= 200 ? await student.openSession(link) : undefined;
      if (!opened) return signInPage(c, { status: 400, notice: 'bad-link' });
      cookie.write(c, opened.token);
      // the sign-in token leaves the address bar (and the history) at once
      return c.redirect('/my', 303);
    }
    const current = await signedIn(c);
    if (!current) return signInPage(c, {});
    const { emailHash } = current.session;
    const [holdings, shares, transfers, members] = await Promise.all([
      student.holdings(emailHash, LIST_LIMIT, c.req.query('cursor')),
      student.shares(emailHash, LIST_LIMIT),
      student.transfers(emailHash, LIST_LIMIT),
      memberList(deps.store),
    ]);
    return render(
      c,
      { title: i18nOf(c).t('nav.my'), section: 'my' },
      <MyCredentials
        holdings={holdings.items}
        olderCursor={holdings.nextCursor}
        shares={shares.items.filter((s) => !s.withdrawnAt)}
        transfers={transfers.items}
        members={new Map(members.map((m) => [m.id, m]))}
        publicUrl={deps.publicUrl}
      />,
    );
  });

  app.post('/my/sign-in', async (c) => {
    const { t } = i18nOf(c);
    const email = text((await c.req.parseBody()).email).trim();
    if (!EMAIL.test(email) || email.length > 254) {
      return signInPage(c, { status: 400, email, errors: { email: email ? t('my.error.email') : t('my.error.noEmail') } });
    }
    try {
      await student.requestSignIn(email, clientAddress(c), i18nOf(c).lang);
    } catch (error) {
      if (error instanceof RateLimitedError) {
        c.header('retry-after', String(typeof error.extensions.retryAfterSeconds === 'number' ? error.extensions.retryAfterSeconds : 60));
        return signInPage(c, { status: 429, email, errors: { email: t('my.error.tooMany') } });
      }
      if (error instanceof ValidationError) return signInPage(c, { status: 400, email, errors: { email: error.issues[0]?.message ?? error.message } });
      throw error;
    }
    return signInPage(c, { notice: 'sent' });
  });

  app.post('/my/sign-out', async (c) => {
    const token = cookie.read(c);
    if (token) await student.signOut(token);
    cookie.clear(c);
    return signInPage(c, { notice: 'signed-out' });
  });

  /** A route of the signed-in holder: without a session, the sign-in page (401). */
  const holderRoute =
    (handler: (c: Context<PagesEnv>, emailHash: string) => Promise<Response>) =>
    async (c: Context<PagesEnv>): Promise<Response> => {
      const current = await signedIn(c);
      return current ? handler(c, current.session.emailHash) : signInAgain(c);
    };

  app.post(
    '/my/sign-out-everywhere',
    holderRoute(async (c, emailHash) => {
      await student.signOutEverywhere(emailHash);
      cookie.clear(c);
      return signInPage(c, { notice: 'signed-out-everywhere' });
    }),
  );

  app.post(
    '/my/shares/withdraw-all',
    holderRoute(async (c, emailHash) => {
      await student.withdrawAllShares(emailHash);
      return c.redirect('/my#shares', 303);
    }),
  );

  app.post(
    '/my/shares/:shareId/withdraw',
    holderRoute(async (c, emailHash) => {
      await student.withdrawShare(emailHash, c.req.param('shareId') ?? '');
      return c.redirect('/my#shares', 303);
    }),
  );

  /** One of the holder's transfers; another student's is as unknown as none. */
  async function transferOf(c: Context<PagesEnv>, emailHash: string): Promise<TransferRecord | undefined> {
    return student.transfer(emailHash, c.req.param('id') ?? '');
  }

  app.get(
    '/my/transfers/:id',
    holderRoute(async (c, emailHash) => {
      const transfer = await transferOf(c, emailHash);
      if (!transfer) return c.notFound();
      return renderTracking(c, ctx, transfer, { recordHref: `/my/transfers/${encodeURIComponent(transfer.id)}/record` });
    }),
  );

  app.get(
    '/my/transfers/:id/record',
    holderRoute(async (c, emailHash) => {
      const transfer = await transferOf(c, emailHash);
      return transfer ? transferRecordResponse(c, transfer) : c.notFound();
    }),
  );

  registerHoldingRoutes(app, ctx, '/my/credentials/:institution/:credentialId', resolveMy);
}

/** `uni-a/urn:uuid:...`: how `/transfer?held=` names a credential of the signed-in holder. */
function heldRef(holding: Holding): string {
  return `${holding.delivery.institution}/${holding.delivery.credentialId}`;
}

function myHoldingPath(holding: { institution: string; credentialId: string }): string {
  return `/my/credentials/${encodeURIComponent(holding.institution)}/${encodeURIComponent(holding.credentialId)}`;
}

const NOTICES: Record<SignInNotice, { text: MessageKey; role: 'status' | 'alert' }> = {
  sent: { text: 'my.notice.sent', role: 'status' },
  'bad-link': { text: 'my.notice.bad-link', role: 'alert' },
  'signed-out': { text: 'my.notice.signed-out', role: 'status' },
  'signed-out-everywhere': { text: 'my.notice.signed-out-everywhere', role: 'status' },
  'session-ended': { text: 'my.notice.session-ended', role: 'alert' },
};

function signInPage(c: Context<PagesEnv>, options: { status?: number; notice?: SignInNotice; email?: string; errors?: FieldErrors }) {
  const { t } = i18nOf(c);
  const errors = options.errors ?? {};
  const notice = options.notice ? NOTICES[options.notice] : undefined;
  const refused = Object.keys(errors).length > 0;
  const labels = { email: t('my.label.email') };
  return render(
    c,
    { title: refused ? t('form.errorTitle', { title: t('my.signInTitle') }) : t('my.signInTitle'), section: 'my', status: options.status },
    <>
      <h1>{t('nav.my')}</h1>
      {notice ? (
        <p class="notice" role={notice.role}>
          {t(notice.text as 'my.notice.sent')}
        </p>
      ) : null}
      <p class="lead">{t('my.lead')}</p>
      <ErrorSummary errors={errors} labels={labels} />
      <form method="post" action="/my/sign-in">
        <TextField id="email" label={labels.email} type="email" autocomplete="email" required hint={t('my.hint.email')} value={options.email} error={errors.email} />
        <button type="submit">{t('my.signIn')}</button>
      </form>
    </>,
  );
}

const STATUS_TAG = { active: undefined, revoked: { text: 'result.state.revoked', tone: 'bad' }, suspended: { text: 'result.state.suspended', tone: 'warn' } } as const;

function MyCredentials(props: {
  holdings: Holding[];
  /** Where the next page of older credentials starts, when there is one. */
  olderCursor?: string;
  shares: ShareRecord[];
  transfers: TransferRecord[];
  members: Map<string, StoredInstitution>;
  publicUrl: string;
}) {
  const { t } = useI18n();
  const { holdings, shares, transfers, members } = props;
  const memberName = (id: string) => members.get(id)?.name ?? id;
  const byRef = new Map(holdings.map((h) => [heldRef(h), h]));
  return (
    <>
      <h1>{t('nav.my')}</h1>
      <section id="credentials" aria-labelledby="held-title">
        <h2 id="held-title">{t('my.held')}</h2>
        {holdings.length === 0 ? <p>{t('my.held.none')}</p> : null}
        {holdings.length ? (
          <form method="get" action="/transfer" class="held">
            <ul class="results">
              {holdings.map((holding, index) => {
                const tag = STATUS_TAG[holding.credential.status];
                const name = achievementNameOf(holding.credential.credential) ?? holding.credential.achievement.code;
                return (
                  <li data-credential={heldRef(holding)}>
                    <h3 id={`held-${index}`}>
                      <a href={myHoldingPath(holding.delivery)}>{name}</a>
                    </h3>
                    <p class="meta">
                      {t('my.held.meta', { university: memberName(holding.delivery.institution), at: dateLabel(holding.credential.issuedAt)! })}
                      {tag ? (
                        <>
                          {' '}
                          <span class={`tag ${tag.tone}`}>{t(tag.text)}</span>
                        </>
                      ) : null}
                    </p>
                    <p class="row">
                      <a href={myHoldingPath(holding.delivery)}>{t('my.held.share')}</a>
                      <a href={`${myHoldingPath(holding.delivery)}/credential.json`} download>
                        {t('my.held.download')}
                      </a>
                      {/* a form cannot hold another: this button posts the list's form to its own action */}
                      {holding.credential.status === 'revoked' ? null : (
                        <button type="submit" class="secondary" formmethod="post" formaction={`${myHoldingPath(holding.delivery)}/wallet`} aria-label={t('my.held.walletLabel', { name })}>
                          {t('hold.wallet')}
                        </button>
                      )}
                    </p>
                    <div class="check">
                      <input type="checkbox" id={`transfer-${index}`} name="held" value={heldRef(holding)} aria-describedby={`held-${index}`} />
                      <label for={`transfer-${index}`}>{t('my.held.select', { name })}</label>
                    </div>
                  </li>
                );
              })}
            </ul>
            {props.olderCursor ? (
              <p>
                <a href={`/my?cursor=${encodeURIComponent(props.olderCursor)}#credentials`}>{t('my.held.older')}</a>
              </p>
            ) : null}
            <button type="submit">{t('my.held.transfer')}</button>
          </form>
        ) : null}
      </section>

      <section id="present" aria-labelledby="present-title">
        <h2 id="present-title">{t('wallet.present')}</h2>
        <p>{t('my.present.text')}</p>
        <PresentFields
          members={[...members.values()].filter((m) => m.status === 'active')}
          form={{ institution: '', name: holdings[0]?.credential.recipient.name ?? '', email: holdings[0]?.credential.recipient.email ?? '' }}
          idPrefix="present-"
        />
      </section>

      <section id="shares" aria-labelledby="shares-title">
        <h2 id="shares-title">{t('my.shares')}</h2>
        {shares.length === 0 ? <p>{t('my.shares.none')}</p> : null}
        {shares.length ? (
          <>
            <ul class="results">
              {shares.map((share) => {
                const holding = byRef.get(`${share.institution}/${share.credentialId}`);
                const name = (holding && achievementNameOf(holding.credential.credential)) ?? share.credentialId;
                const url = `${props.publicUrl}/credentials/${share.id}`;
                return (
                  <li>
                    <p>
                      <strong>{name}</strong>
                      {t('my.shares.at', { at: dateLabel(share.createdAt)! })}
                      <a href={`/credentials/${share.id}`}>{url}</a>
                    </p>
                    <form method="post" action={`/my/shares/${encodeURIComponent(share.id)}/withdraw`} class="inline">
                      <button type="submit" class="secondary" aria-label={t('my.shares.withdrawLabel', { name, at: dateLabel(share.createdAt)! })}>
                        {t('hold.share.withdraw')}
                      </button>
                    </form>
                  </li>
                );
              })}
            </ul>
            <form method="post" action="/my/shares/withdraw-all">
              <button type="submit" class="secondary">
                {t('my.shares.withdrawAll')}
              </button>
            </form>
          </>
        ) : null}
      </section>

      <section aria-labelledby="transfers-title">
        <h2 id="transfers-title">{t('my.transfers')}</h2>
        {transfers.length === 0 ? <p>{t('my.transfers.none')}</p> : null}
        <ul class="results">
          {transfers.map((transfer) => (
            <li>
              <a href={`/my/transfers/${encodeURIComponent(transfer.id)}`}>{t('my.transfers.item', { university: memberName(transfer.institution), at: dateLabel(transfer.createdAt)! })}</a>{' '}
              <span class={`tag ${transfer.status === 'decided' ? 'ok' : 'warn'}`}>{transfer.status === 'decided' ? t('transfer.track.decided') : t('transfer.outcome.pending')}</span>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="session-title">
        <h2 id="session-title">{t('my.signOut.heading')}</h2>
        <div class="row">
          <form method="post" action="/my/sign-out" class="inline">
            <button type="submit">{t('my.signOut')}</button>
          </form>
          <form method="post" action="/my/sign-out-everywhere" class="inline">
            <button type="submit" class="secondary">
              {t('my.signOutEverywhere')}
            </button>
          </form>
        </div>
        <p class="hint">{t('my.signOutEverywhere.hint')}</p>
      </section>
    </>
  );
}
