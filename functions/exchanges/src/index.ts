export { createExchangesApp } from './app.js';
