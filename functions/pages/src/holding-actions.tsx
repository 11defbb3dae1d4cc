/**
 * What a student can do with one credential they hold, the same behind a claim link
 * (`/claim/{token}`) and a `/my` session (`/my/credentials/{institution}/{credentialId}`):
 * see it verified, download it, share it (and withdraw shares), add it to LinkedIn, print
 * it with a QR code, start a transfer with it, and add it to a wallet app (wallet.tsx). Each way in resolves a Holding (or
 * answers its own page); the routes after that are one implementation.
 */
import type { Context } from 'hono';
import type { Holding } from '@cx/core';
import type { ShareRecord, StoredInstitution } from '@cx/domain';
import { describeCredential, inLanguage, verdictOf, type AchievementView } from './credential-view.js';
import { i18nOf, useI18n } from './i18n.js';
import { Facts } from './layout.js';
import { achievementTypeLabel, dateLabel } from './labels.js';
import { linkedInAddUrl } from './linkedin.js';
import { render, text, type PagesApp, type PagesContext, type PagesEnv } from './page.js';
import { qrDataUri } from './qr.js';
import { VerificationResult } from './verification-result.js';
import { registerAddToWallet } from './wallet.js';

/** A resolved holding, and where its routes live. */
export interface HoldingScope {
  holding: Holding;
  /** The path its routes start with, e.g. `/claim/{token}`. */
  base: string;
  /** The transfer form with this credential attached. */
  transferHref: string;
  /** The way in: a claim link, or a `/my` session. */
  via: 'claim' | 'my';
  /** Claim links: when this one stops working. */
  expiresAt?: string;
  /** When this way in stops working (the claim link's or the session's end): a wallet exchange opened from it expires by then. */
  openUntil: string;
  /** Claim links: where a wallet fetches the OpenID4VCI credential offer (`/claim/{token}/credential-offer`). */
  offerUri?: string;
}

/** A holding, or the page to answer instead (a dead link, an ended session). */
export type ResolveHolding = (c: Context<PagesEnv>) => Promise<HoldingScope | Response>;

/** Where a "make a share" form may send the student next: back to the shares, or to the print view; never a URL from the form. */
const NEXT = { shares: '#shares', print: '/print' } as const;

/** The first shares of a holder a page reads (a student shares a credential a few times at most). */
const SHARES_READ = 100;

/**
 * Registers the holding routes under `pattern` (a hono path with the parameters `resolve`
 * reads): the page, `/credential.json`, `/shares`, `/shares/{id}/withdraw`, `/linkedin`,
 * `/print` and `/wallet`.
 *
 * @example
 * registerHoldingRoutes(app, ctx, '/claim/:token', resolveClaim);
 */
export function registerHoldingRoutes(app: PagesApp, ctx: PagesContext, pattern: string, resolve: ResolveHolding) {
  const { deps, services } = ctx;
  const student = services.student;
  const shareUrl = (share: ShareRecord) => `${deps.publicUrl}/credentials/${share.id}`;

  /** The holder's live shares of this credential, newest first. */
  async function sharesOf(scope: HoldingScope): Promise<ShareRecord[]> {
    const { delivery } = scope.holding;
    const page = await student.shares(delivery.emailHash, SHARES_READ);
    return page.items.filter((s) => !s.withdrawnAt && s.institution === delivery.institution && s.credentialId === delivery.credentialId);
  }

  async function verified(scope: HoldingScope) {
    const vc = scope.holding.credential.credential;
    const verification = await services.verifier.verify(vc);
    const member = await deps.store.institutions.get(scope.holding.credential.institution);
    return { vc, verification, member, view: describeCredential(vc, verification, useI18n().lang) };
  }

  /** LinkedIn's form, filled from the signed credential and the member list (no verification needed to name them). */
  async function linkedIn(scope: HoldingScope, share: ShareRecord, member?: StoredInstitution): Promise<string> {
    const { credential } = scope.holding;
    const vc = credential.credential;
    const institution = member ?? (await deps.store.institutions.get(credential.institution));
    return linkedInAddUrl({
      name: achievementNameOf(vc) ?? useI18n().t('hold.credential'),
      organizationName: institution?.name ?? credential.institution,
      issuedAt: typeof vc.validFrom === 'string' ? vc.validFrom : credential.issuedAt,
      expiresAt: typeof vc.validUntil === 'string' ? vc.validUntil : undefined,
      certUrl: shareUrl(share),
      certId: typeof vc.id === 'string' ? vc.id : credential.id,
    });
  }

  app.get(pattern, async (c) => {
    const scope = await resolve(c);
    if (scope instanceof Response) return scope;
    const [{ vc, verification, member, view }, shares] = await Promise.all([verified(scope), sharesOf(scope)]);
    const i18n = i18nOf(c);
    const { t } = i18n;
    const verdict = verdictOf(vc, verification, i18n);
    const name = view.achievement?.name ?? t('hold.yourCredential');
    const linkedInHref = shares[0] ? await linkedIn(scope, shares[0], member) : undefined;
    return render(
      c,
      { title: name, section: scope.via === 'my' ? 'my' : 'home' },
      <>
        {scope.via === 'my' ? (
          <p>
            <a href="/my">{t('hold.backToMy')}</a>
          </p>
        ) : null}
        <h1>{name}</h1>
        <p class="lead">{t('hold.issuedBy', { university: verification.issuer?.name ?? member?.name ?? scope.holding.credential.institution })}</p>
        {scope.expiresAt ? (
          <p class="hint">
            {t('hold.linkUntil', { until: dateLabel(scope.expiresAt)! })} <a href="/my">{t('nav.my')}</a> {t('hold.linkUntilEnd')}
          </p>
        ) : null}
        <HoldingActions scope={scope} shares={shares} shareUrl={shareUrl} linkedInHref={linkedInHref} />
        <h2>{t('hold.verification')}</h2>
        <p>{t('hold.verificationText')}</p>
        <VerificationResult credential={vc} verification={verification} verdict={verdict} member={member} />
      </>,
    );
  });

  app.get(`${pattern}/credential.json`, async (c) => {
    const scope = await resolve(c);
    if (scope instanceof Response) return scope;
    const { credential } = scope.holding;
    c.header('content-disposition', `attachment; filename="${fileName(credential.credential, credential.id)}"`);
    c.header('content-type', 'application/json; charset=utf-8');
    return c.body(JSON.stringify(credential.credential, null, 2));
  });

  app.post(`${pattern}/shares`, async (c) => {
    const scope = await resolve(c);
    if (scope instanceof Response) return scope;
    const next = text((await c.req.parseBody()).next);
    await student.share(scope.holding);
    return c.redirect(`${scope.base}${next === 'print' ? NEXT.print : NEXT.shares}`, 303);
  });

  app.post(`${pattern}/shares/:shareId/withdraw`, async (c) => {
    const scope = await resolve(c);
    if (scope instanceof Response) return scope;
    await student.withdrawShare(scope.holding.delivery.emailHash, c.req.param('shareId'));
    return c.redirect(`${scope.base}#shares`, 303);
  });

  // LinkedIn needs a public link to point at: with none yet, make one first
  app.post(`${pattern}/linkedin`, async (c) => {
    const scope = await resolve(c);
    if (scope instanceof Response) return scope;
    const share = (await sharesOf(scope))[0] ?? (await student.share(scope.holding));
    return c.redirect(await linkedIn(scope, share), 303);
  });

  app.get(`${pattern}/print`, async (c) => {
    const scope = await resolve(c);
    if (scope instanceof Response) return scope;
    const [{ vc, verification, member, view }, shares] = await Promise.all([verified(scope), sharesOf(scope)]);
    const { t } = i18nOf(c);
    const name = view.achievement?.name ?? t('hold.credential');
    return render(
      c,
      { title: t('hold.printTitle', { name }), section: scope.via === 'my' ? 'my' : 'home' },
      <PrintView
        scope={scope}
        name={name}
        achievement={view.achievement}
        issuer={verification.issuer?.name ?? member?.name ?? scope.holding.credential.institution}
        credentialId={view.id}
        validFrom={typeof vc.validFrom === 'string' ? vc.validFrom : undefined}
        validUntil={typeof vc.validUntil === 'string' ? vc.validUntil : undefined}
        share={shares[0]}
        shareUrl={shareUrl}
        recipientName={view.recipient.name ?? scope.holding.credential.recipient.name}
      />,
    );
  });

  registerAddToWallet(app, ctx, pattern, resolve);
}

/** The achievement's name as the signed credential states it, in the reader's language where it has it. */
export function achievementNameOf(vc: Record<string, unknown>, lang: string = useI18n().lang): string | undefined {
  const subject = vc.credentialSubject as { achievement?: { name?: unknown } } | undefined;
  const name = inLanguage(subject?.achievement?.name, lang).texts[0];
  return name || undefined;
}

/** `Machine learning` -> `machine-learning.json`; the credential id when it has no name. */
function fileName(vc: Record<string, unknown>, fallback: string): string {
  const slug = (achievementNameOf(vc, 'en') ?? '')
    .normalize('NFKD')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '-')
    .slice(0, 60);
  return `${slug || `credential-${fallback.replace(/[^\w-]/g, '')}`}.json`;
}

function ShareForm(props: { base: string; next?: keyof typeof NEXT; label: string; secondary?: boolean }) {
  return (
    <form method="post" action={`${props.base}/shares`} class="inline">
      {props.next ? <input type="hidden" name="next" value={props.next} /> : null}
      <button type="submit" class={props.secondary ? 'secondary' : undefined}>
        {props.label}
      </button>
    </form>
  );
}

/** The actions panel of a holding: download, share, LinkedIn, print, transfer, wallet. */
function HoldingActions(props: { scope: HoldingScope; shares: ShareRecord[]; shareUrl: (share: ShareRecord) => string; linkedInHref?: string }) {
  const { t } = useI18n();
  const { scope, shares } = props;
  return (
    <section class="panel actions" aria-labelledby="actions-title">
      <h2 id="actions-title">{t('hold.actions')}</h2>
      <ul class="action-list">
        <li>
          <a class="button" href={`${scope.base}/credential.json`} download>
            {t('hold.download')}
          </a>
          <span class="hint"> {t('hold.download.hint')}</span>
        </li>
        <li>
          {props.linkedInHref ? (
            <a class="button" href={props.linkedInHref} rel="noopener noreferrer">
              {t('hold.linkedin')}
            </a>
          ) : (
            <form method="post" action={`${scope.base}/linkedin`} class="inline">
              <button type="submit">{t('hold.linkedin')}</button>
            </form>
          )}
          <span class="hint"> {t('hold.linkedin.hint')}</span>
        </li>
        <li>
          <a class="button" href={`${scope.base}/print`}>
            {t('hold.print')}
          </a>
        </li>
        <li>
          <a class="button" href={scope.transferHref}>
            {t('hold.transfer')}
          </a>
          <span class="hint"> {t('hold.transfer.hint')}</span>
        </li>
      </ul>

      <h3 id="shares">{t('hold.shares')}</h3>
      <p>{t('hold.shares.text')}</p>
      {shares.length ? (
        <ul class="shares">
          {shares.map((share, index) => (
            <li>
              <label for={`share-${index}`}>{t('hold.share.made', { at: dateLabel(share.createdAt)! })}</label>
              <input type="text" id={`share-${index}`} readonly value={props.shareUrl(share)} />
              <div class="row">
                <a href={`/credentials/${share.id}`}>{t('hold.share.open')}</a>
                <button type="button" class="secondary" data-copy={`share-${index}`} data-copied={t('copy.done')} hidden>
                  {t('transfer.track.copy')}
                </button>
                <form method="post" action={`${scope.base}/shares/${encodeURIComponent(share.id)}/withdraw`} class="inline">
                  <button type="submit" class="secondary" aria-label={t('hold.share.withdrawLabel', { at: dateLabel(share.createdAt)! })}>
                    {t('hold.share.withdraw')}
                  </button>
                </form>
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <p class="hint">{t('hold.shares.none')}</p>
      )}
      <ShareForm base={scope.base} label={shares.length ? t('hold.share.another') : t('hold.share.make')} secondary={shares.length > 0} />

      <section id="wallet" aria-labelledby="wallet-title">
        <h3 id="wallet-title">{t('hold.wallet')}</h3>
        {scope.holding.credential.status === 'revoked' ? (
          <p>{t('hold.wallet.revoked')}</p>
        ) : (
          <>
            <p>{t('hold.wallet.text')}</p>
            <form method="post" action={`${scope.base}/wallet`} class="inline">
              <button type="submit">{t('hold.wallet')}</button>
            </form>
          </>
        )}
      </section>
    </section>
  );
}

function PrintView(props: {
  scope: HoldingScope;
  name: string;
  achievement?: AchievementView;
  issuer: string;
  credentialId?: string;
  validFrom?: string;
  validUntil?: string;
  share?: ShareRecord;
  shareUrl: (share: ShareRecord) => string;
  recipientName?: string;
}) {
  const { t, number } = useI18n();
  const { scope, achievement: a, share } = props;
  const url = share ? props.shareUrl(share) : undefined;
  return (
    <article class="print-sheet" aria-labelledby="print-title">
      <p class="row no-print">
        <a href={scope.base}>{t('hold.back')}</a>
        <button type="button" data-print hidden>
          {t('hold.printButton')}
        </button>
      </p>
      <p class="meta">{props.issuer}</p>
      <h1 id="print-title">{props.name}</h1>
      <Facts
        rows={[
          [t('hold.awardedTo'), props.recipientName],
          [t('transfer.item.issuedBy'), props.issuer],
          [t('fact.kind'), achievementTypeLabel(a?.type)],
          [t('fact.ects'), a?.ects === undefined ? undefined : number(a.ects)],
          [t('fact.eqf'), a?.eqfLevel === undefined ? undefined : String(a.eqfLevel)],
          [t('hold.issued'), dateLabel(props.validFrom ?? scope.holding.credential.issuedAt)],
          [t('fact.validUntil'), dateLabel(props.validUntil)],
          [t('result.credentialId'), props.credentialId ? <code>{props.credentialId}</code> : undefined],
        ]}
      />
      {url ? (
        <figure class="qr">
          <img src={qrDataUri(url)} alt={t('hold.qr.alt', { url })} width="192" height="192" />
          <figcaption>
            {t('hold.qr.caption')} <code>{url}</code>
          </figcaption>
        </figure>
      ) : (
        <div class="no-print panel">
          <p>{t('hold.qr.none')}</p>
          <ShareForm base={scope.base} next="print" label={t('hold.qr.make')} />
        </div>
      )}
    </article>
  );
}
