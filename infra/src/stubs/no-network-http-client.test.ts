import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const { httpClient } = require('./no-network-http-client.cjs') as { httpClient: Record<string, (url: string) => Promise<unknown>> };

describe('the HTTP client bundled in place of jsonld’s', () => {
  it('refuses every request, as the exchange fetches no JSON-LD document over the network', async () => {
    for (const method of ['get', 'post', 'head']) {
      await expect(httpClient[method]!('https://www.w3.org/ns/credentials/v2')).rejects.toThrow('fetches no JSON-LD document over the network');
    }
  });
});
