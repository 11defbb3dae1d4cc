/**
 * Catalogues: micro-components, micro-degrees and badge classes that partners publish
 * (only the owning institution writes), versioned, withdrawable, and searchable by anyone.
 */
import type { OpenAPIHono, z } from '@hono/zod-openapi';
import { catalogueRoutes as routes, registerSecurity, type componentBatchResultSchema, type EntryRoutes } from '@cx/contract';
import {
  componentBatchItemSchema,
  etagOf,
  searchWords,
  systemClock,
  ValidationError,
  type CatalogueKind,
  type EntryBody,
} from '@cx/domain';
import { createApiApp, fieldIssues, requestContext, type ApiEnv } from '@cx/http';
import type { ExchangeDeps } from '@cx/runtime';
import type { CatalogueQuery } from '@cx/domain';
import { CatalogueService } from '@cx/core';

/** Batch imports of up to 500 entries need more than the usual 256 KB. */
const BATCH_BODY_LIMIT = 5 * 1024 * 1024;

/** How many batch items are written at once: enough to be quick, few enough not to throttle. */
const BATCH_CONCURRENCY = 16;

export function createCatalogueApp(deps: ExchangeDeps): OpenAPIHono<ApiEnv> {
  const service = new CatalogueService({ store: deps.store, clock: deps.clock ?? systemClock });
  const app = createApiApp({
    auth: { store: deps.store, adminTokenHash: deps.adminTokenHash },
    log: deps.log,
    largeBodies: (path) => (path.endsWith('/components:batch') ? BATCH_BODY_LIMIT : undefined),
  });
  registerSecurity(app);

  /** Serves one kind's entry routes: the same handlers for every kind, typed by it. */
  const serveEntries = <K extends CatalogueKind>({ kind, ...entry }: EntryRoutes<K>) => {
    app.openapi(
      entry.put,
      async (c) => {
        const { id, code } = c.req.valid('param');
        const result = await service.put(kind, id, code, c.req.valid('json'), c.req.header('if-match'), requestContext(c));
        c.header('etag', etagOf(result.entry.version));
        return c.json(result.entry, result.outcome === 'created' ? 201 : 200);
      },
    );

    app.openapi(
      entry.get,
      async (c) => {
        const { id, code } = c.req.valid('param');
        const found = await service.get(kind, id, code);
        c.header('etag', etagOf(found.version));
        return c.json(found, 200);
      },
    );

    app.openapi(
      entry.getVersion,
      async (c) => {
        const { id, code, n } = c.req.valid('param');
        // versions never change
        c.header('cache-control', 'public, max-age=86400, immutable');
        return c.json(await service.getVersion(kind, id, code, n), 200);
      },
    );

    app.openapi(
      entry.withdraw,
      async (c) => {
        const { id, code } = c.req.valid('param');
        return c.json(await service.withdraw(kind, id, code, requestContext(c)), 200);
      },
    );
  };
  serveEntries(routes.component);
  serveEntries(routes.microDegree);
  serveEntries(routes.badge);

  app.openapi(
    routes.importComponents,
    async (c) => {
      const { id } = c.req.valid('param');
      await service.assertCanPublish(id);
      const { items } = c.req.valid('json');
      type Result = z.infer<typeof componentBatchResultSchema>['results'][number];
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
            const result = await service.put('component', id, item.code, item.body, undefined, requestContext(c), true);
            results[item.index] = { index: item.index, code: item.code, outcome: result.outcome, version: result.entry.version };
          } catch (error) {
            // what only the service can judge (an entry too large to store) is the item's fault, as schema errors are
            if (error instanceof ValidationError) {
              results[item.index] = { index: item.index, code: item.code, outcome: 'invalid', problem: { detail: error.message, errors: error.issues } };
              continue;
            }
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
    routes.searchComponents,
    async (c) => {
      const { limit, cursor, q, ...filters } = c.req.valid('query');
      return c.json(await service.search('component', { ...filters, words: words(q) }, limit, cursor), 200);
    },
  );

  app.openapi(
    routes.searchMicroDegrees,
    async (c) => {
      const { limit, cursor, q, component, ...filters } = c.req.valid('query');
      const query: CatalogueQuery = { ...filters, words: words(q) };
      if (component) {
        const [institution, code] = component.split('/') as [string, string];
        return c.json(await service.degreesWithComponent({ institution, code }, query, limit, cursor), 200);
      }
      return c.json(await service.search('micro-degree', query, limit, cursor), 200);
    },
  );

  app.openapi(
    routes.searchBadges,
    async (c) => {
      const { limit, cursor, q, ...filters } = c.req.valid('query');
      return c.json(await service.search('badge', { ...filters, words: words(q) }, limit, cursor), 200);
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
