export { createRecognitionApp } from './app.js';
