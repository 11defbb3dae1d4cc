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
import { dateLabel } from './labels.js';
import { achievementNameOf } from './holding-actions.js';
import { memberList, render, text, type PagesApp, type PagesContext, type PagesEnv } from './page.js';
import { sessionCookie } from './session-cookie.js';

const LABELS: Record<string, string> = {
  institution: 'Receiving university',
  name: 'Your name',
  email: 'Your email address',
  did: 'Your DID',
  files: 'Credential files',
  pasted: 'Pasted credentials',
  form: 'The transfer',
};

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

const DIFFERENCES: Record<string, string> = {
  level: 'level',
  workload: 'workload',
  'learning-outcomes': 'learning outcomes',
  quality: 'quality',
  profile: 'profile',
};

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
    const attached: Attached[] = [];
    const named = (field: Attached['field'], value: string, holding: Holding) =>
      attached.push({ field, value, holding, name: achievementNameOf(holding.credential.credential) ?? holding.credential.id });
    for (const token of claims.slice(0, MAX_CREDENTIALS)) {
      const lookup = token.length <= 200 ? await services.student.openClaim(token) : undefined;
      if (lookup?.state !== 'valid') return { attached, error: 'the claim link of an attached credential no longer works: open the credential again, or sign in at My credentials' };
      named('claim', token, lookup.holding);
    }
    if (held.length) {
      const token = cookie.read(c);
      const session = token ? await services.student.session(token) : undefined;
      if (!session) return { attached, error: 'your session at My credentials has ended: sign in again to attach your credentials' };
      for (const ref of held.slice(0, MAX_CREDENTIALS)) {
        const [institution = '', credentialId = ''] = ref.split('/', 2);
        const holding = await services.student.holding(session.emailHash, institution, credentialId);
        if (!holding) return { attached, error: `${ref} is not one of your credentials` };
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
    return render(c, { title: 'Transfer your credits', section: 'transfer', status: error ? 400 : 200 }, <TransferFormPage members={members} form={form} errors={error ? { files: error } : {}} />);
  });

  app.post('/transfer', async (c) => {
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
      if (parsed === undefined) errors.files ??= `${file.name} is not a JSON file`;
      else credentials.push(...(Array.isArray(parsed) ? parsed : [parsed]));
    }
    if (form.pasted.trim()) {
      const parsed = parseJson(form.pasted);
      if (parsed === undefined) errors.pasted = 'is not valid JSON: paste one credential, or a list of them in [ ]';
      else credentials.push(...(Array.isArray(parsed) ? parsed : [parsed]));
    }
    if (!form.institution) errors.institution = 'choose the university that should recognise your credits';
    if (credentials.length === 0 && !errors.files && !errors.pasted) errors.files = 'add at least one credential file (or paste a credential)';
    if (credentials.length > MAX_CREDENTIALS) errors.files = `at most ${MAX_CREDENTIALS} credentials in one transfer; you added ${credentials.length}`;

    const student = { name: form.name, ...(form.email ? { email: form.email } : {}), ...(form.did ? { did: form.did } : {}) };
    const parsed = transferBodySchema.safeParse({ student, credentials: credentials.length ? credentials : [null] });
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
      for (const [field, message] of Object.entries(fieldErrors(issues, studentField))) errors[field] ??= message;
    }
    const again = async (status: number, extra: FieldErrors = {}) =>
      render(
        c,
        { title: 'Error: transfer your credits', section: 'transfer', status },
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
      return trackingPage(c, transfer, token, { status: 400, appealError: { credentialId, message: 'explain why the decision should be reconsidered' } });
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
  const members = new Map((await memberList(deps.store)).map((m) => [m.id, m]));
  const url = options.token ? `${deps.publicUrl}${trackingPath(transfer.id, options.token)}` : undefined;
  return render(
    c,
    { title: `${options.appealError ? 'Error: ' : ''}Your transfer to ${members.get(transfer.institution)?.name ?? transfer.institution}`, section: 'transfer', status: options.status },
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
    return render(
      c,
      { title: 'No recognition record yet', section: 'transfer', status: 409 },
      <>
        <h1>No recognition record yet</h1>
        <p>The recognition record is signed once every credential of the transfer has been decided. Some are still waiting for review.</p>
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
  return field in LABELS ? field : 'form';
}

function parseJson(source: string): unknown {
  try {
    return JSON.parse(source);
  } catch {
    return undefined;
  }
}

function TransferFormPage(props: { members: StoredInstitution[]; form: TransferForm; errors?: FieldErrors }) {
  const errors = props.errors ?? {};
  const { form } = props;
  return (
    <>
      <h1>Transfer your credits</h1>
      <p class="lead">
        Ask a member university to recognise credentials you earned at another. Where the two universities agreed in advance, the credits are recognised at once; otherwise a
        reviewer decides, and must justify a refusal.
      </p>
      <ErrorSummary errors={errors} labels={LABELS} />
      {errors.form ? <p class="error-text">{errors.form}</p> : null}
      <form method="post" action="/transfer" enctype="multipart/form-data">
        <SelectField
          id="institution"
          label={LABELS.institution!}
          value={form.institution}
          empty="Choose a university"
          required
          options={props.members.filter((m) => m.status === 'active').map((m) => ({ value: m.id, label: m.name }))}
          error={errors.institution}
        />
        <TextField id="name" label={LABELS.name!} autocomplete="name" required value={form.name} error={errors.name} />
        <TextField
          id="email"
          label={LABELS.email!}
          type="email"
          autocomplete="email"
          hint="The address your credentials were issued to: it is how the university sees they are yours. Not needed if you give a DID."
          value={form.email}
          error={errors.email}
        />
        <TextField id="did" label={`${LABELS.did!} (optional)`} hint="Only if your credentials were issued to a DID, e.g. did:key:z6Mk..." value={form.did} error={errors.did} />
        {form.attached.length ? (
          <section class="panel" aria-labelledby="attached-title">
            <h2 id="attached-title">Attached credentials</h2>
            <ul id="attached">
              {form.attached.map((a) => (
                <li>
                  {a.name}
                  <input type="hidden" name={a.field} value={a.value} />
                </li>
              ))}
            </ul>
            <p class="hint">These come from your credentials at the exchange. Add more files below if you like.</p>
          </section>
        ) : null}
        <FileField
          id="files"
          label={form.attached.length ? `More ${LABELS.files!.toLowerCase()} (optional)` : LABELS.files!}
          hint={`The .json files of your credentials, up to ${MAX_CREDENTIALS}. Choose several at once, or drop them here.`}
          multiple
          accept=".json,.jsonld,application/json,application/ld+json"
          error={errors.files}
        />
        <details open={errors.pasted ? true : undefined}>
          <summary>Or paste credentials instead</summary>
          <TextArea id="pasted" label="Credentials (JSON)" hint="One credential, or several in a list: [ {...}, {...} ]" value={form.pasted} error={errors.pasted} rows={6} />
        </details>
        <p class="hint">Your name and email address go to the receiving university only, for this transfer.</p>
        <button type="submit">Submit for recognition</button>
        <h2 id="wallet-title">Credentials in a wallet app?</h2>
        <p class="hint" id="wallet-hint">
          Choose the university and give your name above, then present the credentials from your wallet (the Learner Credential Wallet, say) instead of adding files.
        </p>
        {/* the same fields, posted to the wallet's page; as a plain form, so no file goes with them */}
        <button type="submit" class="secondary" formaction="/transfer/wallet" formenctype="application/x-www-form-urlencoded" aria-describedby="wallet-hint">
          Present from my wallet
        </button>
      </form>
    </>
  );
}

const OUTCOME = {
  recognised: { text: 'Recognised', tone: 'ok' },
  pending: { text: 'Waiting for review', tone: 'warn' },
  rejected: { text: 'Not recognised', tone: 'bad' },
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
  const { transfer, token, url, members, notice, appealError } = props;
  const receiver = members.get(transfer.institution)?.name ?? transfer.institution;
  const decided = transfer.status === 'decided';
  const recordHref = props.recordHref;
  return (
    <>
      <h1>{`Your transfer to ${receiver}`}</h1>
      {notice === 'submitted' && url ? (
        <div class="notice" role="status">
          <p>
            <strong>Submitted.</strong> Keep this link: it is the only way to follow your transfer, appeal a decision and download the record.
          </p>
          <label for="tracking-url">Your tracking link</label>
          <input type="text" id="tracking-url" readonly value={url} />
          <p>
            <button type="button" class="secondary" data-copy="tracking-url" hidden>
              Copy the link
            </button>
          </p>
        </div>
      ) : null}
      {notice === 'appealed' ? (
        <p class="notice" role="status">
          Your appeal was sent. The item is back with a reviewer.
        </p>
      ) : null}
      {appealError ? (
        <div class="error-summary" role="alert" tabindex={-1}>
          <h2>There is a problem</h2>
          <p>
            <a href={`#grounds-${itemIndex(transfer, appealError.credentialId)}`}>{`Appeal: ${appealError.message}`}</a>
          </p>
        </div>
      ) : null}
      <section class={`verdict ${decided ? 'ok' : 'warn'}`} aria-labelledby="transfer-status">
        <h2 id="transfer-status">{decided ? 'Decided' : 'Waiting for review'}</h2>
        <p>
          {decided
            ? `${receiver} has decided every credential: ${transfer.totalEctsRecognised} ECTS recognised in all.`
            : `${receiver} recognised ${transfer.totalEctsRecognised} ECTS so far; a reviewer still has to decide the items waiting for review.`}
        </p>
      </section>
      <Facts
        rows={[
          ['Student', transfer.student.name],
          ['Submitted', dateLabel(transfer.createdAt)],
          ['Last change', dateLabel(transfer.updatedAt)],
          ['ECTS recognised', String(transfer.totalEctsRecognised)],
        ]}
      />

      {decided && transfer.recognitionCredential ? (
        <section aria-labelledby="record-title" class="panel">
          <h2 id="record-title">Recognition record</h2>
          <p>{`${receiver} signed a recognition record listing what it recognised and why. Anyone can verify it, like any credential.`}</p>
          <p>
            <a class="button" href={recordHref} download={`recognition-${transfer.id}.json`}>
              Download the recognition record (JSON)
            </a>
          </p>
        </section>
      ) : null}

      <h2>Credentials</h2>
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
  const { item, index, transfer, token, members } = props;
  const outcome = OUTCOME[item.outcome];
  const issuerId = item.issuer ? memberIdOfDid(props.publicUrl, item.issuer) : undefined;
  const issuer = issuerId ? (members.get(issuerId)?.name ?? issuerId) : item.issuer ? `${item.issuer} (not a member)` : 'unknown';
  const title = item.source?.name ?? item.component ?? item.credentialId;
  return (
    <article class="item" aria-labelledby={`item-${index}`} data-outcome={item.outcome}>
      <h3 id={`item-${index}`}>{title}</h3>
      <p>
        <span class={`tag ${outcome.tone}`}>{outcome.text}</span>
        {item.appealed && item.outcome === 'pending' ? ' (appealed)' : ''}
      </p>
      <Facts
        rows={[
          ['Issued by', issuer],
          ['Component', item.component ?? undefined],
          ['ECTS recognised', item.outcome === 'recognised' ? String(item.ects) : undefined],
          ['Counts as', item.recognisedAs ? <a href={`/catalogue/components/${encodeURIComponent(transfer.institution)}/${encodeURIComponent(item.recognisedAs)}`}>{item.recognisedAs}</a> : undefined],
          ['Reason', item.reason],
          ['Credential', <code>{item.credentialId}</code>],
        ]}
      />
      {item.history.length ? (
        <>
          <h4>History</h4>
          <ol class="history">
            {item.history.map((entry) => (
              <li>{historyLine(entry)}</li>
            ))}
          </ol>
        </>
      ) : null}
      {item.outcome === 'rejected' && !refusedByReviewer(item) ? (
        <p class="hint">This credential failed a check, so the refusal cannot be appealed. Submit a valid credential in a new transfer.</p>
      ) : null}
      {item.outcome === 'rejected' && refusedByReviewer(item) && token === undefined ? (
        <p class="hint">To appeal this decision, open the tracking link you were given when you submitted the transfer.</p>
      ) : null}
      {item.outcome === 'rejected' && refusedByReviewer(item) && token !== undefined ? (
        <form method="post" action={`/transfer/track/${encodeURIComponent(transfer.id)}/appeal`}>
          <input type="hidden" name="token" value={token} />
          <input type="hidden" name="credentialId" value={item.credentialId} />
          <TextArea
            id={`grounds-${index}`}
            name="grounds"
            label="Appeal this decision: why should it be reconsidered?"
            hint="For example, how the learning outcomes or workload compare. The item goes back to a reviewer."
            rows={4}
            error={props.error}
          />
          <button type="submit">Send the appeal</button>
        </form>
      ) : null}
    </article>
  );
}

/** Appeals contest a reviewer's judgement; a credential that failed its checks cannot be recognised on appeal. */
function refusedByReviewer(item: TransferItem): boolean {
  return item.history.some((entry) => 'outcome' in entry && entry.outcome === 'rejected');
}

function historyLine(entry: TransferItem['history'][number]): string {
  if ('appeal' in entry) return `${dateLabel(entry.at)}: appealed${entry.by === 'student' ? ' by you' : ` by ${entry.by}`}: ${entry.appeal}`;
  const decision = entry as TransferDecision;
  const ects = decision.outcome === 'recognised' && decision.ects !== undefined ? ` (${decision.ects} ECTS)` : '';
  const verb = decision.outcome === 'recognised' ? 'recognised' : 'refused';
  // an agreement rule's explanation only names the agreement again
  if (decision.rule) return `${dateLabel(decision.decidedAt)}: ${verb}${ects} under agreement ${decision.rule.agreement} (version ${decision.rule.version}), without review.`;
  const who = decision.decidedBy.kind === 'institution' ? 'by a reviewer' : `by ${decision.decidedBy.kind}`;
  const difference = decision.justification.difference ? ` Substantial difference in ${DIFFERENCES[decision.justification.difference] ?? decision.justification.difference}.` : '';
  return `${dateLabel(decision.decidedAt)}: ${verb}${ects} ${who}.${difference} ${decision.justification.explanation}`;
}
