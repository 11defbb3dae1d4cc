/**
 * A typed client of the exchange's HTTP API, built on `fetch` and the API's own zod request
 * schemas: input is checked before it is sent (`InvalidRequestError`, naming the fields),
 * and problem answers are thrown as `ApiError`.
 */
import {
  agreementBodySchema,
  appealBodySchema,
  componentBodySchema,
  decisionBodySchema,
  entryCodeSchema,
  fieldIssues,
  institutionIdSchema,
  issueRequestSchema,
  MAX_BATCH_ITEMS,
  newInstitutionSchema,
  parseApiKey,
  statusChangeSchema,
  transferBodySchema,
  type AgreementBody,
  type AppealBody,
  type ComponentBody,
  type DecisionBody,
  type IssueRequest,
  type NewInstitution,
  type StatusChange,
  type TransferBody,
} from '@cx/domain';
import { z } from 'zod';
import { ApiError, InvalidRequestError, NetworkError, networkReason } from './errors.js';
import type {
  Agreement,
  AuditRecord,
  Badge,
  BatchProgress,
  BatchSubmitted,
  Component,
  ComponentBatchAnswer,
  ComponentBatchResult,
  CreatedApiKey,
  RevokedApiKeys,
  CredentialNotice,
  CredentialRecord,
  Institution,
  IssuedCredential,
  MicroDegree,
  Onboarded,
  Page,
  QueuedNotice,
  Transfer,
  Verification,
  WhoAmI,
} from './types.js';

export interface CxClientOptions {
  /** The exchange's base URL, e.g. `http://localhost:3000` (a path prefix is kept). */
  baseUrl: string;
  /** An admin or institution API key (`cxk_...`); public routes work without one. */
  apiKey?: string;
  /** Another `fetch`, e.g. an in-process gateway in tests. */
  fetch?: typeof fetch;
  /** How long one request may take; 60 s by default (a 500-item import takes a few seconds). */
  timeoutMs?: number;
}

export interface PageOptions {
  limit?: number;
  cursor?: string;
}

/** Filters of `GET /v1/components`. */
export interface ComponentSearch extends PageOptions {
  institution?: string;
  /** ISCED-F code; a 2- or 3-digit prefix matches the fields under it. */
  field?: string;
  eqfLevel?: number;
  language?: string;
  participation?: 'online' | 'onsite' | 'blended';
  minEcts?: number;
  maxEcts?: number;
  q?: string;
  status?: 'active' | 'withdrawn';
}

export interface MicroDegreeSearch extends PageOptions {
  institution?: string;
  eqfLevel?: number;
  /** `institution/code` of a component: the micro-degrees it counts towards. */
  component?: string;
  q?: string;
  status?: 'active' | 'withdrawn';
}

export interface BadgeSearch extends PageOptions {
  institution?: string;
  category?: string;
  q?: string;
  status?: 'active' | 'withdrawn';
}

/** A component to import: its code plus the body of `PUT .../components/{code}`. */
export type ComponentItem = { code: string } & ComponentBody;

export interface ImportOptions {
  /** Items per request, at most 500 (the API's limit). */
  chunkSize?: number;
  /** Called after each request with the results so far. */
  onChunk?: (done: number, total: number) => void;
}

export interface WaitOptions {
  /** Time between two progress requests; 500 ms by default. */
  intervalMs?: number;
  onProgress?: (progress: BatchProgress) => void;
  signal?: AbortSignal;
}

type Query = Record<string, string | number | undefined>;

interface RequestOptions {
  body?: unknown;
  query?: Query;
  headers?: Record<string, string>;
  /** Send the API key (default); `false` for calls made as a student or the public. */
  auth?: boolean;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const MAX_CREDENTIAL_BATCH = 10_000;

const keyIdSchema = z.string().regex(/^[a-z0-9]{16}$/, 'must be an API key id (16 lowercase letters or digits) or the API key itself');
const uuidSchema = z.uuid();
const credentialIdSchema = z
  .string()
  .regex(/^(urn:uuid:)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be a credential id (urn:uuid:...)');

/**
 * Checks `value` against a request schema and answers what the schema makes of it; throws
 * `InvalidRequestError` naming each failing field (`field` prefixes the names, e.g. for path
 * parameters).
 */
function checked<S extends z.ZodType>(schema: S, value: unknown, what: string, field?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = fieldIssues(result.error, field ? [field] : []);
  const fields = [...new Set(errors.map((e) => e.field))];
  throw new InvalidRequestError(`invalid ${what}: ${fields.join(', ')}`, errors);
}

const segment = (value: string) => encodeURIComponent(value);

/**
 * The exchange's API.
 *
 * @example
 * const cx = new CxClient({ baseUrl: 'http://localhost:3000', apiKey: process.env.CX_API_KEY });
 * for await (const member of cx.institutions.all()) console.log(member.id, member.name);
 */
export class CxClient {
  readonly baseUrl: string;
  private readonly apiKey?: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;

  constructor(options: CxClientOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new InvalidRequestError(`the base URL "${options.baseUrl}" is not a URL`, [{ field: 'baseUrl', message: 'must be an http or https URL' }]);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new InvalidRequestError(`the base URL "${options.baseUrl}" is not an http or https URL`, [{ field: 'baseUrl', message: 'must be an http or https URL' }]);
    }
    this.baseUrl = url.href.replace(/\/+$/, '');
    this.apiKey = options.apiKey || undefined;
    this.fetchImpl = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Sends one request; answers the parsed JSON body (undefined for 204) and the response. */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<{ data: T; response: Response }> {
    const url = new URL(this.baseUrl + path);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined && value !== '') url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...options.headers };
    if (this.apiKey && options.auth !== false) headers.authorization = `Bearer ${this.apiKey}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    let response: Response;
    try {
      response = await this.fetchImpl(url, { method, headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      throw new NetworkError(this.baseUrl, networkReason(error, this.timeoutMs), error);
    }
    if (!response.ok) throw await ApiError.fromResponse(response);
    if (response.status === 204) return { data: undefined as T, response };
    const text = await response.text();
    try {
      return { data: (text ? JSON.parse(text) : undefined) as T, response };
    } catch {
      throw new ApiError(response.status, { title: 'Unexpected answer', detail: `the exchange answered ${response.status} with a body that is not JSON` });
    }
  }

  private async json<T>(method: string, path: string, options?: RequestOptions): Promise<T> {
    return (await this.request<T>(method, path, options)).data;
  }

  /** Follows `nextCursor` from page to page, yielding every item. */
  private async *pages<T>(fetchPage: (cursor?: string) => Promise<Page<T>>, cursor?: string): AsyncGenerator<T> {
    do {
      const page = await fetchPage(cursor);
      yield* page.items;
      cursor = page.nextCursor;
    } while (cursor);
  }

  private id(value: string, field = 'institution'): string {
    return segment(checked(institutionIdSchema, value, `institution id "${value}"`, field));
  }

  private code(value: string, field = 'code'): string {
    return segment(checked(entryCodeSchema, value, `code "${value}"`, field));
  }

  /** Who the client's API key acts for: an admin, or an institution (with its id). */
  async me(): Promise<WhoAmI> {
    return this.json('GET', '/v1/me');
  }

  /** The consortium's members, onboarding, keys and suspension. */
  readonly institutions = {
    /** Onboards a partner (admin): its record, its own signing key, and its first API key. */
    add: async (body: NewInstitution): Promise<Onboarded> =>
      this.json('POST', '/v1/institutions', { body: checked(newInstitutionSchema, body, 'institution') }),
    get: async (id: string): Promise<Institution> => this.json('GET', `/v1/institutions/${this.id(id, 'id')}`),
    /** One page of the member list (public), in id order. */
    list: async (options: PageOptions = {}): Promise<Page<Institution>> =>
      this.json('GET', '/v1/institutions', { query: { limit: options.limit, cursor: options.cursor } }),
    /** Every member, page after page. */
    all: (options: { pageSize?: number } = {}): AsyncGenerator<Institution> =>
      this.pages((cursor) => this.institutions.list({ limit: options.pageSize ?? 100, cursor })),
    suspend: async (id: string): Promise<Institution> => this.json('POST', `/v1/institutions/${this.id(id, 'id')}/suspend`),
    reinstate: async (id: string): Promise<Institution> => this.json('POST', `/v1/institutions/${this.id(id, 'id')}/reinstate`),
    /** A new active signing key; the old one is retired and stays in the DID document. */
    rotateKey: async (id: string): Promise<Institution> => this.json('POST', `/v1/institutions/${this.id(id, 'id')}/keys/rotate`),
    /** The audit log (admin), newest first. */
    audit: async (options: PageOptions & { institution?: string } = {}): Promise<Page<AuditRecord>> =>
      this.json('GET', '/v1/audit', {
        query: { limit: options.limit, cursor: options.cursor, institution: options.institution && checked(institutionIdSchema, options.institution, 'institution', 'institution') },
      }),
  };

  /** API keys of institutions (admin). */
  readonly apiKeys = {
    create: async (institution: string): Promise<CreatedApiKey> => this.json('POST', `/v1/institutions/${this.id(institution)}/api-keys`),
    /** Revokes a key, given its id or the key itself; it stops working at once. */
    revoke: async (institution: string, keyIdOrKey: string): Promise<void> => {
      const keyId = parseApiKey(keyIdOrKey)?.keyId ?? checked(keyIdSchema, keyIdOrKey, 'API key id', 'keyId');
      await this.json('DELETE', `/v1/institutions/${this.id(institution)}/api-keys/${segment(keyId)}`);
    },
    /** Revokes every key of an institution that still works (a key may be compromised); answers their ids. */
    revokeAll: async (institution: string): Promise<RevokedApiKeys> =>
      this.json('POST', `/v1/institutions/${this.id(institution)}/api-keys:revoke-all`),
  };

  /** Catalogues: components, micro-degrees, badge classes, and search across the consortium. */
  readonly catalogue = {
    /** Publishes or changes a component; `ifMatch` (an ETag) guards against a concurrent edit (412). */
    putComponent: async (institution: string, code: string, body: ComponentBody, options: { ifMatch?: string } = {}): Promise<{ component: Component; created: boolean; etag?: string }> => {
      const path = `/v1/institutions/${this.id(institution)}/components/${this.code(code)}`;
      const { data, response } = await this.request<Component>('PUT', path, {
        body: checked(componentBodySchema, body, 'component'),
        headers: options.ifMatch ? { 'if-match': options.ifMatch } : undefined,
      });
      return { component: data, created: response.status === 201, etag: response.headers.get('etag') ?? undefined };
    },
    getComponent: async (institution: string, code: string, version?: number): Promise<Component> =>
      this.json('GET', `/v1/institutions/${this.id(institution)}/components/${this.code(code)}${version === undefined ? '' : `/versions/${checked(z.number().int().min(1), version, 'version', 'version')}`}`),
    withdrawComponent: async (institution: string, code: string): Promise<Component> =>
      this.json('DELETE', `/v1/institutions/${this.id(institution)}/components/${this.code(code)}`),
    /**
     * One `components:batch` request of 1-500 items. Items are checked by the exchange, one by
     * one, so that a bad item gets its own result and the others are still stored.
     */
    batchComponents: async (institution: string, items: unknown[]): Promise<ComponentBatchAnswer> => {
      const body = checked(z.strictObject({ items: z.array(z.unknown()).min(1).max(MAX_BATCH_ITEMS) }), { items }, 'component batch');
      return this.json('POST', `/v1/institutions/${this.id(institution)}/components:batch`, { body });
    },
    /**
     * Imports any number of components in requests of at most 500; results carry the index
     * in `items`, and the summary adds up every request.
     */
    importComponents: async (institution: string, items: unknown[], options: ImportOptions = {}): Promise<ComponentBatchAnswer> => {
      const size = checked(z.number().int().min(1).max(MAX_BATCH_ITEMS), options.chunkSize ?? MAX_BATCH_ITEMS, 'chunk size', 'chunkSize');
      const results: ComponentBatchResult[] = [];
      const summary: ComponentBatchAnswer['summary'] = { created: 0, updated: 0, unchanged: 0, invalid: 0, failed: 0 };
      for (let start = 0; start < items.length; start += size) {
        const answer = await this.catalogue.batchComponents(institution, items.slice(start, start + size));
        for (const result of answer.results) results.push({ ...result, index: result.index + start });
        for (const outcome of Object.keys(summary) as Array<keyof typeof summary>) summary[outcome] += answer.summary[outcome] ?? 0;
        options.onChunk?.(Math.min(start + size, items.length), items.length);
      }
      return { results, summary };
    },
    searchComponents: async (search: ComponentSearch = {}): Promise<Page<Component>> => this.json('GET', '/v1/components', { query: { ...search } }),
    /** Every component matching the filters, page after page. */
    allComponents: (search: Omit<ComponentSearch, 'cursor'> = {}): AsyncGenerator<Component> =>
      this.pages((cursor) => this.catalogue.searchComponents({ limit: 100, ...search, cursor })),
    searchMicroDegrees: async (search: MicroDegreeSearch = {}): Promise<Page<MicroDegree>> => this.json('GET', '/v1/micro-degrees', { query: { ...search } }),
    searchBadges: async (search: BadgeSearch = {}): Promise<Page<Badge>> => this.json('GET', '/v1/badges', { query: { ...search } }),
  };

  /** Credentials an institution issues, their status, and graduation runs. */
  readonly credentials = {
    /** Issues one credential; with `idempotencyKey`, a retry answers the same credential. */
    issue: async (institution: string, body: IssueRequest, options: { idempotencyKey?: string } = {}): Promise<IssuedCredential> =>
      this.json('POST', `/v1/institutions/${this.id(institution)}/credentials`, {
        body: checked(issueRequestSchema, body, 'credential request'),
        headers: options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : undefined,
      }),
    get: async (institution: string, credentialId: string): Promise<CredentialRecord> =>
      this.json('GET', `/v1/institutions/${this.id(institution)}/credentials/${segment(checked(credentialIdSchema, credentialId, 'credential id', 'credentialId'))}`),
    /** What the institution issued to a recipient (email, DID or student id), newest first. */
    listByRecipient: async (institution: string, recipient: string, options: PageOptions = {}): Promise<Page<CredentialRecord>> =>
      this.json('GET', `/v1/institutions/${this.id(institution)}/credentials`, { query: { recipient, limit: options.limit, cursor: options.cursor } }),
    /** Revokes (final), suspends or reinstates a credential. */
    changeStatus: async (institution: string, credentialId: string, change: StatusChange): Promise<CredentialRecord> =>
      this.json('POST', `/v1/institutions/${this.id(institution)}/credentials/${segment(checked(credentialIdSchema, credentialId, 'credential id', 'credentialId'))}/status`, {
        body: checked(statusChangeSchema, change, 'status change'),
      }),
    /**
     * Sends the student a new notice with a new claim link; earlier links of the credential
     * stop working. With `idempotencyKey`, a retry answers the same notice.
     */
    sendNotice: async (institution: string, credentialId: string, options: { idempotencyKey?: string } = {}): Promise<QueuedNotice> =>
      this.json('POST', `/v1/institutions/${this.id(institution)}/credentials/${segment(checked(credentialIdSchema, credentialId, 'credential id', 'credentialId'))}/notices`, {
        headers: options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : undefined,
      }),
    /** A credential's notices, newest first, with what became of each. */
    listNotices: async (institution: string, credentialId: string, options: PageOptions = {}): Promise<Page<CredentialNotice>> =>
      this.json('GET', `/v1/institutions/${this.id(institution)}/credentials/${segment(checked(credentialIdSchema, credentialId, 'credential id', 'credentialId'))}/notices`, {
        query: { limit: options.limit, cursor: options.cursor },
      }),
    /**
     * Starts a graduation run of 1-10,000 issue requests. Every item is validated first (an
     * invalid one refuses the whole run with 400 naming `items.<index>.<field>`); an item that
     * cannot be issued (an unknown entry, say) is reported in the batch's `errors`, the others
     * are issued. `notify: false`: no item gets a notice with its claim link.
     */
    submitBatch: async (institution: string, items: unknown[], options: { notify?: boolean } = {}): Promise<BatchSubmitted> => {
      const body = checked(
        z.strictObject({ items: z.array(z.unknown()).min(1).max(MAX_CREDENTIAL_BATCH), notify: z.boolean().optional() }),
        { items, ...(options.notify === undefined ? {} : { notify: options.notify }) },
        'credential batch',
      );
      return this.json('POST', `/v1/institutions/${this.id(institution)}/credential-batches`, { body });
    },
    batch: async (institution: string, batchId: string): Promise<BatchProgress> =>
      this.json('GET', `/v1/institutions/${this.id(institution)}/credential-batches/${segment(checked(uuidSchema, batchId, 'batch id', 'batchId'))}`),
    /** Polls a graduation run until it is done (or done with errors), reporting each answer. */
    waitForBatch: async (institution: string, batchId: string, options: WaitOptions = {}): Promise<BatchProgress> => {
      for (;;) {
        options.signal?.throwIfAborted();
        const progress = await this.credentials.batch(institution, batchId);
        options.onProgress?.(progress);
        if (progress.status === 'done' || progress.status === 'done-with-errors') return progress;
        await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
      }
    },
  };

  /** Verifies a credential (public): every check, and the issuer as the member list names it. */
  verify(credential: unknown): Promise<Verification> {
    return this.json('POST', '/v1/credentials/verify', { body: { verifiableCredential: credential }, auth: false });
  }

  /** Recognition agreements between partners. */
  readonly agreements = {
    put: async (institution: string, agreementId: string, body: AgreementBody, options: { ifMatch?: string } = {}): Promise<Agreement> =>
      this.json('PUT', `/v1/institutions/${this.id(institution)}/agreements/${this.code(agreementId, 'agreementId')}`, {
        body: checked(agreementBodySchema, body, 'agreement'),
        headers: options.ifMatch ? { 'if-match': options.ifMatch } : undefined,
      }),
    list: async (institution: string, options: PageOptions = {}): Promise<Page<Agreement>> =>
      this.json('GET', `/v1/institutions/${this.id(institution)}/agreements`, { query: { limit: options.limit, cursor: options.cursor } }),
  };

  /** Transfers: students carrying credentials to another member, and its decisions. */
  readonly transfers = {
    /**
     * Submits credentials for recognition: with the receiving institution's key, or with
     * `asStudent` and no key (the answer then has a `trackingToken`).
     */
    submit: async (institution: string, body: TransferBody, options: { asStudent?: boolean } = {}): Promise<Transfer> =>
      this.json('POST', `/v1/institutions/${this.id(institution)}/transfers`, {
        body: checked(transferBodySchema, body, 'transfer'),
        auth: !options.asStudent,
      }),
    get: async (institution: string, transferId: string): Promise<Transfer> =>
      this.json('GET', `/v1/institutions/${this.id(institution)}/transfers/${segment(checked(uuidSchema, transferId, 'transfer id', 'transferId'))}`),
    list: async (institution: string, options: PageOptions & { status?: 'decided' | 'pending-review' } = {}): Promise<Page<Transfer>> =>
      this.json('GET', `/v1/institutions/${this.id(institution)}/transfers`, { query: { ...options } }),
    /** A student's view, by tracking token. */
    track: async (transferId: string, token: string): Promise<Transfer> =>
      this.json('GET', `/v1/transfers/${segment(checked(uuidSchema, transferId, 'transfer id', 'transferId'))}`, { query: { token }, auth: false }),
    decide: async (institution: string, transferId: string, decision: DecisionBody): Promise<Transfer> =>
      this.json('POST', `/v1/institutions/${this.id(institution)}/transfers/${segment(checked(uuidSchema, transferId, 'transfer id', 'transferId'))}/decisions`, {
        body: checked(decisionBodySchema, decision, 'decision'),
      }),
    /** Appeals a refusal: as the student with `token`, or as the institution with its key. */
    appeal: async (institution: string, transferId: string, appeal: AppealBody, options: { token?: string } = {}): Promise<Transfer> =>
      this.json('POST', `/v1/institutions/${this.id(institution)}/transfers/${segment(checked(uuidSchema, transferId, 'transfer id', 'transferId'))}/appeals`, {
        body: checked(appealBodySchema, appeal, 'appeal'),
        query: { token: options.token },
        auth: !options.token,
      }),
  };
}
