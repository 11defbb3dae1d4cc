import type { RequestContext } from '@cx/domain';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { ApiEnv } from './env.js';
import { requestContext } from './request-context.js';
import { requestIds } from './request-ids.js';

const PRINCIPAL = { kind: 'institution', institutionId: 'uni-a', keyId: 'k1' } as const;

async function contextOf(headers: Record<string, string> = {}): Promise<RequestContext> {
  const app = new Hono<ApiEnv>();
  app.use('*', requestIds());
  // what authenticate() sets from a verified key
  app.use('*', async (c, next) => {
    c.set('principal', PRINCIPAL);
    await next();
  });
  app.get('/', (c) => c.json(requestContext(c)));
  const response = await app.request('/', { headers });
  return (await response.json()) as RequestContext;
}

describe('requestContext', () => {
  it("takes the verified caller and the exchange's own request id", async () => {
    const ctx = await contextOf();

    expect(ctx.principal).toEqual(PRINCIPAL);
    expect(ctx.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(ctx).not.toHaveProperty('correlationId');
  });

  it("keeps the caller's checked x-request-id as the correlation id", async () => {
    const ctx = await contextOf({ 'x-request-id': 'client-7' });

    expect(ctx.correlationId).toBe('client-7');
    expect(ctx.requestId).not.toBe('client-7');
  });

  it('drops an x-request-id that fails the check', async () => {
    const ctx = await contextOf({ 'x-request-id': 'not plain!' });

    expect(ctx).not.toHaveProperty('correlationId');
  });
});
