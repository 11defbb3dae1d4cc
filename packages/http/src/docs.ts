/**
 * One OpenAPI 3.1 document for the whole exchange, merged from every function app's
 * own document, and a reference UI. Served by the docs function in AWS and by `pnpm start`.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { swaggerUI } from '@hono/swagger-ui';
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';

type OpenApiDocument = ReturnType<OpenAPIHono['getOpenAPI31Document']>;

export function mergedOpenApiDocument(apps: OpenAPIHono<any>[], info: { version: string; serverUrl?: string }): OpenApiDocument {
  const documents = apps.map((app) =>
    app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'Consortium exchange', version: info.version } }),
  );
  const merged: OpenApiDocument = {
    openapi: '3.1.0',
    info: {
      title: 'Consortium exchange',
      version: info.version,
      description:
        'Micro-credentials, badges and credit recognition for a consortium of partner universities. ' +
        'Errors are RFC 9457 problem documents; lists take `limit` and `cursor`.',
    },
    servers: info.serverUrl ? [{ url: info.serverUrl }] : undefined,
    paths: {},
    components: { schemas: {}, securitySchemes: {} },
  };
  for (const doc of documents) {
    for (const [path, item] of Object.entries(doc.paths ?? {})) merged.paths![path] = { ...merged.paths![path], ...item };
    for (const [kind, entries] of Object.entries(doc.components ?? {})) {
      const target = ((merged.components as Record<string, Record<string, unknown>>)[kind] ??= {});
      Object.assign(target, entries);
    }
  }
  return merged;
}

export function createDocsApp(document: () => OpenApiDocument): Hono {
  const app = new Hono();
  // a request id on every response, as on every other route of the exchange
  app.use('*', requestId({ limitLength: 128 }));
  let cached: OpenApiDocument | undefined;
  app.get('/openapi.json', (c) => c.json((cached ??= document())));
  app.get('/docs', swaggerUI({ url: '/openapi.json', title: 'Consortium exchange API' }));
  return app;
}
