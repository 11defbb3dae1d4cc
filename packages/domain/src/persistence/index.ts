export * from './records.js';
export * from './repositories.js';
export * from './delivery-records.js';
export * from './wallet-records.js';
