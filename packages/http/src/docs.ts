/**
 * One OpenAPI 3.1 document for the whole exchange, merged from every function app's
 * own document, and a reference UI. Served by the docs function in AWS and by `pnpm start`.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { NotFoundError } from '@cx/domain';
import { problemResponse } from './problem.js';

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

/**
 * The reference UI's files (Swagger UI), read from wherever the caller keeps them: the
 * pinned package locally, the folder beside the Lambda bundle in AWS. Never a CDN.
 */
export interface ReferenceUiFiles {
  /** The bytes of one of {@link REFERENCE_UI_FILES}. */
  read(name: ReferenceUiFile): Promise<Uint8Array>;
}

/** The Swagger UI files the reference page loads: served at `/docs/assets/<name>`. */
export const REFERENCE_UI_FILES = ['swagger-ui-bundle.js', 'swagger-ui.css'] as const;
export type ReferenceUiFile = (typeof REFERENCE_UI_FILES)[number];

/** Starts Swagger UI on the page; a file rather than an inline script, so the CSP needs no 'unsafe-inline'. */
const INIT_SCRIPT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Consortium exchange API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"><noscript><p>The reference needs JavaScript; the API description itself is at <a href="/openapi.json">/openapi.json</a>.</p></noscript></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script>
</body>
</html>
`;

const CONTENT_TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

/**
 * The pages' policy: this site's own scripts, styles and images only. "Try it out" calls
 * the exchange itself, and the public URL the document names when that is another origin.
 */
function contentSecurityPolicy(serverUrl?: string): string {
  const connect = ["'self'", ...(serverUrl ? [new URL(serverUrl).origin] : [])];
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${[...new Set(connect)].join(' ')}`,
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * `/openapi.json`, and the reference UI at `/docs` with its assets under `/docs/assets/`,
 * all same-origin.
 *
 * @example
 * const app = createDocsApp(() => mergedOpenApiDocument(apps, { version: '1.0.0' }), { files });
 * const page = await app.request('/docs');
 */
export function createDocsApp(document: () => OpenApiDocument, options: { files: ReferenceUiFiles; serverUrl?: string }): Hono {
  const app = new Hono();
  const policy = contentSecurityPolicy(options.serverUrl);
  // a request id on every response, as on every other route of the exchange
  app.use('*', requestId({ limitLength: 128 }));
  app.use('*', async (c, next) => {
    await next();
    c.header('content-security-policy', policy);
    c.header('x-content-type-options', 'nosniff');
  });
  app.onError((error, c) => problemResponse(error, c));
  app.notFound((c) => problemResponse(new NotFoundError(`no route for ${c.req.method} ${c.req.path}`), c));
  let cached: OpenApiDocument | undefined;
  app.get('/openapi.json', (c) => c.json((cached ??= document())));
  app.get('/docs', (c) => c.html(PAGE));
  const assets = new Map<string, Promise<Uint8Array>>();
  app.get('/docs/assets/:name', async (c) => {
    const name = c.req.param('name');
    const body =
      name === 'init.js'
        ? new TextEncoder().encode(INIT_SCRIPT)
        : (REFERENCE_UI_FILES as readonly string[]).includes(name)
          ? await cachedRead(assets, name as ReferenceUiFile, options.files)
          : undefined;
    if (!body) throw new NotFoundError(`the reference UI has no file ${name}`);
    c.header('content-type', CONTENT_TYPES[name.split('.').pop()!]!);
    c.header('cache-control', 'public, max-age=3600');
    return c.body(body as Uint8Array<ArrayBuffer>, 200);
  });
  return app;
}

/** One read per file and process; a failed read is not kept, so the next request tries again. */
function cachedRead(cache: Map<string, Promise<Uint8Array>>, name: ReferenceUiFile, files: ReferenceUiFiles): Promise<Uint8Array> {
  let pending = cache.get(name);
  if (!pending) {
    pending = files.read(name);
    cache.set(name, pending);
    pending.catch(() => cache.delete(name));
  }
  return pending;
}
