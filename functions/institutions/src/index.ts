export { createInstitutionsApp, type InstitutionsAppDeps } from './app.js';
