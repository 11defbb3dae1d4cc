/**
 * Browser tests: the Chromium of the pinned @sparticuz/chromium package (or CX_CHROMIUM),
 * driven by playwright-core, against a local exchange on a real port, with data set up
 * through the API.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { startLocalExchange, type LocalExchange } from '@cx/local';
import { readEml } from '../support/eml.js';

export { CHROMIUM_ARGS, chromiumExecutable, launchChromium } from './chromium.js';

const ADMIN_TOKEN = `browser-admin-${randomUUID()}`;

export interface BrowserExchange {
  exchange: LocalExchange;
  url: string;
  /** Calls the exchange's API with a key. */
  api(method: string, path: string, options?: { key?: string; body?: unknown }): Promise<{ status: number; body: any }>;
  /** Onboards an institution (with further fields, `defaultLanguage` say) and answers its API key. */
  onboard(id: string, name: string, country?: string, extra?: Record<string, unknown>): Promise<string>;
  stop(): Promise<void>;
}

/** A local exchange on a free port, over a fresh table of the test run's DynamoDB Local. */
export async function startBrowserExchange(): Promise<BrowserExchange> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cx-browser-'));
  const exchange = await startLocalExchange({
    port: 0,
    dataDir,
    dynamoEndpoint: inject('dynamoEndpoint'),
    tableName: `browser-${randomUUID()}`,
    adminToken: ADMIN_TOKEN,
  });
  const api: BrowserExchange['api'] = async (method, path, options = {}) => {
    const response = await fetch(`${exchange.url}${path}`, {
      method,
      headers: { ...(options.key ? { authorization: `Bearer ${options.key}` } : {}), ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    exchange,
    url: exchange.url,
    api,
    onboard: async (id, name, country = 'NL', extra = {}) => {
      const { status, body } = await api('POST', '/v1/institutions', { key: ADMIN_TOKEN, body: { id, name, country, homepage: `https://${id}.example.edu`, ...extra } });
      if (status !== 201) throw new Error(`onboarding ${id} failed: ${status} ${JSON.stringify(body)}`);
      return body.apiKey as string;
    },
    stop: async () => {
      await exchange.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Answers the body of a call that must succeed, or fails with what the exchange said. */
export function expectOk(result: { status: number; body: any }, status = 201): any {
  if (result.status !== status) throw new Error(`expected ${status}, got ${result.status}: ${JSON.stringify(result.body)}`);
  return result.body;
}

/** A notice as read back from the outbox: its recipient and its plain-text part, decoded. */
export interface OutboxMessage {
  file: string;
  to: string;
  text: string;
}

/** Every `.eml` in the outbox, read as test/support/eml.ts reads them: its recipient and plain-text part. */
export function readOutbox(outboxDir: string): OutboxMessage[] {
  if (!existsSync(outboxDir)) return [];
  return readdirSync(outboxDir)
    .filter((name) => name.endsWith('.eml'))
    .map((file) => {
      const { headers, parts } = readEml(join(outboxDir, file));
      const plain = parts.find((part) => part.headers['content-type']?.startsWith('text/plain'))?.body ?? '';
      return { file, to: headers.to ?? '', text: plain };
    });
}

/**
 * Waits for a notice to `to` whose text contains `containing` and answers the first link in
 * it that starts with `prefix` (`/claim/`, `/my?token=`), as a full URL.
 */
export async function linkFromOutbox(exchange: LocalExchange, to: string, prefix: string, containing = ''): Promise<string> {
  const pattern = new RegExp(`${exchange.url.replace(/[.]/g, '\\.')}${prefix.replace(/[?]/g, '\\?')}[\\w-]+`);
  const seen = new Set<string>();
  for (let attempt = 0; attempt < 200; attempt++) {
    for (const message of readOutbox(exchange.outboxDir)) {
      if (message.to !== to || !message.text.includes(containing) || seen.has(message.file)) continue;
      const link = pattern.exec(message.text)?.[0];
      if (link) return link;
      seen.add(message.file);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no notice to ${to} in ${exchange.outboxDir} with a link ${prefix}${containing ? ` mentioning ${containing}` : ''}`);
}
