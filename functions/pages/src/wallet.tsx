/**
 * Wallets on the pages (issue 13). "Add to my wallet" (a POST from the claim page and from
 * each credential of `/my`) opens a VC API exchange for the credential and answers the
 * links a wallet opens: the Learner Credential Wallet's deep link and its QR code, the
 * interaction URL, and an OpenID4VCI credential offer as link and QR code. "Present from my
 * wallet" (from `/transfer` and `/my`) opens an exchange asking a wallet for credentials,
 * and `/transfer/wallet/{exchangeId}` waits for it, without JavaScript, until the wallet
 * answered and the transfer it made can be followed.
 */
import type { Context } from 'hono';
import type { OpenedExchange } from '@cx/core';
import { ConflictError, DomainError, type StoredInstitution } from '@cx/domain';
import { toProblem } from '@cx/http';
import type { HoldingScope, ResolveHolding } from './holding-actions.js';
import { achievementNameOf } from './holding-actions.js';
import { dateLabel } from './labels.js';
import type { I18n } from '@cx/i18n';
import { i18nOf, useI18n } from './i18n.js';
import { ErrorSummary, SelectField, TextField, type FieldErrors } from './layout.js';
import { memberList, render, text, type PagesApp, type PagesContext, type PagesEnv } from './page.js';
import { qrDataUri } from './qr.js';

/** How often the waiting page asks again; a wallet answers within seconds of the student's tap. */
const REFRESH_SECONDS = 5;
/** Exchange ids are 43 base64url characters (32 random bytes); tracking tokens as long. */
const SECRET = /^[\w-]{20,100}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const presentLabels = ({ t }: I18n) => ({
  institution: t('transfer.label.institution'),
  name: t('transfer.label.name'),
  email: t('form.optional', { label: t('transfer.label.email') }),
  form: t('wallet.label.form'),
});

/** The OpenID4VCI offer as a wallet opens it: by reference (fetched from the exchange) or by value. */
export type CredentialOffer = { uri: string } | { value: Record<string, unknown> };

/**
 * `openid-credential-offer://?credential_offer_uri=...` (or `credential_offer=` with the offer
 * JSON itself), as OpenID4VCI 1.0 section 4.1 defines the offer's link.
 *
 * @example
 * credentialOfferLink({ uri: 'https://exchange.example/claim/abc/credential-offer' })
 * // 'openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fexchange.example%2Fclaim%2Fabc%2Fcredential-offer'
 */
export function credentialOfferLink(offer: CredentialOffer): string {
  return 'uri' in offer
    ? `openid-credential-offer://?credential_offer_uri=${encodeURIComponent(offer.uri)}`
    : `openid-credential-offer://?credential_offer=${encodeURIComponent(JSON.stringify(offer.value))}`;
}

/** The waiting page of a presentation exchange; the tracking token travels with it to the transfer it makes. */
export const presentPath = (exchangeId: string, token: string) => `/transfer/wallet/${encodeURIComponent(exchangeId)}?token=${encodeURIComponent(token)}`;

/**
 * `POST {pattern}/wallet`: the "Add to my wallet" page of a holding. A claim link's offer is
 * fetched from `/claim/{token}/credential-offer`; a `/my` session's travels by value in the
 * link, since a wallet on another device has no session cookie.
 */
export function registerAddToWallet(app: PagesApp, ctx: PagesContext, pattern: string, resolve: ResolveHolding) {
  const { deps, services } = ctx;
  app.post(`${pattern}/wallet`, async (c) => {
    const scope = await resolve(c);
    if (scope instanceof Response) return scope;
    const { delivery, credential } = scope.holding;
    // the exchange would refuse its copy anyway; opening none spares the student a dead code
    if (credential.status === 'revoked') throw new ConflictError(i18nOf(c).t('wallet.error.revoked'));
    const holding = { institution: delivery.institution, credentialId: delivery.credentialId };
    const [exchange, offer, member] = await Promise.all([
      services.vcApiExchanges.forClaim({ ...holding, claimExpiresAt: scope.openUntil }),
      scope.offerUri ? ({ uri: scope.offerUri } as const) : services.oid4vci.offer(holding).then((value) => ({ value })),
      deps.store.institutions.get(delivery.institution),
    ]);
    const { t } = i18nOf(c);
    const name = achievementNameOf(credential.credential) ?? t('wallet.yourCredential');
    return render(
      c,
      { title: t('wallet.add.title', { name }), section: scope.via === 'my' ? 'my' : 'home' },
      <AddToWallet scope={scope} name={name} issuer={member?.name ?? delivery.institution} exchange={exchange} offerLink={credentialOfferLink(offer)} />,
    );
  });
}

/** `/transfer/wallet`: presenting credentials from a wallet into a transfer, and waiting for the wallet. */
export function registerPresentFromWallet(app: PagesApp, ctx: PagesContext) {
  const { deps, services } = ctx;

  async function presentForm(c: Context<PagesEnv>, form: PresentForm, errors: FieldErrors = {}, status = 200) {
    const i18n = i18nOf(c);
    const { t } = i18n;
    const members = (await memberList(deps.store)).filter((m) => m.status === 'active');
    const title = Object.keys(errors).length ? t('form.errorTitle', { title: t('wallet.present') }) : t('wallet.present');
    return render(
      c,
      { title, section: 'transfer', status },
      <>
        <h1>{t('wallet.present.heading')}</h1>
        <p class="lead">{t('wallet.present.lead')}</p>
        <ErrorSummary errors={errors} labels={presentLabels(i18n)} />
        {errors.form ? <p class="error-text">{errors.form}</p> : null}
        <PresentFields members={members} form={form} errors={errors} />
      </>,
    );
  }

  app.get('/transfer/wallet', (c) => presentForm(c, { institution: c.req.query('institution') ?? '', name: '', email: '' }));

  app.post('/transfer/wallet', async (c) => {
    const { t } = i18nOf(c);
    const body = await c.req.parseBody({ all: true });
    const form: PresentForm = { institution: text(body.institution).trim(), name: text(body.name).trim(), email: text(body.email).trim() };
    const errors: FieldErrors = {};
    if (!form.institution) errors.institution = t('transfer.error.institution');
    // the exchange is opened before any wallet answers: a receiver that takes no transfers must be refused now, not after the student's wallet presented
    else if ((await deps.store.institutions.get(form.institution))?.status !== 'active') errors.institution = t('wallet.error.notMember', { institution: form.institution });
    if (!form.name) errors.name = t('wallet.error.name');
    else if (form.name.length > 200) errors.name = t('wallet.error.nameLong', { max: 200 });
    if (form.email && (!EMAIL.test(form.email) || form.email.length > 254)) errors.email = t('wallet.error.email');
    if (Object.keys(errors).length) return presentForm(c, form, errors, 400);
    try {
      const opened = await services.vcApiExchanges.forTransfer({ institution: form.institution, student: { name: form.name, ...(form.email ? { email: form.email } : {}) } });
      return c.redirect(presentPath(opened.exchangeId, opened.trackingToken), 303);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const status = toProblem(error, undefined).status;
      return presentForm(c, form, status === 404 || status === 403 ? { institution: error.message } : { form: error.message }, status);
    }
  });

  app.get('/transfer/wallet/:exchangeId', async (c) => {
    const exchangeId = c.req.param('exchangeId');
    const token = c.req.query('token') ?? '';
    const outcome = SECRET.test(exchangeId) && SECRET.test(token) ? await services.vcApiExchanges.outcome(exchangeId) : ({ state: 'unknown' } as const);
    if (outcome.state === 'completed' && outcome.transferId) {
      return c.redirect(`/transfer/track/${encodeURIComponent(outcome.transferId)}?token=${encodeURIComponent(token)}&submitted=1`, 303);
    }
    const links = outcome.state === 'pending' ? await services.vcApiExchanges.links(exchangeId) : undefined;
    if (!links) return presentEnded(c, outcome.state === 'expired' ? 'expired' : 'unknown');
    const automatic = c.req.query('auto') !== 'off';
    return render(
      c,
      { title: i18nOf(c).t('wallet.waiting.title'), section: 'transfer' },
      <Waiting links={links} here={presentPath(exchangeId, token)} automatic={automatic} />,
    );
  });
}

interface PresentForm {
  institution: string;
  name: string;
  email: string;
}

/** The fields of "present from my wallet", on its own page and on `/my`. */
export function PresentFields(props: { members: StoredInstitution[]; form: PresentForm; errors?: FieldErrors; idPrefix?: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const PRESENT_LABELS = presentLabels(i18n);
  const errors = props.errors ?? {};
  const id = (field: string) => `${props.idPrefix ?? ''}${field}`;
  return (
    <form method="post" action="/transfer/wallet">
      <SelectField
        id={id('institution')}
        name="institution"
        label={PRESENT_LABELS.institution}
        value={props.form.institution}
        empty={t('transfer.chooseUniversity')}
        required
        options={props.members.map((m) => ({ value: m.id, label: m.name }))}
        error={errors.institution}
      />
      <TextField id={id('name')} name="name" label={PRESENT_LABELS.name} autocomplete="name" required value={props.form.name} error={errors.name} />
      <TextField
        id={id('email')}
        name="email"
        label={PRESENT_LABELS.email}
        type="email"
        autocomplete="email"
        hint={t('wallet.hint.email')}
        value={props.form.email}
        error={errors.email}
      />
      <button type="submit">{t('wallet.present')}</button>
    </form>
  );
}

/** What a wallet opens for an exchange: the links every page of an exchange shows. */
type ExchangeLinks = Pick<OpenedExchange, 'exchangeUrl' | 'interactionUrl' | 'lcwDeepLink'>;

function AddToWallet(props: { scope: HoldingScope; name: string; issuer: string; exchange: OpenedExchange; offerLink: string }) {
  const { t } = useI18n();
  const { scope, exchange } = props;
  return (
    <>
      <p>
        <a href={scope.base}>{t('hold.back')}</a>
      </p>
      <h1>{t('wallet.add.heading', { name: props.name })}</h1>
      <p class="lead">{t('wallet.add.lead', { issuer: props.issuer })}</p>
      <p class="notice" role="status">
        {t('wallet.add.once', { until: dateLabel(exchange.expiresAt)! })}
      </p>
      <LcwPanel links={exchange} action={t('wallet.lcw.actionAdd')} />
      <section class="panel" aria-labelledby="oid4vci-title">
        <h2 id="oid4vci-title">{t('wallet.oid4vci')}</h2>
        <p>{t('wallet.oid4vci.text')}</p>
        <figure class="qr">
          <img id="oid4vci-qr" src={qrDataUri(props.offerLink)} alt={t('wallet.oid4vci.alt')} width="192" height="192" />
          <figcaption>{t('wallet.oid4vci.scan')}</figcaption>
        </figure>
        <p>
          <a class="button" id="oid4vci-link" href={props.offerLink}>
            {t('wallet.oid4vci.open')}
          </a>
        </p>
      </section>
      <p class="hint">
        {t('wallet.noApp')} <a href={`${scope.base}/credential.json`}>{t('wallet.noApp.download')}</a> {t('wallet.noApp.end')}
      </p>
    </>
  );
}

/** The Learner Credential Wallet's QR code and deep link, and the interaction URL other VC API wallets take. */
function LcwPanel(props: { links: ExchangeLinks; action: string }) {
  const { t } = useI18n();
  const { links } = props;
  return (
    <section class="panel" aria-labelledby="lcw-title">
      <h2 id="lcw-title">Learner Credential Wallet</h2>
      <p>
        {t('wallet.lcw.text')} (<a href="https://lcw.app">lcw.app</a>). {t('wallet.lcw.how', { action: props.action })}
      </p>
      <figure class="qr">
        <img id="lcw-qr" src={qrDataUri(links.lcwDeepLink)} alt={t('wallet.lcw.alt')} width="192" height="192" />
        <figcaption>{t('wallet.lcw.scan')}</figcaption>
      </figure>
      <p>
        <a class="button" id="lcw-link" href={links.lcwDeepLink}>
          {t('wallet.lcw.open')}
        </a>
      </p>
      <label for="interaction-url">{t('wallet.interaction')}</label>
      <input type="text" id="interaction-url" readonly value={links.interactionUrl} />
      <p>
        <button type="button" class="secondary" data-copy="interaction-url" data-copied={t('copy.done')} hidden>
          {t('wallet.interaction.copy')}
        </button>
      </p>
    </section>
  );
}

function Waiting(props: { links: ExchangeLinks; here: string; automatic: boolean }) {
  const { t } = useI18n();
  return (
    <>
      {/* asks again without JavaScript (hono's JSX hoists the meta into the head); the CSP governs no navigation, so the refresh is allowed */}
      {props.automatic ? <meta http-equiv="refresh" content={String(REFRESH_SECONDS)} /> : null}
      <h1>{t('wallet.present.heading')}</h1>
      <p class="lead">{t('wallet.waiting.lead')}</p>
      <LcwPanel links={props.links} action={t('wallet.lcw.actionPresent')} />
      <div class="notice" role="status">
        <p>
          <strong>{t('wallet.waiting.strong')}</strong> {props.automatic ? t('wallet.waiting.auto', { seconds: REFRESH_SECONDS }) : t('wallet.waiting.manual')}
        </p>
        <p class="row">
          <a class="button" href={props.here}>
            {t('wallet.waiting.again')}
          </a>
          {props.automatic ? <a href={`${props.here}&auto=off`}>{t('wallet.waiting.stop')}</a> : <a href={props.here}>{t('wallet.waiting.start')}</a>}
        </p>
      </div>
    </>
  );
}

const ENDED = { expired: { status: 410 }, unknown: { status: 404 } } as const;

function presentEnded(c: Context<PagesEnv>, state: keyof typeof ENDED) {
  const { t } = i18nOf(c);
  const page = ENDED[state];
  const title = t(`wallet.ended.${state}.title`);
  return render(
    c,
    { title, section: 'transfer', status: page.status },
    <>
      <h1>{title}</h1>
      <p>{t(`wallet.ended.${state}.why`)}</p>
      <p>
        <a href="/transfer/wallet">{t('wallet.ended.again')}</a> {t('error.notFound.or')} <a href="/transfer">{t('wallet.ended.files')}</a>.
      </p>
    </>,
  );
}
