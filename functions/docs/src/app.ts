/** The API's documentation: one OpenAPI 3.1 document merged from every function app, and a reference UI. */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createDocsApp, mergedOpenApiDocument, type ReferenceUiFiles } from '@cx/http';
import type { ExchangeDeps } from '@cx/runtime';
import { createInstitutionsApp } from '@cx/fn-institutions';
import { createCatalogueApp } from '@cx/fn-catalogue';
import { createCredentialsApp } from '@cx/fn-credentials';
import { createVerifyApp } from '@cx/fn-verify';
import { createExchangesApp } from '@cx/fn-exchanges';
import { createOid4vciApp } from '@cx/fn-oid4vci';
import { createRecognitionApp } from '@cx/fn-recognition';

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

/** Building an app touches none of its dependencies, so the docs function needs no table or keys. */
export function createDocsFunctionApp(deps: Pick<ExchangeDeps, 'publicUrl'>, options: DocsFunctionOptions = {}) {
  const placeholder = { ...deps, consortium: 'docs' } as ExchangeDeps;
  return createDocsApp(
    () =>
      mergedOpenApiDocument(
        [
          createInstitutionsApp(placeholder),
          createCatalogueApp(placeholder),
          createCredentialsApp(placeholder),
          createVerifyApp(placeholder),
          createExchangesApp(placeholder),
          createOid4vciApp(placeholder),
          createRecognitionApp(placeholder),
        ],
        { version: '1.0.0', serverUrl: deps.publicUrl },
      ),
    { files: referenceUiFiles(() => options.swaggerUiDir ?? swaggerUiPackageDir()), serverUrl: deps.publicUrl || undefined },
  );
}
