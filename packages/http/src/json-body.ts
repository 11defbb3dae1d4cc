/**
 * JSON request bodies parsed once, with bounds, before any route sees them: nesting depth
 * and `__proto__` members are checked in one linear walk, so a body nested 40,000 levels deep
 * answers 400 instead of overflowing a recursive marshaller later on (a reset connection).
 */
import { parseUntrustedJson, type JsonLimits } from '@cx/domain';
import type { MiddlewareHandler } from 'hono';

/**
 * Bounds for every JSON body. No body the API takes nests deeper than a credential in a
 * request (about 10 levels); size is bounded by the body limit.
 */
export const BODY_JSON_LIMITS: JsonLimits = { maxDepth: 32 };

/** The media types hono's validator reads as JSON (`application/json`, `application/ld+json`, ...). */
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

/**
 * Parses a JSON body with {@link parseUntrustedJson} and serves the result to `c.req.json()`,
 * which the zod-openapi validators call, so the route's schema sees the checked value and the
 * text is parsed once. Bodies of other types pass untouched.
 */
export function boundedJsonBody(limits: JsonLimits = BODY_JSON_LIMITS): MiddlewareHandler {
  return async (c, next) => {
    const mediaType = (c.req.header('content-type') ?? '').split(';')[0]!.trim();
    if (c.req.raw.body === null || !JSON_MEDIA_TYPE.test(mediaType)) return next();
    const value = parseUntrustedJson(await c.req.text(), limits);
    // hono's json() would JSON.parse the cached text again, unchecked; hand it the checked value instead
    c.req.json = <T>() => Promise.resolve(value as T);
    return next();
  };
}
