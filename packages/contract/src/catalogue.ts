/**
 * Catalogues: micro-components, micro-degrees and badge classes that partners publish
 * (only the owning institution writes), versioned, withdrawable, and searchable by anyone.
 */
import { createRoute, z } from '@hono/zod-openapi';
import {
  badgeBodySchema,
  badgeCategories,
  badgeSchema,
  componentBodySchema,
  componentSchema,
  entryCodeSchema,
  institutionIdSchema,
  isIscedField,
  isLanguageCode,
  MAX_BATCH_ITEMS,
  microDegreeBodySchema,
  microDegreeSchema,
  pageQuerySchema,
  pageSchema,
  participationForms,
  type CatalogueEntry,
  type CatalogueKind,
  type EntryBody,
} from '@cx/domain';
import { ownerOnly } from '@cx/http';
import { bearerSecurity, jsonBody, jsonContent, problems } from './common.js';

const entryParams = z.object({ id: institutionIdSchema, code: entryCodeSchema });
const versionParams = entryParams.extend({ n: z.coerce.number().int().min(1).max(999_999) });

const statusFilter = z.enum(['active', 'withdrawn']).default('active').meta({ description: 'Active entries unless `withdrawn` is asked for.' });
const qFilter = z.string().trim().min(1).max(200).optional().meta({ description: 'Words that must all occur (case-insensitive, without diacritics, as word prefixes) in the title, description or learning outcomes (a badge: name and description), in any language of the entry: its primary texts or any of its `translations`.' });
const eqfFilter = z.coerce.number().int().min(1).max(8).optional();

export const componentQuerySchema = z
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

export const degreeQuerySchema = z.strictObject({
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

export const badgeQuerySchema = z.strictObject({
  ...pageQuerySchema.shape,
  institution: institutionIdSchema.optional(),
  category: z.enum(badgeCategories).optional(),
  q: qFilter,
  status: statusFilter,
});

export const componentBatchSchema = z
  .strictObject({ items: z.array(z.unknown()).min(1).max(MAX_BATCH_ITEMS).meta({ description: `Up to ${MAX_BATCH_ITEMS} components, each { code, ...PUT body }.` }) })
  .meta({ id: 'ComponentBatch' });
export const componentBatchResultSchema = z
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

/** The routes of one kind of entry, typed by its kind. */
export type EntryRoutes<K extends CatalogueKind> = ReturnType<typeof entryRoutes<K>>;

/** The four routes of one kind of entry: publish or change, read, read a version, withdraw. */
function entryRoutes<K extends CatalogueKind>(kind: K, plural: string, tag: string, body: z.ZodType<EntryBody<K>>, entry: z.ZodType<CatalogueEntry<K>>) {
  return {
    kind,
    put: createRoute({
      method: 'put',
      path: `/v1/institutions/{id}/${plural}/{code}`,
      tags: [tag],
      summary: `Publish or change a ${kind} (the owning institution)`,
      description:
        'Creates the entry (201) or changes it (200). The version grows only when the content changes; `translations` are content, ' +
        'and a PUT without them removes them, as it does any optional field it leaves out. ' +
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

    get: createRoute({
      method: 'get',
      path: `/v1/institutions/{id}/${plural}/{code}`,
      tags: [tag],
      summary: `The latest version of a ${kind} (public)`,
      request: { params: entryParams },
      responses: { 200: jsonContent(entry, 'The entry'), ...problems(400, 404) },
    }),

    getVersion: createRoute({
      method: 'get',
      path: `/v1/institutions/{id}/${plural}/{code}/versions/{n}`,
      tags: [tag],
      summary: `Any version of a ${kind}, forever (public)`,
      request: { params: versionParams },
      responses: { 200: jsonContent(entry, 'That version'), ...problems(400, 404) },
    }),

    withdraw: createRoute({
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
  };
}

export const catalogueRoutes = {
  component: entryRoutes('component', 'components', 'Micro-components', componentBodySchema, componentSchema),
  microDegree: entryRoutes('micro-degree', 'micro-degrees', 'Micro-degrees', microDegreeBodySchema, microDegreeSchema),
  badge: entryRoutes('badge', 'badges', 'Badge classes', badgeBodySchema, badgeSchema),

  importComponents: createRoute({
    method: 'post',
    path: '/v1/institutions/{id}/components:batch',
    tags: ['Micro-components'],
    summary: 'Import a catalogue: up to 500 components in one call (the owning institution)',
    description:
      'Answers a result per item: created, updated, unchanged, or invalid with its validation errors. ' +
      'Valid items are stored even when others fail; a retry of the same request changes nothing.',
    security: bearerSecurity,
    middleware: ownerOnly,
    request: { params: z.object({ id: institutionIdSchema }), ...jsonBody(componentBatchSchema) },
    responses: { 200: jsonContent(componentBatchResultSchema, 'One result per item'), ...problems(400, 401, 403, 413) },
  }),

  searchComponents: createRoute({
    method: 'get',
    path: '/v1/components',
    tags: ['Search'],
    summary: 'Search micro-components across the consortium (public)',
    request: { query: componentQuerySchema },
    responses: { 200: jsonContent(pageSchema(componentSchema), 'A page of components'), ...problems(400) },
  }),

  searchMicroDegrees: createRoute({
    method: 'get',
    path: '/v1/micro-degrees',
    tags: ['Search'],
    summary: 'Search micro-degrees across the consortium (public)',
    request: { query: degreeQuerySchema },
    responses: { 200: jsonContent(pageSchema(microDegreeSchema), 'A page of micro-degrees'), ...problems(400) },
  }),

  searchBadges: createRoute({
    method: 'get',
    path: '/v1/badges',
    tags: ['Search'],
    summary: 'Search badge classes across the consortium (public)',
    request: { query: badgeQuerySchema },
    responses: { 200: jsonContent(pageSchema(badgeSchema), 'A page of badge classes'), ...problems(400) },
  }),
};
