export { createVerifyApp } from './app.js';
