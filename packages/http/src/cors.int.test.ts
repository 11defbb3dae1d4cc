/** Browser wallets and verifiers on other origins can read the exchange's public answers. */
import { describe, expect, it } from 'vitest';
import { testExchange } from '../../../test/support/exchange.js';

describe('cross-origin access', () => {
  it('answers a preflight for a verify request from any origin', async () => {
    const cx = await testExchange();
    const response = await cx.request('OPTIONS', '/v1/credentials/verify', {
      headers: { origin: 'https://wallet.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')).toContain('content-type');
  });

  it('lets a page on another origin read a DID document and the request id', async () => {
    const cx = await testExchange();
    await cx.onboard('uni-a');
    const response = await cx.request('GET', '/institutions/uni-a/did.json', { headers: { origin: 'https://verifier.example' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-expose-headers')).toContain('x-request-id');
  });

  // what the DCC document loader (verifier-core, the Learner Credential Wallet) sends on each fetch
  const VERIFIER_PREFLIGHT = { origin: 'https://verifierplus.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'cache-control,pragma' };

  it.each([
    ['a DID document', '/institutions/uni-a/did.json'],
    ['a status list', '/status-lists/uni-a/1'],
    ['a context', '/contexts/eu-microcredential/v1.jsonld'],
    ['the issuer registry', '/registry/dcc-legacy.json'],
  ])('answers a browser verifier\'s preflight for %s that sends Cache-Control and Pragma', async (_, path) => {
    const cx = await testExchange();
    const response = await cx.request('OPTIONS', path, { headers: VERIFIER_PREFLIGHT });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toContain('GET');
    const allowed = response.headers.get('access-control-allow-headers')!.split(',').map((name) => name.trim());
    expect(allowed).toEqual(expect.arrayContaining(['cache-control', 'pragma']));
  });

  it('allows any other request header a preflight asks for, and names authorization (which a wildcard never covers)', async () => {
    const cx = await testExchange();
    const response = await cx.request('OPTIONS', '/institutions/uni-a/did.json', {
      headers: { ...VERIFIER_PREFLIGHT, 'access-control-request-headers': 'x-verifier-trace,authorization' },
    });
    expect(response.status).toBe(204);
    const allowed = response.headers.get('access-control-allow-headers')!.split(',').map((name) => name.trim());
    expect(allowed).toEqual(expect.arrayContaining(['*', 'authorization']));
  });
});
