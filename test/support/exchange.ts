/**
 * The exchange's function apps over a fresh table and a local key vault, for API tests
 * through `fetch` (the local gateway, i.e. API Gateway's routing) without a socket.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFunctionApps, createLocalGateway } from '@cx/local';
import type { ExchangeDeps } from '@cx/runtime';
import { createAdminKey } from '@cx/runtime';
import { LocalKeyVault } from '@cx/signing';
import type { KeyVault } from '@cx/domain';
import { freshStore } from './dynamo.js';

export const PUBLIC_URL = 'http://exchange.test:8080';

export interface TestExchange {
  deps: ExchangeDeps;
  adminKey: string;
  /** Sends a request to the exchange; `path` is relative to the public URL. */
  request(method: string, path: string, options?: { key?: string; body?: unknown; headers?: Record<string, string> }): Promise<Response>;
  /** Sends a request exactly as built (no headers added); for requests `request` cannot express. */
  fetch(request: Request): Promise<Response>;
  /** Onboards an institution with the admin key, returning its first API key. */
  onboard(id: string, extra?: Record<string, unknown>): Promise<{ apiKey: string; institution: Record<string, any> }>;
}

export async function testExchange(overrides: Partial<ExchangeDeps> & { keyVault?: KeyVault } = {}): Promise<TestExchange> {
  const store = overrides.store ?? (await freshStore());
  const deps: ExchangeDeps = {
    store,
    keyVault: overrides.keyVault ?? new LocalKeyVault(mkdtempSync(join(tmpdir(), 'cx-keys-'))),
    publicUrl: PUBLIC_URL,
    consortium: 'test',
    // without a mailer of the test's, rendered notices are dropped on their way (they stay
    // queued in the table): no notice sender writes behind a test's "nothing written" snapshots
    ...(overrides.mailer ? {} : { noticeQueue: { send: async () => undefined } }),
    ...overrides,
  };
  const gateway = createLocalGateway(createFunctionApps(deps));
  const { apiKey: adminKey } = await createAdminKey(store, { kind: 'admin', id: 'test-setup' });

  const request: TestExchange['request'] = (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    return gateway.fetch(new Request(new URL(path, PUBLIC_URL), { method, headers, body }));
  };

  return {
    deps,
    adminKey,
    request,
    fetch: async (request) => gateway.fetch(request),
    onboard: async (id, extra = {}) => {
      const response = await request('POST', '/v1/institutions', {
        key: adminKey,
        body: { id, name: `University ${id}`, country: 'NL', homepage: `https://${id}.example.edu`, ...extra },
      });
      if (response.status !== 201) throw new Error(`onboarding ${id} failed: ${response.status} ${await response.text()}`);
      return (await response.json()) as { apiKey: string; institution: Record<string, any> };
    },
  };
}
