/** The API's documentation built in process: `pnpm start` and the tests serve it from here. */
import type { ExchangeDeps } from '@cx/runtime';
import { openApiDocument } from './document.js';
import { createDocsSite, type DocsFunctionOptions } from './site.js';

export { referenceUiFiles, swaggerUiPackageDir, type DocsFunctionOptions } from './site.js';

/** The docs site over the document merged from every function app, in this process. */
export function createDocsFunctionApp(deps: Pick<ExchangeDeps, 'publicUrl'>, options: DocsFunctionOptions = {}) {
  return createDocsSite(openApiDocument, deps.publicUrl, options);
}
