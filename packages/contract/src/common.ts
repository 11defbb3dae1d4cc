/** Pieces every area's routes share: the problem document, error responses, bodies, security. */
import { z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    requestId: z.string().optional(),
    errors: z
      .array(z.object({ field: z.string(), pointer: z.string(), message: z.string() }))
      .optional()
      .meta({ description: 'For validation errors: every failing field.' }),
  })
  .meta({ id: 'Problem', description: 'An RFC 9457 problem document.' });

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input; `errors` names each field',
  401: 'Missing, unknown or revoked API key',
  403: 'The key may not do this',
  404: 'Not found',
  409: 'Conflicts with the current state',
  412: 'If-Match no longer matches',
  413: 'Body too large',
  422: 'Well-formed but cannot be carried out',
  429: 'Too many requests',
};

/** Problem responses for the given statuses, for a route's `responses`. */
export function problems(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: DESCRIPTIONS[status] ?? 'Error', content: { 'application/problem+json': { schema: problemSchema } } },
    ]),
  );
}

export const bearerSecurity = [{ bearerAuth: [] }];

/** A JSON response of `schema`, for a route's `responses`. */
export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/** A required JSON request body of `schema`, for a route's `request`. */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return { body: { required: true, content: { 'application/json': { schema } } } };
}

/** Describes the API keys that {@link bearerSecurity} names in the app's OpenAPI document. */
export function registerSecurity(app: OpenAPIHono<any>): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key `cxk_...`: an institution key, or a consortium admin key.',
  });
}
