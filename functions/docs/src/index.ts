export { createDocsFunctionApp } from './app.js';
