/**
 * Writes the OpenAPI document to the file named by its argument: infra/src/bundle.ts runs it
 * when it bundles the docs function, so that function serves a file instead of bundling
 * every app to build the document at init.
 */
import { writeFileSync } from 'node:fs';
import { openApiDocument } from './document.js';

const [file] = process.argv.slice(2);
if (!file) throw new Error('usage: bundle-document.ts <openapi.json>');
writeFileSync(file, JSON.stringify(openApiDocument()));
