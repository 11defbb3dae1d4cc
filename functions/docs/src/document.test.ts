import { describe, expect, it } from 'vitest';
import { openApiDocument } from './document.js';
import { withServer } from './site.js';

describe('the OpenAPI document', () => {
  it('does not depend on the address the apps are built with, so the one built when bundling serves every deployment', () => {
    expect(openApiDocument('https://one.example.eu')).toEqual(openApiDocument('https://other.example.org'));
  });

  it('names the public URL it is served at as its one server, in the place the merged document has it', () => {
    const served = withServer(openApiDocument(), 'https://exchange.example.eu');

    expect(Object.keys(served).slice(0, 3)).toEqual(['openapi', 'info', 'servers']);
    expect(served.servers).toEqual([{ url: 'https://exchange.example.eu' }]);
  });

  it('names no server when the public URL is not known', () => {
    expect(JSON.parse(JSON.stringify(withServer(openApiDocument(), '')))).not.toHaveProperty('servers');
  });
});
