export * from './exchange.js';
export * from './router.js';
