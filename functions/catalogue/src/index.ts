export { createCatalogueApp } from './app.js';
export { CatalogueService } from './service.js';
