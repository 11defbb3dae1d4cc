export { createCredentialsApp } from './app.js';
