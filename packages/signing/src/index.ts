export * from './local-key-vault.js';
export * from './kms-key-vault.js';
export * from './spki.js';
export * from './rate-limited-key-vault.js';
