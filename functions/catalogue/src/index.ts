export { createCatalogueApp } from './app.js';
