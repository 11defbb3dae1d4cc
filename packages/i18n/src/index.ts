export * from './languages.js';
export * from './message.js';
export * from './negotiate.js';
export * from './translate.js';
export type { Catalogue } from './catalogues/en.js';
