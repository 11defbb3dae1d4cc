/** The API's documentation: one OpenAPI 3.1 document merged from every function app, and a reference UI. */
import { createDocsApp, mergedOpenApiDocument } from '@cx/http';
import type { ExchangeDeps } from '@cx/runtime';
import { createInstitutionsApp } from '@cx/fn-institutions';
import { createCatalogueApp } from '@cx/fn-catalogue';
import { createCredentialsApp } from '@cx/fn-credentials';
import { createVerifyApp } from '@cx/fn-verify';
import { createRecognitionApp } from '@cx/fn-recognition';

/** Building an app touches none of its dependencies, so the docs function needs no table or keys. */
export function createDocsFunctionApp(deps: Pick<ExchangeDeps, 'publicUrl'>) {
  const placeholder = { ...deps, consortium: 'docs' } as ExchangeDeps;
  return createDocsApp(() =>
    mergedOpenApiDocument([
      createInstitutionsApp(placeholder),
      createCatalogueApp(placeholder),
      createCredentialsApp(placeholder),
      createVerifyApp(placeholder),
      createRecognitionApp(placeholder),
    ], { version: '1.0.0', serverUrl: deps.publicUrl }),
  );
}
