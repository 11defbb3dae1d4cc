'use strict';
/*
 * Bundled in place of @digitalbazaar/http-client (see OPTIONS.alias in ../bundle.ts). Only
 * jsonld's own network document loader uses it, and it brings undici (about 414 KB minified)
 * into every bundle that signs or verifies. The exchange never lets jsonld fetch a URL: every
 * JSON-LD call passes the exchange's own document loader, which refuses the network too.
 */
const refused = () => Promise.reject(new Error('the exchange fetches no JSON-LD document over the network: pass its document loader'));

exports.httpClient = { get: refused, post: refused, put: refused, push: refused, patch: refused, head: refused, delete: refused };
