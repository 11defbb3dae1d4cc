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
import { ErrorSummary, SelectField, TextField, type FieldErrors } from './layout.js';
import { memberList, render, text, type PagesApp, type PagesContext, type PagesEnv } from './page.js';
import { qrDataUri } from './qr.js';

/** How often the waiting page asks again; a wallet answers within seconds of the student's tap. */
const REFRESH_SECONDS = 5;
/** Exchange ids are 43 base64url characters (32 random bytes); tracking tokens as long. */
const SECRET = /^[\w-]{20,100}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const PRESENT_LABELS = { institution: 'Receiving university', name: 'Your name', email: 'Your email address (optional)', form: 'Presenting from your wallet' };

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
    if (credential.status === 'revoked') throw new ConflictError('this credential was revoked by its issuer, so it cannot go into a wallet');
    const holding = { institution: delivery.institution, credentialId: delivery.credentialId };
    const [exchange, offer, member] = await Promise.all([
      services.vcApiExchanges.forClaim({ ...holding, claimExpiresAt: scope.openUntil }),
      scope.offerUri ? ({ uri: scope.offerUri } as const) : services.oid4vci.offer(holding).then((value) => ({ value })),
      deps.store.institutions.get(delivery.institution),
    ]);
    const name = achievementNameOf(credential.credential) ?? 'your credential';
    return render(
      c,
      { title: `Add to my wallet: ${name}`, section: scope.via === 'my' ? 'my' : 'home' },
      <AddToWallet scope={scope} name={name} issuer={member?.name ?? delivery.institution} exchange={exchange} offerLink={credentialOfferLink(offer)} />,
    );
  });
}

/** `/transfer/wallet`: presenting credentials from a wallet into a transfer, and waiting for the wallet. */
export function registerPresentFromWallet(app: PagesApp, ctx: PagesContext) {
  const { deps, services } = ctx;

  async function presentForm(c: Context<PagesEnv>, form: PresentForm, errors: FieldErrors = {}, status = 200) {
    const members = (await memberList(deps.store)).filter((m) => m.status === 'active');
    const title = `${Object.keys(errors).length ? 'Error: ' : ''}Present from my wallet`;
    return render(
      c,
      { title, section: 'transfer', status },
      <>
        <h1>Present credentials from your wallet</h1>
        <p class="lead">Ask a member university to recognise credentials you keep in a wallet app. Your wallet presents them; you choose which.</p>
        <ErrorSummary errors={errors} labels={PRESENT_LABELS} />
        {errors.form ? <p class="error-text">{errors.form}</p> : null}
        <PresentFields members={members} form={form} errors={errors} />
      </>,
    );
  }

  app.get('/transfer/wallet', (c) => presentForm(c, { institution: c.req.query('institution') ?? '', name: '', email: '' }));

  app.post('/transfer/wallet', async (c) => {
    const body = await c.req.parseBody({ all: true });
    const form: PresentForm = { institution: text(body.institution).trim(), name: text(body.name).trim(), email: text(body.email).trim() };
    const errors: FieldErrors = {};
    if (!form.institution) errors.institution = 'choose the university that should recognise your credits';
    // the exchange is opened before any wallet answers: a receiver that takes no transfers must be refused now, not after the student's wallet presented
    else if ((await deps.store.institutions.get(form.institution))?.status !== 'active') errors.institution = `${form.institution} is not a member university taking transfers`;
    if (!form.name) errors.name = 'enter your name as your credentials give it';
    else if (form.name.length > 200) errors.name = 'at most 200 characters';
    if (form.email && (!EMAIL.test(form.email) || form.email.length > 254)) errors.email = 'enter an email address like name@example.org, or leave it empty';
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
      { title: 'Waiting for your wallet', section: 'transfer' },
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
  const errors = props.errors ?? {};
  const id = (field: string) => `${props.idPrefix ?? ''}${field}`;
  return (
    <form method="post" action="/transfer/wallet">
      <SelectField
        id={id('institution')}
        name="institution"
        label={PRESENT_LABELS.institution}
        value={props.form.institution}
        empty="Choose a university"
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
        hint="The address your credentials were issued to, for credentials your wallet holds as files. Credentials your wallet received from the exchange are bound to it and need no address."
        value={props.form.email}
        error={errors.email}
      />
      <button type="submit">Present from my wallet</button>
    </form>
  );
}

/** What a wallet opens for an exchange: the links every page of an exchange shows. */
type ExchangeLinks = Pick<OpenedExchange, 'exchangeUrl' | 'interactionUrl' | 'lcwDeepLink'>;

function AddToWallet(props: { scope: HoldingScope; name: string; issuer: string; exchange: OpenedExchange; offerLink: string }) {
  const { scope, exchange } = props;
  return (
    <>
      <p>
        <a href={scope.base}>Back to the credential</a>
      </p>
      <h1>{`Add ${props.name} to your wallet`}</h1>
      <p class="lead">{`Your wallet app receives its own copy of the credential, bound to the wallet and signed by ${props.issuer}. If ${props.issuer} revokes or suspends the credential, the copy is revoked or suspended too.`}</p>
      <p class="notice" role="status">
        {`Each link and code below works once, until ${dateLabel(exchange.expiresAt)}. To add the credential to another wallet, go back and choose "Add to my wallet" again.`}
      </p>
      <LcwPanel links={exchange} action="add the credential" />
      <section class="panel" aria-labelledby="oid4vci-title">
        <h2 id="oid4vci-title">Another wallet app (OpenID4VCI)</h2>
        <p>For wallets that take credentials by OpenID for Verifiable Credential Issuance: scan the code from within the wallet app, or open the link on the phone the wallet is on.</p>
        <figure class="qr">
          <img id="oid4vci-qr" src={qrDataUri(props.offerLink)} alt="QR code of the credential offer for an OpenID4VCI wallet" width="192" height="192" />
          <figcaption>Scan with your wallet app.</figcaption>
        </figure>
        <p>
          <a class="button" id="oid4vci-link" href={props.offerLink}>
            Open the credential offer in my wallet app
          </a>
        </p>
      </section>
      <p class="hint">
        No wallet app? <a href={`${scope.base}/credential.json`}>Download the credential</a> instead, and import the file into any wallet later.
      </p>
    </>
  );
}

/** The Learner Credential Wallet's QR code and deep link, and the interaction URL other VC API wallets take. */
function LcwPanel(props: { links: ExchangeLinks; action: string }) {
  const { links } = props;
  return (
    <section class="panel" aria-labelledby="lcw-title">
      <h2 id="lcw-title">Learner Credential Wallet</h2>
      <p>
        The free wallet app of the Digital Credentials Consortium, for iPhone and Android (<a href="https://lcw.app">lcw.app</a>). On a computer, scan the code with your
        phone's camera; on the phone, open the link. The wallet asks you to confirm, then {props.action}.
      </p>
      <figure class="qr">
        <img id="lcw-qr" src={qrDataUri(links.lcwDeepLink)} alt="QR code that opens the request in the Learner Credential Wallet" width="192" height="192" />
        <figcaption>Scan with your phone's camera.</figcaption>
      </figure>
      <p>
        <a class="button" id="lcw-link" href={links.lcwDeepLink}>
          Open in the Learner Credential Wallet
        </a>
      </p>
      <label for="interaction-url">Another VC API wallet: the interaction URL</label>
      <input type="text" id="interaction-url" readonly value={links.interactionUrl} />
      <p>
        <button type="button" class="secondary" data-copy="interaction-url" hidden>
          Copy the interaction URL
        </button>
      </p>
    </section>
  );
}

function Waiting(props: { links: ExchangeLinks; here: string; automatic: boolean }) {
  return (
    <>
      {/* asks again without JavaScript (hono's JSX hoists the meta into the head); the CSP governs no navigation, so the refresh is allowed */}
      {props.automatic ? <meta http-equiv="refresh" content={String(REFRESH_SECONDS)} /> : null}
      <h1>Present credentials from your wallet</h1>
      <p class="lead">Open the request in your wallet, choose the credentials to present, and send them. The link and code work once.</p>
      <LcwPanel links={props.links} action="shows which credentials it can present" />
      <div class="notice" role="status">
        <p>
          <strong>Waiting for your wallet.</strong>{' '}
          {props.automatic
            ? `This page checks every ${REFRESH_SECONDS} seconds and opens your transfer once your wallet has presented.`
            : 'Check again once your wallet has presented: this page then opens your transfer.'}
        </p>
        <p class="row">
          <a class="button" href={props.here}>
            Check again
          </a>
          {props.automatic ? <a href={`${props.here}&auto=off`}>Stop checking automatically</a> : <a href={props.here}>Check automatically</a>}
        </p>
      </div>
    </>
  );
}

const ENDED = {
  expired: { status: 410, title: 'This wallet request has expired', why: 'A request to a wallet works for a short time, and this one is over before your wallet answered.' },
  unknown: { status: 404, title: 'There is no wallet request here', why: 'This link does not lead to a request to a wallet. It may have been copied incompletely.' },
} as const;

function presentEnded(c: Context<PagesEnv>, state: keyof typeof ENDED) {
  const page = ENDED[state];
  return render(
    c,
    { title: page.title, section: 'transfer', status: page.status },
    <>
      <h1>{page.title}</h1>
      <p>{page.why}</p>
      <p>
        <a href="/transfer/wallet">Present from your wallet again</a>, or <a href="/transfer">transfer with credential files</a>.
      </p>
    </>,
  );
}
