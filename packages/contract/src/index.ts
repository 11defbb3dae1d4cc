/**
 * The exchange's API contract in one place: every route's definition (path, method,
 * parameters, request and response schemas, who may call it) and the response schemas,
 * used by the function apps, the OpenAPI document and, as types only, `@cx/client`.
 */
export * from './common.js';
export * from './institutions.js';
export * from './registry.js';
export * from './catalogue.js';
export * from './credentials.js';
export * from './recognition.js';
export * from './verify.js';
export * from './exchanges.js';
export * from './oid4vci.js';
