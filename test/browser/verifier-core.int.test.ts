/**
 * The Digital Credentials Consortium's verifier (@digitalcredentials/verifier-core) in headless
 * Chromium, bundled for the browser by esbuild, on a page of another origin (as VerifierPlus or a
 * web wallet is) checking credentials of the local exchange over HTTPS: every fetch it makes (DID
 * documents, status lists, contexts, the registry) is a cross-origin request, preflighted where it
 * sends Cache-Control and Pragma.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerifierCoreOutcome } from '../interop/verifier-core-checks.js';
import { KINDS, startWalletExchange, type WalletExchange } from '../interop/wallet-credentials.js';
import { launchChromium } from './support.js';
import type { VerifierCorePage } from './verifier-core-page.js';

let wallet: WalletExchange;
/**
 * The verifier's own origin (http://127.0.0.1:<port>, a secure context): another origin than the
 * exchange's, on loopback like it, since Chromium keeps pages of public origins from loopback.
 */
let verifierSite: Server;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** What the page asked the exchange for, and what the browser refused. */
const requested: string[] = [];
const failed: string[] = [];
const consoleErrors: string[] = [];
const outcomes: Record<string, VerifierCoreOutcome> = {};

async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: [new URL('./verifier-core-page.ts', import.meta.url).pathname],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

beforeAll(async () => {
  const [script] = await Promise.all([bundle(), startWalletExchange().then((started) => (wallet = started))]);
  browser = await launchChromium();
  // the exchange's certificate is self-signed: the browser is told to accept it, as a developer would
  context = await browser.newContext({ ignoreHTTPSErrors: true });
  verifierSite = createServer((request, response) => {
    if (request.url === '/verifier-core.js') return response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    response.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><title>verifier</title><script src="/verifier-core.js"></script>');
  });
  await new Promise<void>((listening) => verifierSite.listen(0, '127.0.0.1', listening));
  page = await context.newPage();
  page.on('request', (request) => request.url().startsWith(wallet.exchange.url) && requested.push(`${request.method()} ${request.url()}`));
  page.on('requestfailed', (request) => failed.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText}`));
  page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
  await page.goto(`http://127.0.0.1:${(verifierSite.address() as AddressInfo).port}/`);
  await page.waitForFunction(() => typeof (globalThis as unknown as Partial<VerifierCorePage>).verifyWithVerifierCore === 'function');

  const names = Object.keys(wallet.credentials) as Array<keyof WalletExchange['credentials']>;
  const answers = await page.evaluate(
    ([credentials, registryUrl]) => (globalThis as unknown as VerifierCorePage).verifyWithVerifierCore(credentials, registryUrl),
    [names.map((name) => wallet.credentials[name]), wallet.registryUrl] as const,
  );
  names.forEach((name, i) => (outcomes[name] = answers[i]!));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  verifierSite?.close();
  await wallet?.stop();
});

/** The outcome, with what the browser saw, for failure messages. */
const shown = (outcome: VerifierCoreOutcome) => JSON.stringify({ outcome, failed, consoleErrors: consoleErrors.slice(0, 5) });
const statusSteps = (outcome: VerifierCoreOutcome) => Object.entries(outcome.steps).filter(([id]) => id.endsWith('_status'));

describe('verifier-core in Chromium', () => {
  it.each(KINDS)('verifies a %s: valid signature, not expired, not revoked, issuer registered', (kind) => {
    const outcome = outcomes[kind]!;
    expect(outcome.errors, shown(outcome)).toEqual([]);
    expect(outcome.steps, shown(outcome)).toMatchObject({ valid_signature: true, expiration: true, registered_issuer: true });
    if (kind !== 'recognition record') expect(statusSteps(outcome).length, shown(outcome)).toBeGreaterThan(0);
    expect(statusSteps(outcome).filter(([, valid]) => !valid), shown(outcome)).toEqual([]);
    expect(outcome.registries).toEqual(['Consortium exchange members']);
  });

  it('verifies a credential naming the EU context by its URL, as those issued before it was embedded do (the exchange serves it)', () => {
    const outcome = outcomes['context by URL']!;
    expect(outcome.errors, JSON.stringify(outcome)).toEqual([]);
    expect(outcome.steps, JSON.stringify(outcome)).toMatchObject({ valid_signature: true, expiration: true, registered_issuer: true });
  });

  it.each(['revoked', 'suspended'] as const)('reports a %s credential as not valid in its status, with a valid signature', (kind) => {
    const outcome = outcomes[kind]!;
    expect(outcome.errors, shown(outcome)).toEqual([]);
    expect(outcome.steps.valid_signature, shown(outcome)).toBe(true);
    expect(statusSteps(outcome).filter(([, valid]) => !valid).length, shown(outcome)).toBeGreaterThan(0);
    expect(outcome.stepErrors, shown(outcome)).toEqual({});
  });

  it('fetched the DID documents, status lists and registry from the exchange across origins, none refused', () => {
    // (its optional schema check also fetches 1EdTech's OB 3.0 JSON schema, which this closed network cannot reach)
    expect(failed.filter((line) => line.includes(wallet.exchange.url))).toEqual([]);
    const paths = requested.map((line) => line.replace(wallet.exchange.url, ''));
    // the context only for the credential that names it by URL
    expect(paths).toEqual(expect.arrayContaining(['GET /institutions/uni-a/did.json', 'GET /registry/dcc-legacy.json', 'GET /contexts/eu-microcredential/v1.jsonld']));
    expect(paths.some((path) => path.startsWith('GET /status-lists/uni-a/'))).toBe(true);
  });

  it('reports a status list it cannot load as a failed status check with its reason, not as revoked or as fine', async () => {
    await page.route(`${wallet.exchange.url}/status-lists/**`, (route) => route.abort('connectionrefused'));
    try {
      const credentials = [wallet.credentials.component];
      const [outcome] = await page.evaluate(
        ([list, registryUrl]) => (globalThis as unknown as VerifierCorePage).verifyWithVerifierCore(list, registryUrl),
        [credentials, wallet.registryUrl] as const,
      );
      expect(outcome!.steps.valid_signature, shown(outcome!)).toBe(true);
      expect(outcome!.steps.revocation_status, shown(outcome!)).toBe(false);
      expect(outcome!.stepErrors.revocation_status, shown(outcome!)).toMatch(/^status_list_/);
    } finally {
      await page.unroute(`${wallet.exchange.url}/status-lists/**`);
    }
  });

  it("verifies every kind with the exchange's context URLs unreachable: the credentials carry their contexts inline", async () => {
    await page.route(`${wallet.exchange.url}/contexts/**`, (route) => route.abort('connectionrefused'));
    try {
      const credentials = KINDS.map((kind) => wallet.credentials[kind]);
      const answers = await page.evaluate(
        ([list, registryUrl]) => (globalThis as unknown as VerifierCorePage).verifyWithVerifierCore(list, registryUrl),
        [credentials, wallet.registryUrl] as const,
      );
      for (const outcome of answers) {
        expect(outcome.errors, shown(outcome)).toEqual([]);
        expect(outcome.steps, shown(outcome)).toMatchObject({ valid_signature: true, registered_issuer: true });
      }
    } finally {
      await page.unroute(`${wallet.exchange.url}/contexts/**`);
    }
  });
});
