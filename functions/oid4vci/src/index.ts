export { createOid4vciApp } from './app.js';
