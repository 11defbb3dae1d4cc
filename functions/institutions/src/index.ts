export { createInstitutionsApp, type InstitutionsAppDeps } from './app.js';
export { InstitutionService } from './service.js';
