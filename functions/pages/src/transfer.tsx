/**
 * `/transfer`: a student picks the receiving university, adds credential files (or pastes
 * them), gives name and email, and submits without any key, exactly as the API's keyless
 * submission (rate-limited per client address). The answer is a tracking page, reachable
 * only with its token, that shows each item's outcome with reasons and justifications,
 * takes appeals, and offers the signed recognition record once everything is decided.
 * Credentials kept in a wallet app are presented from it instead (wallet.tsx).
 */
import type { Context } from 'hono';
import { memberIdOfDid, type Holding } from '@cx/core';
import { appealBodySchema, DomainError, transferBodySchema, ValidationError } from '@cx/domain';
import { clientAddress, toProblem } from '@cx/http';
import type { StoredInstitution, TransferDecision, TransferItem, TransferRecord } from '@cx/domain';
import { ErrorSummary, Facts, FileField, SelectField, TextArea, TextField, fieldErrors, type FieldErrors } from './layout.js';
import type { I18n } from '@cx/i18n';
import { i18nOf, useI18n } from './i18n.js';
import { dateLabel, differenceLabel } from './labels.js';
import { achievementNameOf } from './holding-actions.js';
import { memberList, render, text, type PagesApp, type PagesContext, type PagesEnv } from './page.js';
import { sessionCookie } from './session-cookie.js';

const labels = ({ t }: I18n): Record<string, string> => ({
  institution: t('transfer.label.institution'),
  name: t('transfer.label.name'),
  email: t('transfer.label.email'),
  did: t('transfer.label.did'),
  files: t('transfer.label.files'),
  pasted: t('transfer.label.pasted'),
  form: t('transfer.label.form'),
});
const FIELDS = ['institution', 'name', 'email', 'did', 'files', 'pasted', 'form'];

const MAX_CREDENTIALS = 50;
const ANONYMOUS = { kind: 'anonymous' } as const;

interface TransferForm {
  institution: string;
  name: string;
  email: string;
  did: string;
  pasted: string;
  /** Credentials attached from a claim link or the `/my` session, resolved on the server. */
  attached: Attached[];
}

/** A credential the student holds, attached by reference: `claim` (a claim token) or `held` (`institution/credentialId` of the session's holder). */
interface Attached {
  field: 'claim' | 'held';
  value: string;
  name: string;
  holding: Holding;
}


const trackingPath = (id: string, token: string) => `/transfer/track/${encodeURIComponent(id)}?token=${encodeURIComponent(token)}`;

export function registerTransferPages(app: PagesApp, ctx: PagesContext) {
  const { deps, services } = ctx;
  const cookie = sessionCookie(deps.publicUrl);

  /**
   * The credentials attached by reference, resolved again on every request: a claim token
   * through its claim link, a held credential through the signed-in session. A posted
   * credential is never trusted for them; a reference that no longer resolves is an error.
   */
  async function resolveAttached(c: Context<PagesEnv>, claims: string[], held: string[]): Promise<{ attached: Attached[]; error?: string }> {
    const { t } = i18nOf(c);
    const attached: Attached[] = [];
    const named = (field: Attached['field'], value: string, holding: Holding) =>
      attached.push({ field, value, holding, name: achievementNameOf(holding.credential.credential) ?? holding.credential.id });
    for (const token of claims.slice(0, MAX_CREDENTIALS)) {
      const lookup = token.length <= 200 ? await services.student.openClaim(token) : undefined;
      if (lookup?.state !== 'valid') return { attached, error: t('transfer.error.claimGone') };
      named('claim', token, lookup.holding);
    }
    if (held.length) {
      const token = cookie.read(c);
      const session = token ? await services.student.session(token) : undefined;
      if (!session) return { attached, error: t('transfer.error.sessionEnded') };
      for (const ref of held.slice(0, MAX_CREDENTIALS)) {
        const [institution = '', credentialId = ''] = ref.split('/', 2);
        const holding = await services.student.holding(session.emailHash, institution, credentialId);
        if (!holding) return { attached, error: t('transfer.error.notYours', { ref }) };
        named('held', ref, holding);
      }
    }
    return { attached };
  }

  app.get('/transfer', async (c) => {
    const members = await memberList(deps.store);
    const { attached, error } = await resolveAttached(c, c.req.queries('claim') ?? [], c.req.queries('held') ?? []);
    const recipient = attached[0]?.holding.credential.recipient;
    const form: TransferForm = { institution: c.req.query('institution') ?? '', name: recipient?.name ?? '', email: recipient?.email ?? '', did: '', pasted: '', attached };
    return render(c, { title: i18nOf(c).t('transfer.title'), section: 'transfer', status: error ? 400 : 200 }, <TransferFormPage members={members} form={form} errors={error ? { files: error } : {}} />);
  });

  app.post('/transfer', async (c) => {
    const { t } = i18nOf(c);
    const body = await c.req.parseBody({ all: true });
    const { attached, error: attachError } = await resolveAttached(c, texts(body.claim), texts(body.held));
    const form: TransferForm = {
      institution: text(body.institution).trim(),
      name: text(body.name).trim(),
      email: text(body.email).trim(),
      did: text(body.did).trim(),
      pasted: text(body.pasted),
      attached,
    };
    const errors: FieldErrors = attachError ? { files: attachError } : {};
    const credentials: unknown[] = attached.map((a) => a.holding.credential.credential);
    const files = (Array.isArray(body.files) ? body.files : [body.files]).filter((f): f is File => f instanceof File && f.size > 0);
    for (const file of files) {
      const parsed = parseJson(await file.text());
      if (parsed === undefined) errors.files ??= t('transfer.error.notJson', { file: file.name });
      else credentials.push(...(Array.isArray(parsed) ? parsed : [parsed]));
    }
    if (form.pasted.trim()) {
      const parsed = parseJson(form.pasted);
      if (parsed === undefined) errors.pasted = t('transfer.error.pasted');
      else credentials.push(...(Array.isArray(parsed) ? parsed : [parsed]));
    }
    if (!form.institution) errors.institution = t('transfer.error.institution');
    if (credentials.length === 0 && !errors.files && !errors.pasted) errors.files = t('transfer.error.noFiles');
    if (credentials.length > MAX_CREDENTIALS) errors.files = t('transfer.error.tooMany', { max: MAX_CREDENTIALS, count: credentials.length });

    const student = { name: form.name, ...(form.email ? { email: form.email } : {}), ...(form.did ? { did: form.did } : {}) };
    const parsed = transferBodySchema.safeParse({ student, credentials: credentials.length ? credentials : [null] });
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
      for (const [field, message] of Object.entries(fieldErrors(issues, studentField))) errors[field] ??= message;
    }
    const again = async (status: number, extra: FieldErrors = {}) =>
      render(
        c,
        { title: t('form.errorTitle', { title: t('transfer.title') }), section: 'transfer', status },
        <TransferFormPage members={await memberList(deps.store)} form={form} errors={{ ...errors, ...extra }} />,
      );
    if (Object.keys(errors).length > 0 || !parsed.success) return again(400);

    try {
      const { transfer, trackingToken } = await services.transfers.submit(form.institution, parsed.data, {
        principal: ANONYMOUS,
        requestId: c.get('requestId'),
        clientAddress: clientAddress(c),
      });
      return c.redirect(`${trackingPath(transfer.id, trackingToken!)}&submitted=1`, 303);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const problem = toProblem(error, c.get('requestId'));
      if (error instanceof ValidationError && error.issues.length) return again(400, fieldErrors(error.issues, studentField));
      if (problem.status === 404 || problem.status === 403) return again(problem.status, { institution: error.message });
      return again(problem.status, { form: error.message });
    }
  });

  app.get('/transfer/track/:id', async (c) => {
    const token = c.req.query('token') ?? '';
    const transfer = await services.transfers.getForStudent(c.req.param('id'), token.slice(0, 200));
    const notice = c.req.query('submitted') ? 'submitted' : c.req.query('appealed') ? 'appealed' : undefined;
    return trackingPage(c, transfer, token, { notice });
  });

  app.post('/transfer/track/:id/appeal', async (c) => {
    const body = await c.req.parseBody();
    const token = text(body.token).slice(0, 200);
    const credentialId = text(body.credentialId);
    const transfer = await services.transfers.getForStudent(c.req.param('id'), token);
    const parsed = appealBodySchema.safeParse({ credentialId, grounds: text(body.grounds) });
    if (!parsed.success) {
      return trackingPage(c, transfer, token, { status: 400, appealError: { credentialId, message: i18nOf(c).t('transfer.error.grounds') } });
    }
    try {
      await services.transfers.appeal(transfer.institution, transfer.id, parsed.data, { token, principal: ANONYMOUS, requestId: c.get('requestId') });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return trackingPage(c, transfer, token, { status: toProblem(error, undefined).status, appealError: { credentialId, message: error.message } });
    }
    return c.redirect(`${trackingPath(transfer.id, token)}&appealed=1`, 303);
  });

  app.get('/transfer/track/:id/record', async (c) => {
    const transfer = await services.transfers.getForStudent(c.req.param('id'), (c.req.query('token') ?? '').slice(0, 200));
    return transferRecordResponse(c, transfer);
  });

  function trackingPage(c: Context<PagesEnv>, transfer: TransferRecord, token: string, options: Omit<TrackingOptions, 'token' | 'recordHref'> = {}) {
    const recordHref = `/transfer/track/${encodeURIComponent(transfer.id)}/record?token=${encodeURIComponent(token)}`;
    return renderTracking(c, ctx, transfer, { ...options, token, recordHref });
  }
}

interface TrackingOptions {
  /** The tracking token, when the page was opened with it: it enables appeals and is shown as the link to keep. */
  token?: string;
  recordHref: string;
  status?: number;
  notice?: 'submitted' | 'appealed';
  appealError?: { credentialId: string; message: string };
}

/** A transfer's tracking page: by its tracking token (`/transfer/track/{id}`) or for its signed-in student (`/my/transfers/{id}`). */
export async function renderTracking(c: Context<PagesEnv>, { deps }: PagesContext, transfer: TransferRecord, options: TrackingOptions) {
  const { t } = i18nOf(c);
  const members = new Map((await memberList(deps.store)).map((m) => [m.id, m]));
  const url = options.token ? `${deps.publicUrl}${trackingPath(transfer.id, options.token)}` : undefined;
  const title = t('transfer.track.title', { university: members.get(transfer.institution)?.name ?? transfer.institution });
  return render(
    c,
    { title: options.appealError ? t('form.errorTitle', { title }) : title, section: 'transfer', status: options.status },
    <Tracking
      transfer={transfer}
      token={options.token}
      url={url}
      recordHref={options.recordHref}
      members={members}
      notice={options.notice}
      appealError={options.appealError}
      publicUrl={deps.publicUrl}
    />,
  );
}

/** The signed recognition record as a download, or a page saying it is not signed yet (409). */
export function transferRecordResponse(c: Context<PagesEnv>, transfer: TransferRecord) {
  if (!transfer.recognitionCredential) {
    const { t } = i18nOf(c);
    return render(
      c,
      { title: t('transfer.noRecord'), section: 'transfer', status: 409 },
      <>
        <h1>{t('transfer.noRecord')}</h1>
        <p>{t('transfer.noRecord.text')}</p>
      </>,
    );
  }
  c.header('content-disposition', `attachment; filename="recognition-${transfer.id}.json"`);
  c.header('content-type', 'application/json; charset=utf-8');
  return c.body(JSON.stringify(transfer.recognitionCredential, null, 2));
}

/** A repeated form field's values as text. */
function texts(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).map(text).filter(Boolean);
}

/** `student.email` -> `email`: the form names the student's fields on their own. */
function studentField(field: string): string {
  if (field.startsWith('student.')) return field.slice('student.'.length).split('.')[0]!;
  if (field === 'student') return 'name';
  if (field.startsWith('credentials')) return 'files';
  return FIELDS.includes(field) ? field : 'form';
}

function parseJson(source: string): unknown {
  try {
    return JSON.parse(source);
  } catch {
    return undefined;
  }
}

function TransferFormPage(props: { members: StoredInstitution[]; form: TransferForm; errors?: FieldErrors }) {
  const i18n = useI18n();
  const { t } = i18n;
  const LABELS = labels(i18n);
  const errors = props.errors ?? {};
  const { form } = props;
  return (
    <>
      <h1>{t('transfer.title')}</h1>
      <p class="lead">{t('transfer.lead')}</p>
      <ErrorSummary errors={errors} labels={LABELS} />
      {errors.form ? <p class="error-text">{errors.form}</p> : null}
      <form method="post" action="/transfer" enctype="multipart/form-data">
        <SelectField
          id="institution"
          label={LABELS.institution!}
          value={form.institution}
          empty={t('transfer.chooseUniversity')}
          required
          options={props.members.filter((m) => m.status === 'active').map((m) => ({ value: m.id, label: m.name }))}
          error={errors.institution}
        />
        <TextField id="name" label={LABELS.name!} autocomplete="name" required value={form.name} error={errors.name} />
        <TextField id="email" label={LABELS.email!} type="email" autocomplete="email" hint={t('transfer.hint.email')} value={form.email} error={errors.email} />
        <TextField id="did" label={t('form.optional', { label: LABELS.did! })} hint={t('transfer.hint.did')} value={form.did} error={errors.did} />
        {form.attached.length ? (
          <section class="panel" aria-labelledby="attached-title">
            <h2 id="attached-title">{t('transfer.attached')}</h2>
            <ul id="attached">
              {form.attached.map((a) => (
                <li>
                  {a.name}
                  <input type="hidden" name={a.field} value={a.value} />
                </li>
              ))}
            </ul>
            <p class="hint">{t('transfer.attached.hint')}</p>
          </section>
        ) : null}
        {/* only the file control takes files: the hint invites choosing them, not dropping them on the page */}
        <FileField
          id="files"
          label={form.attached.length ? t('transfer.label.moreFiles') : LABELS.files!}
          hint={t('transfer.hint.files', { max: MAX_CREDENTIALS })}
          multiple
          accept=".json,.jsonld,application/json,application/ld+json"
          error={errors.files}
        />
        <details open={errors.pasted ? true : undefined}>
          <summary>{t('transfer.pasteInstead')}</summary>
          <TextArea id="pasted" label={t('transfer.field.pasted')} hint={t('transfer.hint.pasted')} value={form.pasted} error={errors.pasted} rows={6} />
        </details>
        <p class="hint">{t('transfer.privacy')}</p>
        <button type="submit">{t('transfer.submit')}</button>
        <h2 id="wallet-title">{t('transfer.wallet.heading')}</h2>
        <p class="hint" id="wallet-hint">
          {t('transfer.wallet.hint')}
        </p>
        {/* the same fields, posted to the wallet's page; as a plain form, so no file goes with them */}
        <button type="submit" class="secondary" formaction="/transfer/wallet" formenctype="application/x-www-form-urlencoded" aria-describedby="wallet-hint">
          {t('wallet.present')}
        </button>
      </form>
    </>
  );
}

const OUTCOME = {
  recognised: { text: 'transfer.outcome.recognised', tone: 'ok' },
  pending: { text: 'transfer.outcome.pending', tone: 'warn' },
  rejected: { text: 'transfer.outcome.rejected', tone: 'bad' },
} as const;

function Tracking(props: {
  transfer: TransferRecord;
  token?: string;
  url?: string;
  recordHref: string;
  publicUrl: string;
  members: Map<string, StoredInstitution>;
  notice?: 'submitted' | 'appealed';
  appealError?: { credentialId: string; message: string };
}) {
  const { t, number } = useI18n();
  const { transfer, token, url, members, notice, appealError } = props;
  const receiver = members.get(transfer.institution)?.name ?? transfer.institution;
  const decided = transfer.status === 'decided';
  const recordHref = props.recordHref;
  return (
    <>
      <h1>{t('transfer.track.title', { university: receiver })}</h1>
      {notice === 'submitted' && url ? (
        <div class="notice" role="status">
          <p>
            <strong>{t('transfer.track.submitted')}</strong> {t('transfer.track.keepLink')}
          </p>
          <label for="tracking-url">{t('transfer.track.link')}</label>
          <input type="text" id="tracking-url" readonly value={url} />
          <p>
            <button type="button" class="secondary" data-copy="tracking-url" data-copied={t('copy.done')} hidden>
              {t('transfer.track.copy')}
            </button>
          </p>
        </div>
      ) : null}
      {notice === 'appealed' ? (
        <p class="notice" role="status">
          {t('transfer.track.appealed')}
        </p>
      ) : null}
      {appealError ? (
        // focused on load (announced then), so no role="alert" as well
        <div class="error-summary" aria-labelledby="appeal-problem" tabindex={-1}>
          <h2 id="appeal-problem">{t('form.problem')}</h2>
          <p>
            <a href={`#grounds-${itemIndex(transfer, appealError.credentialId)}`}>{t('transfer.track.appealError', { message: appealError.message })}</a>
          </p>
        </div>
      ) : null}
      <section class={`verdict ${decided ? 'ok' : 'warn'}`} aria-labelledby="transfer-status">
        <h2 id="transfer-status">{decided ? t('transfer.track.decided') : t('transfer.outcome.pending')}</h2>
        <p>
          {decided
            ? t('transfer.track.decidedText', { university: receiver, ects: transfer.totalEctsRecognised })
            : t('transfer.track.pendingText', { university: receiver, ects: transfer.totalEctsRecognised })}
        </p>
      </section>
      <Facts
        rows={[
          [t('fact.student'), transfer.student.name],
          [t('transfer.track.submittedAt'), dateLabel(transfer.createdAt)],
          [t('transfer.track.lastChange'), dateLabel(transfer.updatedAt)],
          [t('transfer.track.ects'), number(transfer.totalEctsRecognised)],
        ]}
      />

      {decided && transfer.recognitionCredential ? (
        <section aria-labelledby="record-title" class="panel">
          <h2 id="record-title">{t('result.recognition')}</h2>
          <p>{t('transfer.track.recordText', { university: receiver })}</p>
          <p>
            <a class="button" href={recordHref} download={`recognition-${transfer.id}.json`}>
              {t('transfer.track.download')}
            </a>
          </p>
        </section>
      ) : null}

      <h2>{t('transfer.track.credentials')}</h2>
      {transfer.items.map((item, index) => (
        <Item item={item} index={index} transfer={transfer} token={token} members={members} publicUrl={props.publicUrl} error={appealError?.credentialId === item.credentialId ? appealError.message : undefined} />
      ))}
    </>
  );
}

function itemIndex(transfer: TransferRecord, credentialId: string): number {
  return Math.max(0, transfer.items.findIndex((i) => i.credentialId === credentialId));
}

function Item(props: { item: TransferItem; index: number; transfer: TransferRecord; token?: string; members: Map<string, StoredInstitution>; publicUrl: string; error?: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { item, index, transfer, token, members } = props;
  const outcome = OUTCOME[item.outcome];
  const issuerId = item.issuer ? memberIdOfDid(props.publicUrl, item.issuer) : undefined;
  const issuer = issuerId ? (members.get(issuerId)?.name ?? issuerId) : item.issuer ? t('transfer.item.notMember', { did: item.issuer }) : t('transfer.item.unknown');
  const title = item.source?.name ?? item.component ?? item.credentialId;
  return (
    <article class="item" aria-labelledby={`item-${index}`} data-outcome={item.outcome}>
      <h3 id={`item-${index}`}>{title}</h3>
      <p>
        <span class={`tag ${outcome.tone}`}>{t(outcome.text)}</span>
        {item.appealed && item.outcome === 'pending' ? t('transfer.item.appealed') : ''}
      </p>
      <Facts
        rows={[
          [t('transfer.item.issuedBy'), issuer],
          [t('transfer.item.component'), item.component ?? undefined],
          [t('transfer.track.ects'), item.outcome === 'recognised' ? i18n.number(item.ects ?? 0) : undefined],
          [t('transfer.item.countsAs'), item.recognisedAs ? <a href={`/catalogue/components/${encodeURIComponent(transfer.institution)}/${encodeURIComponent(item.recognisedAs)}`}>{item.recognisedAs}</a> : undefined],
          [t('transfer.item.reason'), reasonWords(item.reason)],
          [t('transfer.item.credential'), <code>{item.credentialId}</code>],
        ]}
      />
      {item.history.length ? (
        <>
          <h4>{t('transfer.item.history')}</h4>
          <ol class="history">
            {item.history.map((entry) => (
              <li>{historyLine(entry, i18n)}</li>
            ))}
          </ol>
        </>
      ) : null}
      {item.outcome === 'rejected' && !refusedByReviewer(item) ? <p class="hint">{t('transfer.item.checkFailed')}</p> : null}
      {item.outcome === 'rejected' && refusedByReviewer(item) && token === undefined ? <p class="hint">{t('transfer.item.appealWithLink')}</p> : null}
      {item.outcome === 'rejected' && refusedByReviewer(item) && token !== undefined ? (
        <form method="post" action={`/transfer/track/${encodeURIComponent(transfer.id)}/appeal`}>
          <input type="hidden" name="token" value={token} />
          <input type="hidden" name="credentialId" value={item.credentialId} />
          <TextArea
            id={`grounds-${index}`}
            name="grounds"
            label={t('transfer.appeal.label')}
            hint={t('transfer.appeal.hint')}
            rows={4}
            error={props.error}
          />
          <button type="submit">{t('transfer.appeal.submit')}</button>
        </form>
      ) : null}
    </article>
  );
}

/** Appeals contest a reviewer's judgement; a credential that failed its checks cannot be recognised on appeal. */
function refusedByReviewer(item: TransferItem): boolean {
  return item.history.some((entry) => 'outcome' in entry && entry.outcome === 'rejected');
}

/**
 * An item's reason in words. A reason that is a substantial difference's code
 * (`learning-outcomes`) reads as the history words it; anything else is the reviewer's or the
 * checks' own text.
 */
function reasonWords(reason: string | undefined): string | undefined {
  if (reason === undefined) return undefined;
  const words = differenceLabel(reason);
  return words !== reason ? useI18n().t('transfer.difference', { difference: words! }) : reason;
}

function historyLine(entry: TransferItem['history'][number], i18n: I18n): string {
  const { t } = i18n;
  if ('appeal' in entry) {
    const at = i18n.dateTime(entry.at) ?? '';
    return entry.by === 'student' ? t('transfer.history.appealedByYou', { at, appeal: entry.appeal }) : t('transfer.history.appealedBy', { at, by: entry.by, appeal: entry.appeal });
  }
  const decision = entry as TransferDecision;
  const ects = decision.outcome === 'recognised' && decision.ects !== undefined ? t('transfer.history.ects', { ects: decision.ects }) : '';
  const verb = t(decision.outcome === 'recognised' ? 'transfer.history.recognised' : 'transfer.history.refused');
  // an agreement rule's explanation only names the agreement again
  if (decision.rule) return t('transfer.history.byAgreement', { at: i18n.dateTime(decision.decidedAt)!, verb, ects, agreement: decision.rule.agreement, version: String(decision.rule.version) });
  const who = decision.decidedBy.kind === 'institution' ? t('transfer.history.byReviewer') : t('transfer.history.by', { who: decision.decidedBy.kind });
  const difference = decision.justification.difference ? ` ${t('transfer.difference', { difference: differenceLabel(decision.justification.difference)! })}` : '';
  return `${t('transfer.history.decided', { at: i18n.dateTime(decision.decidedAt)!, verb, ects, who })}${difference} ${decision.justification.explanation}`;
}
