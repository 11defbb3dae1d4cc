export * from './app.js';
export * from './auth.js';
export * from './problem.js';
export * from './openapi.js';
export * from './docs.js';
export * from './etag.js';
export * from './client-address.js';
