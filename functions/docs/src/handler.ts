import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { handle } from 'hono/aws-lambda';
import { createDocsFunctionApp } from './app.js';

// the bundle's folder carries Swagger UI's files (infra/src/bundle.ts copies the topology's `files`);
// run from source, the installed package serves them
const bundled = fileURLToPath(new URL('./swagger-ui/', import.meta.url));

export const handler = handle(
  createDocsFunctionApp({ publicUrl: process.env.CX_PUBLIC_URL ?? '' }, { swaggerUiDir: existsSync(bundled) ? bundled : undefined }),
);
