/**
 * The docs function's site (`/openapi.json`, `/docs` and its assets) around an OpenAPI document
 * it is given: this module imports no function app, so the Lambda bundle, which serves the
 * document built at bundle time (document.ts, bundle-document.ts), carries none of them.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createDocsApp, type ReferenceUiFiles } from '@cx/http';
import type { OpenApiDocument } from './document-type.js';

export interface DocsFunctionOptions {
  /**
   * The folder holding Swagger UI's files. Defaults to the pinned swagger-ui-dist package;
   * in Lambda, the folder deployed beside the bundle (the topology's `files` of `docs`).
   */
  swaggerUiDir?: string;
}

/** The installed swagger-ui-dist package's folder (its files are served as they are). */
export function swaggerUiPackageDir(): string {
  return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

/** Reads the reference UI's files from a folder, found when first asked for. */
export function referenceUiFiles(dir: () => string): ReferenceUiFiles {
  return { read: (name) => readFile(join(dir(), name)) };
}

/**
 * The document as served: the one built without a server, naming `publicUrl` as its server
 * (known only from the function's environment, not when the document is built).
 */
export function withServer(document: OpenApiDocument, publicUrl: string): OpenApiDocument {
  const { openapi, info, servers: _none, ...rest } = document;
  return { openapi, info, servers: publicUrl ? [{ url: publicUrl }] : undefined, ...rest };
}

/** The site around `document` (built when first asked for, once). */
export function createDocsSite(document: () => OpenApiDocument, publicUrl: string, options: DocsFunctionOptions = {}) {
  return createDocsApp(() => withServer(document(), publicUrl), {
    files: referenceUiFiles(() => options.swaggerUiDir ?? swaggerUiPackageDir()),
    serverUrl: publicUrl || undefined,
  });
}
