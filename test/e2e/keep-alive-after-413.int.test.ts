/**
 * A client that sent too large a body can go on using its keep-alive connection: the 413
 * says `Connection: close`, so a Node client opens a new connection for its next request
 * instead of failing on one the server has dropped ("other side closed").
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalExchange, type LocalExchange } from '@cx/local';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

let exchange: LocalExchange;

beforeAll(async () => {
  exchange = await startLocalExchange({
    port: 0,
    inMemory: true,
    dataDir: mkdtempSync(join(tmpdir(), 'cx-keepalive-')),
    dynamoEndpoint: inject('dynamoEndpoint'),
    tableName: `keepalive-${Date.now()}`,
    adminToken: 'keep-alive-test-admin-token',
  });
});

afterAll(async () => {
  await exchange?.stop();
});

/** Node's fetch keeps connections alive: sequential requests to one origin share a connection. */
const oversize = (path: string, bytes: number, contentType: string) =>
  fetch(`${exchange.url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body: 'x'.repeat(bytes) });

describe('after a 413 on a keep-alive connection', () => {
  it('the API says Connection: close and the next request succeeds', async () => {
    const refused = await oversize('/v1/credentials/verify', 2 * 1024 * 1024, 'application/json');
    expect(refused.status).toBe(413);
    expect(refused.headers.get('connection')).toBe('close');
    await refused.text();

    const next = await fetch(`${exchange.url}/openapi.json`);
    expect(next.status).toBe(200);
    await next.text();
  });

  it('the pages say Connection: close and the next request succeeds', async () => {
    const refused = await oversize('/verify', 2 * 1024 * 1024, 'text/plain');
    expect(refused.status).toBe(413);
    expect(refused.headers.get('connection')).toBe('close');
    await refused.text();

    const next = await fetch(`${exchange.url}/verify`);
    expect(next.status).toBe(200);
    await next.text();
  });
});
