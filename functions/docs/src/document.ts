/** The exchange's one OpenAPI 3.1 document, merged from every function app's own. */
import { mergedOpenApiDocument } from '@cx/http';
import type { ExchangeDeps } from '@cx/runtime';
import { createInstitutionsApp } from '@cx/fn-institutions';
import { createCatalogueApp } from '@cx/fn-catalogue';
import { createCredentialsApp } from '@cx/fn-credentials';
import { createVerifyApp } from '@cx/fn-verify';
import { createExchangesApp } from '@cx/fn-exchanges';
import { createOid4vciApp } from '@cx/fn-oid4vci';
import { createRecognitionApp } from '@cx/fn-recognition';
import type { OpenApiDocument } from './document-type.js';

/**
 * An address for the apps to be built with: what they describe does not depend on it
 * (document.test.ts checks), so the document built at bundle time is the one to serve anywhere.
 */
export const PLACEHOLDER_URL = 'https://exchange.invalid';

/**
 * The document without a server (site.ts's `withServer` names the public URL when serving).
 * Building an app touches none of its dependencies, so no table or keys are needed.
 */
export function openApiDocument(publicUrl: string = PLACEHOLDER_URL): OpenApiDocument {
  const placeholder = { publicUrl, consortium: 'docs' } as ExchangeDeps;
  return mergedOpenApiDocument(
    [
      createInstitutionsApp(placeholder),
      createCatalogueApp(placeholder),
      createCredentialsApp(placeholder),
      createVerifyApp(placeholder),
      createExchangesApp(placeholder),
      createOid4vciApp(placeholder),
      createRecognitionApp(placeholder),
    ],
    { version: '1.0.0' },
  );
}
