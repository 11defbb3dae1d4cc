import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { handle } from 'hono/aws-lambda';
import { DOCUMENT_FILE } from './document-file.js';
import type { OpenApiDocument } from './document-type.js';
import { createDocsSite } from './site.js';

// the bundle's folder carries Swagger UI's files (infra/src/bundle.ts copies the topology's `files`)
// and the OpenAPI document built when bundling; run from source, the installed package serves the files
const bundled = fileURLToPath(new URL('./swagger-ui/', import.meta.url));
const document = fileURLToPath(new URL(`./${DOCUMENT_FILE}`, import.meta.url));

export const handler = handle(
  createDocsSite(() => JSON.parse(readFileSync(document, 'utf8')) as OpenApiDocument, process.env.CX_PUBLIC_URL ?? '', {
    swaggerUiDir: existsSync(bundled) ? bundled : undefined,
  }),
);
