export * from './deps.js';
export * from './lambda.js';
export * from './topology.js';
export * from './admin-keys.js';
export * from './sqs-queue.js';
export * from './faults.js';
export * from './log.js';
