export { createPagesApp, type PagesOptions } from './app.js';
