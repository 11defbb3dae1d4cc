/**
 * `pnpm start` end to end: the real entry point as a child process, over real HTTP, with its
 * own DynamoDB Local engine and data folder. Checks what a new consortium admin sees: the
 * printed URLs and admin key, onboarding, the API docs, a clean stop, and data that survives
 * a restart.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { didDocumentUrl } from '@cx/domain';
import {
  isRunning,
  killExchangeProcess,
  startExchangeProcess,
  waitUntilGone,
  type ExchangeProcess,
} from '../support/exchange-process.js';
import { listeningAddresses } from '../support/listening.js';

const started: ExchangeProcess[] = [];

async function start(env: Record<string, string | undefined>): Promise<ExchangeProcess> {
  const exchange = await startExchangeProcess({ CX_ADMIN_TOKEN: undefined, CX_PUBLIC_URL: undefined, CX_SIGNER: undefined, CX_HOST: undefined, ...env });
  started.push(exchange);
  return exchange;
}

afterEach(() => {
  // a failed test must not leave an exchange or a JVM running
  for (const exchange of started.splice(0)) killExchangeProcess(exchange);
});

const dataDir = () => mkdtempSync(join(tmpdir(), 'cx-e2e-'));

async function onboard(exchange: ExchangeProcess, adminKey: string, id: string) {
  const response = await fetch(`${exchange.url}/v1/institutions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id, name: `University ${id}`, country: 'FR', homepage: `https://${id}.example.edu` }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as { apiKey: string; institution: { did: string; keys: Array<{ publicKeyMultibase: string }> } };
}


/** Paths under `dir` (itself included) whose permissions are not 0700 for folders and 0600 for files. */
function notOwnerOnly(dir: string): string[] {
  const wrong: string[] = [];
  const walk = (path: string) => {
    const stat = statSync(path);
    if ((stat.mode & 0o777) !== (stat.isDirectory() ? 0o700 : 0o600)) wrong.push(`${path} ${(stat.mode & 0o777).toString(8)}`);
    if (stat.isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry));
  };
  walk(dir);
  return wrong;
}

interface DidDocument {
  id: string;
  verificationMethod: Array<{ publicKeyMultibase: string }>;
}

describe('pnpm start', () => {
  it('serves the exchange, onboards institutions over HTTP and stops with its JVM on SIGTERM', { timeout: 120_000 }, async () => {
    const dir = dataDir();
    const exchange = await start({ CX_DATA_DIR: dir });

    // what it prints
    expect(exchange.url).toMatch(/^http:\/\/localhost:\d+$/);
    expect(exchange.docsUrl).toBe(`${exchange.url}/docs`);
    expect(exchange.adminKey).toMatch(/^cxk_[a-z0-9]{16}_[A-Za-z0-9_-]{43}$/);
    expect(exchange.javaPid).toBeDefined();

    // two institutions, each with its own key and DID document, resolvable where did:web says
    const a = await onboard(exchange, exchange.adminKey!, 'uni-paris');
    const b = await onboard(exchange, exchange.adminKey!, 'uni-lyon');
    const port = new URL(exchange.url).port;
    expect(a.institution.did).toBe(`did:web:localhost%3A${port}:institutions:uni-paris`);
    const documents: DidDocument[] = [];
    for (const { institution } of [a, b]) {
      const response = await fetch(didDocumentUrl(institution.did));
      expect(response.status).toBe(200);
      const document = (await response.json()) as DidDocument;
      expect(document.id).toBe(institution.did);
      expect(document.verificationMethod[0]!.publicKeyMultibase).toBe(institution.keys[0]!.publicKeyMultibase);
      documents.push(document);
    }
    expect(documents[0]!.verificationMethod[0]!.publicKeyMultibase).not.toBe(documents[1]!.verificationMethod[0]!.publicKeyMultibase);
    expect(a.apiKey).not.toBe(b.apiKey);

    // the private keys are under the data folder, readable by the owner only
    const keyFiles = readdirSync(join(dir, 'keys'));
    expect(keyFiles).toHaveLength(2);
    for (const file of keyFiles) expect(statSync(join(dir, 'keys', file)).mode & 0o777).toBe(0o600);

    // the API description and its reference UI
    const openapi = await fetch(`${exchange.url}/openapi.json`);
    expect(openapi.status).toBe(200);
    const document = (await openapi.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(document.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/institutions',
        '/v1/institutions/{id}',
        '/institutions/{id}/did.json',
        '/v1/institutions/{id}/keys/rotate',
        '/v1/institutions/{id}/api-keys',
        '/v1/institutions/{id}/api-keys/{keyId}',
        '/v1/institutions/{id}/suspend',
        '/v1/institutions/{id}/reinstate',
        '/v1/audit',
      ]),
    );
    expect(Object.keys(document.paths['/v1/institutions']!)).toEqual(expect.arrayContaining(['get', 'post']));
    const docs = await fetch(exchange.docsUrl);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toContain('text/html');
    expect(await docs.text()).toContain('/openapi.json');

    // a body over 256 KB, declared with its content length, is refused before it is read
    const big = await fetch(`${exchange.url}/v1/institutions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${exchange.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(300 * 1024) }),
    });
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toContain('application/problem+json');

    // SIGTERM stops the exchange and the DynamoDB Local JVM it started
    const javaPid = exchange.javaPid!;
    expect(isRunning(javaPid)).toBe(true);
    expect(await exchange.stop('SIGTERM')).toBe(0);
    expect(await waitUntilGone(javaPid)).toBe(true);
  });

  it('keeps institutions across a restart on the same data folder and prints no second admin key', { timeout: 120_000 }, async () => {
    const dir = dataDir();
    const first = await start({ CX_DATA_DIR: dir });
    const adminKey = first.adminKey!;
    const { institution } = await onboard(first, adminKey, 'uni-paris');
    expect(await first.stop('SIGTERM')).toBe(0);

    const second = await start({ CX_DATA_DIR: dir });

    expect(second.adminKey).toBeUndefined();
    expect(second.output()).not.toMatch(/cxk_/);
    const members = (await (await fetch(`${second.url}/v1/institutions`)).json()) as { items: Array<{ id: string; keys: unknown[] }> };
    expect(members.items.map((m) => m.id)).toEqual(['uni-paris']);
    // the first start's admin key still works, and the key made then still signs the same DID document key
    expect(members.items[0]!.keys).toEqual(institution.keys);
    const rotated = await fetch(`${second.url}/v1/institutions/uni-paris/keys/rotate`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}` } });
    expect(rotated.status).toBe(200);

    const javaPid = second.javaPid!;
    expect(await second.stop('SIGINT')).toBe(0);
    expect(await waitUntilGone(javaPid)).toBe(true);
  });

  it('accepts CX_ADMIN_TOKEN as an admin key and makes none of its own', { timeout: 120_000 }, async () => {
    const token = 'operator-chosen-admin-token-0123456789';
    const exchange = await start({ CX_DATA_DIR: dataDir(), CX_ADMIN_TOKEN: token });

    expect(exchange.adminKey).toBeUndefined();
    expect(exchange.output()).not.toMatch(/cxk_/);
    await onboard(exchange, token, 'uni-nice');
    const audit = await fetch(`${exchange.url}/v1/audit`, { headers: { authorization: `Bearer ${token}` } });
    expect(audit.status).toBe(200);
    const unauthorized = await fetch(`${exchange.url}/v1/audit`, { headers: { authorization: `Bearer ${token}x` } });
    expect(unauthorized.status).toBe(401);

    await exchange.stop('SIGTERM');
  });

  it('listens on this machine only unless CX_HOST says otherwise, and keeps its data folder owner-only', { timeout: 120_000 }, async () => {
    const dir = dataDir();
    mkdirSync(join(dir, 'keys'));
    writeFileSync(join(dir, 'keys', 'earlier.json'), '{}');
    for (const path of [dir, join(dir, 'keys')]) chmodSync(path, 0o755);
    chmodSync(join(dir, 'keys', 'earlier.json'), 0o644);

    const local = await start({ CX_DATA_DIR: dir });
    const port = Number(new URL(local.url).port);
    expect(listeningAddresses(port)).toEqual(['127.0.0.1']);
    await onboard(local, local.adminKey!, 'uni-paris');
    // while it runs, DynamoDB Local's files and the new signing key are owner-only too
    expect(readdirSync(join(dir, 'dynamodb')).length).toBeGreaterThan(0);
    expect(notOwnerOnly(dir)).toEqual([]);
    expect(await local.stop('SIGTERM')).toBe(0);
    expect(notOwnerOnly(dir)).toEqual([]);

    const everywhere = await start({ CX_DATA_DIR: dir, CX_HOST: '0.0.0.0' });
    expect(listeningAddresses(Number(new URL(everywhere.url).port))).toEqual(['0.0.0.0']);
    expect(await everywhere.stop('SIGTERM')).toBe(0);
  });

  it('uses CX_PUBLIC_URL for the DIDs it hands out', { timeout: 120_000 }, async () => {
    const exchange = await start({ CX_DATA_DIR: dataDir(), CX_PUBLIC_URL: 'https://exchange.example.eu' });
    const { institution } = await onboard(exchange, exchange.adminKey!, 'uni-paris');
    expect(institution.did).toBe('did:web:exchange.example.eu:institutions:uni-paris');
    await exchange.stop('SIGTERM');
  });
});
