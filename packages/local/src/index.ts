export * from './exchange.js';
export * from './router.js';
export * from './self-signed.js';
export * from './tls.js';
