export { createDocsFunctionApp, referenceUiFiles, swaggerUiPackageDir, type DocsFunctionOptions } from './app.js';
