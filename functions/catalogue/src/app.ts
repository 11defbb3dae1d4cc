/**
 * Catalogues: micro-components, micro-degrees and badge classes that partners publish
 * (only the owning institution writes), versioned, withdrawable, and searchable by anyone.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import {
  badgeBodySchema,
  badgeCategories,
  badgeSchema,
  componentBatchItemSchema,
  componentBodySchema,
  componentSchema,
  entryCodeSchema,
  etagOf,
  institutionIdSchema,
  isIscedField,
  isLanguageCode,
  MAX_BATCH_ITEMS,
  microDegreeBodySchema,
  microDegreeSchema,
  pageQuerySchema,
  pageSchema,
  participationForms,
  searchWords,
  systemClock,
  ValidationError,
  type CatalogueKind,
  type EntryBody,
} from '@cx/domain';
import {
  bearerSecurity,
  createApiApp,
  fieldIssues,
  jsonBody,
  jsonContent,
  principalOf,
  problems,
  registerSecurity,
  ownerOnly,
  type ApiEnv,
} from '@cx/http';
import type { ExchangeDeps } from '@cx/runtime';
import type { CatalogueQuery, RequestContext } from '@cx/domain';
import type { Context } from 'hono';
import { CatalogueService } from '@cx/core';

const KINDS: Array<{ kind: CatalogueKind; plural: string; tag: string; body: z.ZodType; entry: z.ZodType }> = [
  { kind: 'component', plural: 'components', tag: 'Micro-components', body: componentBodySchema, entry: componentSchema },
  { kind: 'micro-degree', plural: 'micro-degrees', tag: 'Micro-degrees', body: microDegreeBodySchema, entry: microDegreeSchema },
  { kind: 'badge', plural: 'badges', tag: 'Badge classes', body: badgeBodySchema, entry: badgeSchema },
];

/** Batch imports of up to 500 entries need more than the usual 256 KB. */
const BATCH_BODY_LIMIT = 5 * 1024 * 1024;

const entryParams = z.object({ id: institutionIdSchema, code: entryCodeSchema });
const versionParams = entryParams.extend({ n: z.coerce.number().int().min(1).max(999_999) });

const statusFilter = z.enum(['active', 'withdrawn']).default('active').meta({ description: 'Active entries unless `withdrawn` is asked for.' });
const qFilter = z.string().trim().min(1).max(200).optional().meta({ description: 'Words that must all occur (case-insensitive, as word prefixes) in the title, description or learning outcomes.' });
const eqfFilter = z.coerce.number().int().min(1).max(8).optional();

const componentQuery = z
  .strictObject({
    ...pageQuerySchema.shape,
    institution: institutionIdSchema.optional(),
    field: z.string().refine(isIscedField, 'must be an ISCED-F 2013 code of 2, 3 or 4 digits').optional().meta({ description: 'ISCED-F code; a 2- or 3-digit prefix matches the fields under it.' }),
    eqfLevel: eqfFilter,
    language: z.string().refine(isLanguageCode, 'must be an ISO 639-1 language code').optional(),
    participation: z.enum(participationForms).optional(),
    minEcts: z.coerce.number().min(0).max(60).optional(),
    maxEcts: z.coerce.number().min(0).max(60).optional(),
    q: qFilter,
    status: statusFilter,
  })
  .superRefine((query, ctx) => {
    if (query.minEcts !== undefined && query.maxEcts !== undefined && query.minEcts > query.maxEcts) {
      ctx.addIssue({ code: 'custom', path: ['maxEcts'], message: 'must not be below minEcts' });
    }
  });

const degreeQuery = z.strictObject({
  ...pageQuerySchema.shape,
  institution: institutionIdSchema.optional(),
  eqfLevel: eqfFilter,
  component: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{1,39}\/[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be institution/code, e.g. uni-a/CS-101')
    .optional()
    .meta({ description: 'Micro-degrees this component (institution/code) counts towards.' }),
  q: qFilter,
  status: statusFilter,
});

const badgeQuery = z.strictObject({
  ...pageQuerySchema.shape,
  institution: institutionIdSchema.optional(),
  category: z.enum(badgeCategories).optional(),
  q: qFilter,
  status: statusFilter,
});

const batchBody = z
  .strictObject({ items: z.array(z.unknown()).min(1).max(MAX_BATCH_ITEMS).meta({ description: `Up to ${MAX_BATCH_ITEMS} components, each { code, ...PUT body }.` }) })
  .meta({ id: 'ComponentBatch' });
const batchResult = z
  .object({
    results: z.array(
      z.object({
        index: z.number().int(),
        code: z.string().optional(),
        outcome: z.enum(['created', 'updated', 'unchanged', 'invalid', 'failed']),
        version: z.number().int().optional(),
        problem: z.object({ detail: z.string(), errors: z.array(z.object({ field: z.string(), message: z.string() })).optional() }).optional(),
      }),
    ),
    summary: z.object({ created: z.number(), updated: z.number(), unchanged: z.number(), invalid: z.number(), failed: z.number() }),
  })
  .meta({ id: 'ComponentBatchResult' });

/** How many batch items are written at once: enough to be quick, few enough not to throttle. */
const BATCH_CONCURRENCY = 16;

export function createCatalogueApp(deps: ExchangeDeps): OpenAPIHono<ApiEnv> {
  const service = new CatalogueService({ store: deps.store, clock: deps.clock ?? systemClock });
  const app = createApiApp({
    auth: { store: deps.store, adminTokenHash: deps.adminTokenHash },
    largeBodies: (path) => (path.endsWith('/components:batch') ? BATCH_BODY_LIMIT : undefined),
  });
  registerSecurity(app);
  const ctx = (c: Context<ApiEnv>): RequestContext => ({ principal: principalOf(c), requestId: c.get('requestId') });

  for (const { kind, plural, tag, body, entry } of KINDS) {
    app.openapi(
      createRoute({
        method: 'put',
        path: `/v1/institutions/{id}/${plural}/{code}`,
        tags: [tag],
        summary: `Publish or change a ${kind} (the owning institution)`,
        description:
          'Creates the entry (201) or changes it (200). The version grows only when the content changes. ' +
          'Send `If-Match` with the ETag you read so that concurrent editors never overwrite each other (412 otherwise).',
        security: bearerSecurity,
        middleware: ownerOnly,
        request: { params: entryParams, headers: z.object({ 'if-match': z.string().optional() }), ...jsonBody(body) },
        responses: {
          200: jsonContent(entry, 'Changed (or unchanged)'),
          201: jsonContent(entry, 'Created'),
          ...problems(400, 401, 403, 409, 412, 413),
        },
      }),
      async (c) => {
        const { id, code } = c.req.valid('param');
        const result = await service.put(kind, id, code, c.req.valid('json') as EntryBody<typeof kind>, c.req.header('if-match'), ctx(c));
        c.header('etag', etagOf(result.entry.version));
        return c.json(result.entry as never, result.outcome === 'created' ? 201 : 200);
      },
    );

    app.openapi(
      createRoute({
        method: 'get',
        path: `/v1/institutions/{id}/${plural}/{code}`,
        tags: [tag],
        summary: `The latest version of a ${kind} (public)`,
        request: { params: entryParams },
        responses: { 200: jsonContent(entry, 'The entry'), ...problems(400, 404) },
      }),
      async (c) => {
        const { id, code } = c.req.valid('param');
        const found = await service.get(kind, id, code);
        c.header('etag', etagOf(found.version));
        return c.json(found as never, 200);
      },
    );

    app.openapi(
      createRoute({
        method: 'get',
        path: `/v1/institutions/{id}/${plural}/{code}/versions/{n}`,
        tags: [tag],
        summary: `Any version of a ${kind}, forever (public)`,
        request: { params: versionParams },
        responses: { 200: jsonContent(entry, 'That version'), ...problems(400, 404) },
      }),
      async (c) => {
        const { id, code, n } = c.req.valid('param');
        // versions never change
        c.header('cache-control', 'public, max-age=86400, immutable');
        return c.json((await service.getVersion(kind, id, code, n)) as never, 200);
      },
    );

    app.openapi(
      createRoute({
        method: 'delete',
        path: `/v1/institutions/{id}/${plural}/{code}`,
        tags: [tag],
        summary: `Withdraw a ${kind} (the owning institution)`,
        description: 'The entry stays readable with status `withdrawn`; no new credentials are issued for it.',
        security: bearerSecurity,
        middleware: ownerOnly,
        request: { params: entryParams },
        responses: { 200: jsonContent(entry, 'Withdrawn'), ...problems(400, 401, 403, 404, 409) },
      }),
      async (c) => {
        const { id, code } = c.req.valid('param');
        return c.json((await service.withdraw(kind, id, code, ctx(c))) as never, 200);
      },
    );
  }

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/institutions/{id}/components:batch',
      tags: ['Micro-components'],
      summary: 'Import a catalogue: up to 500 components in one call (the owning institution)',
      description:
        'Answers a result per item: created, updated, unchanged, or invalid with its validation errors. ' +
        'Valid items are stored even when others fail; a retry of the same request changes nothing.',
      security: bearerSecurity,
      middleware: ownerOnly,
      request: { params: z.object({ id: institutionIdSchema }), ...jsonBody(batchBody) },
      responses: { 200: jsonContent(batchResult, 'One result per item'), ...problems(400, 401, 403, 413) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await service.assertCanPublish(id);
      const { items } = c.req.valid('json');
      type Result = z.infer<typeof batchResult>['results'][number];
      const results: Result[] = new Array(items.length);
      const seen = new Map<string, number>();
      const valid: Array<{ index: number; code: string; body: EntryBody<'component'> }> = [];
      items.forEach((raw, index) => {
        const parsed = componentBatchItemSchema.safeParse(raw);
        if (!parsed.success) {
          const errors = fieldIssues(parsed.error);
          const code = (raw as { code?: unknown } | null)?.code;
          results[index] = {
            index,
            code: typeof code === 'string' ? code : undefined,
            outcome: 'invalid',
            problem: { detail: `invalid fields: ${[...new Set(errors.map((e) => e.field))].join(', ')}`, errors },
          };
          return;
        }
        const { code, ...body } = parsed.data;
        if (seen.has(code)) {
          results[index] = { index, code, outcome: 'invalid', problem: { detail: `code ${code} appears twice in the batch (first at item ${seen.get(code)})`, errors: [{ field: 'code', message: 'is a duplicate in this batch' }] } };
          return;
        }
        seen.set(code, index);
        valid.push({ index, code, body });
      });
      let next = 0;
      const worker = async () => {
        for (let item = valid[next++]; item; item = valid[next++]) {
          try {
            const result = await service.put('component', id, item.code, item.body, undefined, ctx(c), true);
            results[item.index] = { index: item.index, code: item.code, outcome: result.outcome, version: result.entry.version };
          } catch (error) {
            if (!(error instanceof Error) || !('code' in error)) throw error;
            results[item.index] = { index: item.index, code: item.code, outcome: 'failed', problem: { detail: error.message } };
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, valid.length) }, worker));
      const count = (outcome: Result['outcome']) => results.filter((r) => r.outcome === outcome).length;
      return c.json(
        {
          results,
          summary: { created: count('created'), updated: count('updated'), unchanged: count('unchanged'), invalid: count('invalid'), failed: count('failed') },
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/components',
      tags: ['Search'],
      summary: 'Search micro-components across the consortium (public)',
      request: { query: componentQuery },
      responses: { 200: jsonContent(pageSchema(componentSchema), 'A page of components'), ...problems(400) },
    }),
    async (c) => {
      const { limit, cursor, q, ...filters } = c.req.valid('query');
      return c.json((await service.search('component', { ...filters, words: words(q) }, limit, cursor)) as never, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/micro-degrees',
      tags: ['Search'],
      summary: 'Search micro-degrees across the consortium (public)',
      request: { query: degreeQuery },
      responses: { 200: jsonContent(pageSchema(microDegreeSchema), 'A page of micro-degrees'), ...problems(400) },
    }),
    async (c) => {
      const { limit, cursor, q, component, ...filters } = c.req.valid('query');
      const query: CatalogueQuery = { ...filters, words: words(q) };
      if (component) {
        const [institution, code] = component.split('/') as [string, string];
        return c.json((await service.degreesWithComponent({ institution, code }, query, limit, cursor)) as never, 200);
      }
      return c.json((await service.search('micro-degree', query, limit, cursor)) as never, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/badges',
      tags: ['Search'],
      summary: 'Search badge classes across the consortium (public)',
      request: { query: badgeQuery },
      responses: { 200: jsonContent(pageSchema(badgeSchema), 'A page of badge classes'), ...problems(400) },
    }),
    async (c) => {
      const { limit, cursor, q, ...filters } = c.req.valid('query');
      return c.json((await service.search('badge', { ...filters, words: words(q) }, limit, cursor)) as never, 200);
    },
  );

  return app;
}

function words(q: string | undefined): string[] | undefined {
  if (q === undefined) return undefined;
  const list = [...new Set(searchWords(q))].slice(0, 10);
  if (list.length === 0) throw ValidationError.field('q', 'must contain at least one letter or digit');
  return list;
}
