/** The file the docs bundle serves the OpenAPI document from, beside its `index.mjs` (written by bundle-document.ts). */
export const DOCUMENT_FILE = 'openapi.json';
