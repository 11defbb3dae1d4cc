/**
 * What `pnpm start` exposes on the machine it runs on: which network interfaces hear it, and
 * who can read the data folder (signing keys, API key hashes, DynamoDB Local's files).
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, inject } from 'vitest';
import { listeningAddresses } from '../../../test/support/listening.js';
import { startLocalExchange, type LocalExchange } from './exchange.js';
import { tlsFromSettings } from './tls.js';

const running: LocalExchange[] = [];
afterEach(async () => {
  for (const exchange of running.splice(0)) await exchange.stop();
});

async function start(options: Partial<Parameters<typeof startLocalExchange>[0]> = {}): Promise<LocalExchange> {
  const exchange = await startLocalExchange({
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), 'cx-local-')),
    dynamoEndpoint: inject('dynamoEndpoint'),
    tableName: `local-${Math.random().toString(36).slice(2)}`,
    adminToken: 'local-test-admin-token-0123456789',
    ...options,
  });
  running.push(exchange);
  return exchange;
}


/** Every file and folder under `dir` with its permission bits, folders first. */
function modes(dir: string): Array<[string, 'dir' | 'file', number]> {
  const found: Array<[string, 'dir' | 'file', number]> = [];
  const walk = (path: string, name: string) => {
    const stat = statSync(path);
    found.push([name, stat.isDirectory() ? 'dir' : 'file', stat.mode & 0o777]);
    if (stat.isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry), `${name}/${entry}`);
  };
  walk(dir, '.');
  return found;
}

describe('the local exchange on the network', () => {
  it('listens on 127.0.0.1 only by default, so the admin API is not reachable from the network', async () => {
    const exchange = await start();

    expect(exchange.host).toBe('127.0.0.1');
    expect(listeningAddresses(exchange.port)).toEqual(['127.0.0.1']);
    expect((await exchange.fetch(new Request(`${exchange.url}/v1/institutions`))).status).toBe(200);
  });

  it('listens where `host` says (CX_HOST), every interface for 0.0.0.0', async () => {
    const exchange = await start({ host: '0.0.0.0' });

    expect(exchange.host).toBe('0.0.0.0');
    expect(listeningAddresses(exchange.port)).toEqual(['0.0.0.0']);
    expect(exchange.url).toBe(`http://localhost:${exchange.port}`);
  });
});

describe('the data folder', () => {
  it('is made owner-only, with everything already in it, however it was before', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cx-local-'));
    mkdirSync(join(dataDir, 'keys'));
    writeFileSync(join(dataDir, 'keys', 'old-key.json'), '{}');
    writeFileSync(join(dataDir, 'notes.txt'), 'left here earlier');
    for (const path of [dataDir, join(dataDir, 'keys')]) chmodSync(path, 0o755);
    for (const path of [join(dataDir, 'keys', 'old-key.json'), join(dataDir, 'notes.txt')]) chmodSync(path, 0o644);

    await start({ dataDir });

    const found = modes(dataDir);
    expect(found.map(([name]) => name)).toEqual(expect.arrayContaining(['.', './keys', './keys/old-key.json', './notes.txt']));
    for (const [name, kind, mode] of found) expect([name, mode.toString(8)]).toEqual([name, kind === 'dir' ? '700' : '600']);
  });

  it("keeps DynamoDB Local's own files owner-only, those it makes while running included", { timeout: 60_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cx-local-'));
    mkdirSync(join(dataDir, 'dynamodb'), { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    const exchange = await start({ dataDir, dynamoEndpoint: undefined, tableName: undefined });
    // writes reach the engine's files while it runs
    const onboarded = await exchange.fetch(
      new Request(`${exchange.url}/v1/institutions`, {
        method: 'POST',
        headers: { authorization: 'Bearer local-test-admin-token-0123456789', 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'uni-perms', name: 'University of Permissions', country: 'NL', homepage: 'https://perms.example.edu' }),
      }),
    );
    expect(onboarded.status).toBe(201);
    await running.pop()!.stop();

    const found = modes(dataDir);
    expect(found.some(([name]) => name.startsWith('./dynamodb/') && name.endsWith('.db'))).toBe(true);
    for (const [name, kind, mode] of found) expect([name, mode.toString(8)]).toEqual([name, kind === 'dir' ? '700' : '600']);
  });
});

describe('HTTPS', () => {
  it('serves the API over TLS with the certificate it is given, and builds DIDs on its https URL', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cx-local-'));
    const tls = tlsFromSettings({ CX_TLS: 'self-signed' }, dataDir)!;
    const exchange = await start({ dataDir, tls });
    expect(exchange.url).toMatch(/^https:\/\/localhost:\d+$/);

    // a client that trusts exactly this certificate, as a wallet told to trust it would
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      https
        .get(`${exchange.url}/v1/institutions`, { ca: tls.cert }, (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode!, body }));
        })
        .on('error', reject);
    });
    expect(answer).toEqual({ status: 200, body: JSON.stringify({ items: [] }) });
    expect(exchange.deps.publicUrl).toBe(exchange.url);
  });
});
