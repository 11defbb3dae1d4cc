import { handle } from 'hono/aws-lambda';
import { createDocsFunctionApp } from './app.js';

export const handler = handle(createDocsFunctionApp({ publicUrl: process.env.CX_PUBLIC_URL ?? '' }));
