import { describe, expect, it } from 'vitest';
import { didDocumentUrl, didWebHost, institutionDid, institutionDidDocument } from './did.js';
import type { InstitutionRecord } from './institution.js';

describe('didWebHost', () => {
  it.each([
    ['https://exchange.example.eu', 'exchange.example.eu'],
    ['https://exchange.example.eu/', 'exchange.example.eu'],
    ['http://localhost:3000', 'localhost%3A3000'],
    ['https://exchange.example.eu:8443', 'exchange.example.eu%3A8443'],
    ['https://example.org/consortium', 'example.org:consortium'],
    ['https://example.org/consortium/exchange/', 'example.org:consortium:exchange'],
    ['https://example.org:8443/consortium', 'example.org%3A8443:consortium'],
  ])('makes %s into %s', (publicUrl, host) => {
    expect(didWebHost(publicUrl)).toBe(host);
  });

  it('leaves out a default port, as URLs do', () => {
    expect(didWebHost('https://exchange.example.eu:443')).toBe('exchange.example.eu');
  });

  it('lower-cases the host', () => {
    expect(didWebHost('https://Exchange.Example.EU')).toBe('exchange.example.eu');
  });
});

describe('institutionDid', () => {
  it('names the institution under the institutions path of the exchange', () => {
    expect(institutionDid('http://localhost:3000', 'uni-a')).toBe('did:web:localhost%3A3000:institutions:uni-a');
  });
});

describe('didDocumentUrl', () => {
  it.each([
    ['did:web:exchange.example.eu:institutions:uni-a', 'https://exchange.example.eu/institutions/uni-a/did.json'],
    ['did:web:exchange.example.eu%3A8443:institutions:uni-a', 'https://exchange.example.eu:8443/institutions/uni-a/did.json'],
    ['did:web:example.org', 'https://example.org/.well-known/did.json'],
    ['did:web:localhost%3A3000:institutions:uni-a', 'http://localhost:3000/institutions/uni-a/did.json'],
    ['did:web:127.0.0.1%3A3000:institutions:uni-a', 'http://127.0.0.1:3000/institutions/uni-a/did.json'],
  ])('resolves %s at %s', (did, url) => {
    expect(didDocumentUrl(did)).toBe(url);
  });

  it.each(['http://localhost:3000', 'https://exchange.example.eu', 'https://example.org:8443/consortium/exchange'])(
    'resolves the DID of an institution of %s to where that exchange serves its DID document',
    (publicUrl) => {
      expect(didDocumentUrl(institutionDid(publicUrl, 'uni-a'))).toBe(`${publicUrl}/institutions/uni-a/did.json`);
    },
  );
});

describe('institutionDidDocument', () => {
  const key = (id: string, status: 'active' | 'retired') => ({
    id,
    keyRef: `local:test/uni-a/${id}`,
    publicKeyMultibase: `z6Mk${id}`,
    status,
    createdAt: '2026-01-01T00:00:00.000Z',
  });
  const institution: InstitutionRecord = {
    id: 'uni-a',
    name: 'University A',
    country: 'NL',
    homepage: 'https://uni-a.example.edu',
    status: 'active',
    keys: [key('key-1', 'retired'), key('key-2', 'active')],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
  const did = 'did:web:exchange.example.eu:institutions:uni-a';

  it('lists every key, retired and active, as a Multikey verification method', () => {
    const document = institutionDidDocument('https://exchange.example.eu', institution);
    expect(document.id).toBe(did);
    expect(document.verificationMethod).toEqual([
      { id: `${did}#key-1`, type: 'Multikey', controller: did, publicKeyMultibase: 'z6Mkkey-1' },
      { id: `${did}#key-2`, type: 'Multikey', controller: did, publicKeyMultibase: 'z6Mkkey-2' },
    ]);
  });

  it('lets every key make assertions, so credentials signed before a rotation still verify', () => {
    expect(institutionDidDocument('https://exchange.example.eu', institution).assertionMethod).toEqual([`${did}#key-1`, `${did}#key-2`]);
  });

  it('lets only the active key authenticate', () => {
    expect(institutionDidDocument('https://exchange.example.eu', institution).authentication).toEqual([`${did}#key-2`]);
  });

  it('uses the DID and Multikey contexts', () => {
    expect(institutionDidDocument('https://exchange.example.eu', institution)['@context']).toEqual([
      'https://www.w3.org/ns/did/v1',
      'https://w3id.org/security/multikey/v1',
    ]);
  });

  it('never shows the key vault reference', () => {
    expect(JSON.stringify(institutionDidDocument('https://exchange.example.eu', institution))).not.toContain('local:');
  });
});
