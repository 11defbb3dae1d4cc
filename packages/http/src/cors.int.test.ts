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
});
