export * from './document-loader.js';
export * from './signing.js';
export * from './status-service.js';
export * from './issuer.js';
export * from './verifier.js';
export * from './batch-runner.js';
export * from './services.js';
