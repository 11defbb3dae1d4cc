/**
 * The exchange's own id for every request, in the response and in audit records; a client's
 * `x-request-id` is never stored as the request id, only kept beside it (length- and
 * charset-checked) as a correlation id.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { correlationIdOf } from './request-ids.js';

let cx: TestExchange;

beforeAll(async () => {
  cx = await testExchange();
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function auditRecordOf(institution: string): Promise<Record<string, unknown>> {
  const response = await cx.request('GET', `/v1/audit?institution=${institution}`, { key: cx.adminKey });
  const { items } = (await response.json()) as { items: Array<Record<string, unknown>> };
  const record = items.find((item) => item.action === 'institution.create');
  expect(record).toBeDefined();
  return record!;
}

describe('a request with a client-chosen x-request-id', () => {
  it('is answered with the exchange’s own id, and the client’s as x-correlation-id', async () => {
    const response = await cx.request('GET', '/v1/institutions', { headers: { 'x-request-id': 'my-trace-42' } });
    expect(response.headers.get('x-request-id')).toMatch(UUID);
    expect(response.headers.get('x-correlation-id')).toBe('my-trace-42');
  });

  it('is audited under the exchange’s own id, not the client’s', async () => {
    const response = await cx.request('POST', '/v1/institutions', {
      key: cx.adminKey,
      headers: { 'x-request-id': 'forged-id-of-another-request' },
      body: { id: 'uni-r', name: 'University R', country: 'NL', homepage: 'https://uni-r.example.edu' },
    });
    expect(response.status).toBe(201);
    const record = await auditRecordOf('uni-r');
    expect(record.requestId).toBe(response.headers.get('x-request-id'));
    expect(record.requestId).not.toBe('forged-id-of-another-request');
  });

  it('keeps the exchange’s id on problem answers too', async () => {
    const response = await cx.request('GET', '/v1/nowhere', { headers: { 'x-request-id': 'my-trace-43' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toMatch(UUID);
    expect(((await response.json()) as { requestId: string }).requestId).toBe(response.headers.get('x-request-id'));
  });
});

describe('correlationIdOf', () => {
  it('keeps a short id of letters, digits and . _ : -', () => {
    expect(correlationIdOf('Root=1')).toBeUndefined();
    expect(correlationIdOf('trace:1.2_3-4')).toBe('trace:1.2_3-4');
  });

  it('drops an id that is too long, empty, or has other characters', () => {
    expect(correlationIdOf('x'.repeat(129))).toBeUndefined();
    expect(correlationIdOf('')).toBeUndefined();
    expect(correlationIdOf('a b')).toBeUndefined();
    expect(correlationIdOf('<script>')).toBeUndefined();
    expect(correlationIdOf(undefined)).toBeUndefined();
  });
});
