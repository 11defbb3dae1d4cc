import { describe, expect, it, vi } from 'vitest';
import { didDocumentUrl, type DidDocument } from '@cx/domain';
import {
  DATA_INTEGRITY_V2_CONTEXT_URL,
  MULTIKEY_V1_CONTEXT_URL,
  OB_V3_CONTEXT_URL,
  STATUS_LIST_V1_CONTEXT_URL,
  VC_EXAMPLES_V2_CONTEXT_URL,
  VC_V2_CONTEXT_URL,
} from './contexts.js';
import { createDocumentLoader, httpDidWebResolver, UnknownDocumentError } from './document-loader.js';
import { EU_MICROCREDENTIAL_CONTEXT_V1, euContextUrl } from './eu-microcredential-context.js';

const PUBLIC_URL = 'http://localhost:3000';
const DID = 'did:web:localhost%3A3000:institutions:uni-leiden';
const didDocument: DidDocument = {
  '@context': ['https://www.w3.org/ns/did/v1', MULTIKEY_V1_CONTEXT_URL],
  id: DID,
  verificationMethod: [
    { id: `${DID}#key-1`, type: 'Multikey', controller: DID, publicKeyMultibase: 'z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' },
    { id: `${DID}#key-2`, type: 'Multikey', controller: DID, publicKeyMultibase: 'z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp' },
  ],
  assertionMethod: [`${DID}#key-1`, `${DID}#key-2`],
  authentication: [`${DID}#key-2`],
};

function loader(resolveDid = vi.fn(async (did: string) => (did === DID ? didDocument : Promise.reject(new Error('unknown DID'))))) {
  return { load: createDocumentLoader({ publicUrl: PUBLIC_URL, resolveDid }), resolveDid };
}

describe('createDocumentLoader', () => {
  it.each([VC_V2_CONTEXT_URL, OB_V3_CONTEXT_URL, DATA_INTEGRITY_V2_CONTEXT_URL, MULTIKEY_V1_CONTEXT_URL, STATUS_LIST_V1_CONTEXT_URL])(
    'serves %s from the bundled packages',
    async (url) => {
      const { document, documentUrl } = await loader().load(url);
      expect(documentUrl).toBe(url);
      expect(document).toHaveProperty('@context');
    },
  );

  it('defines the Bitstring Status List terms in the VC v2 context itself', async () => {
    const { document } = await loader().load(VC_V2_CONTEXT_URL);
    expect(Object.keys((document as { '@context': object })['@context'])).toEqual(
      expect.arrayContaining(['BitstringStatusListCredential', 'BitstringStatusList', 'BitstringStatusListEntry']),
    );
  });

  it('serves the EU context under the public URL', async () => {
    expect((await loader().load(euContextUrl(PUBLIC_URL))).document).toBe(EU_MICROCREDENTIAL_CONTEXT_V1);
  });

  it('resolves a did:web DID to its DID document through the resolver', async () => {
    const { load, resolveDid } = loader();
    expect((await load(DID)).document).toEqual(didDocument);
    expect(resolveDid).toHaveBeenCalledWith(DID);
  });

  it('answers a key URL with a Multikey document carrying its context and controller', async () => {
    expect((await loader().load(`${DID}#key-1`)).document).toEqual({
      '@context': MULTIKEY_V1_CONTEXT_URL,
      id: `${DID}#key-1`,
      type: 'Multikey',
      controller: DID,
      publicKeyMultibase: 'z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
    });
  });

  it('serves the W3C examples v2 context, vendored', async () => {
    expect((await loader().load(VC_EXAMPLES_V2_CONTEXT_URL)).document).toEqual({ '@context': { '@vocab': 'https://www.w3.org/ns/credentials/examples#' } });
  });

  it('resolves an Ed25519 did:key DID and its key URL locally, asking no resolver', async () => {
    const { load, resolveDid } = loader();
    const did = 'did:key:z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj';
    const keyUrl = `${did}#z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj`;
    expect((await load(did)).document).toMatchObject({ id: did, assertionMethod: [keyUrl], authentication: [keyUrl] });
    expect((await load(keyUrl)).document).toEqual({
      '@context': MULTIKEY_V1_CONTEXT_URL,
      id: keyUrl,
      type: 'Multikey',
      controller: did,
      publicKeyMultibase: 'z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj',
    });
    expect(resolveDid).not.toHaveBeenCalled();
  });

  it('refuses a did:key key URL naming another key', async () => {
    const did = 'did:key:z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj';
    await expect(loader().load(`${did}#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK`)).rejects.toThrow(/lists no verification method/);
  });

  it('refuses a key the DID document does not list', async () => {
    await expect(loader().load(`${DID}#key-9`)).rejects.toThrow(/lists no verification method/);
  });

  it('refuses a DID document that belongs to another DID', async () => {
    const { load } = loader(vi.fn(async () => ({ ...didDocument, id: 'did:web:evil.example' })));
    await expect(load(DID)).rejects.toThrow(/not that DID's document/);
  });

  it.each(['https://example.org/context.jsonld', 'https://www.w3.org/ns/credentials/v3', 'did:example:123', 'did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme'])(
    'refuses %s without resolving anything',
    async (url) => {
      const { load, resolveDid } = loader();
      await expect(load(url)).rejects.toBeInstanceOf(UnknownDocumentError);
      expect(resolveDid).not.toHaveBeenCalled();
    },
  );
});

describe('httpDidWebResolver', () => {
  const answer = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  it('fetches the did.json the did:web method names, refusing redirects', async () => {
    const fetchSpy = vi.fn(async (_url: string | URL | Request, _init?: RequestInit) => answer(didDocument));
    expect(await httpDidWebResolver(fetchSpy as typeof fetch)(DID)).toEqual(didDocument);
    expect(fetchSpy.mock.calls[0]![0]).toBe(didDocumentUrl(DID));
    expect(fetchSpy.mock.calls[0]![0]).toBe('http://localhost:3000/institutions/uni-leiden/did.json');
    expect(fetchSpy.mock.calls[0]![1]).toMatchObject({ redirect: 'error' });
  });

  it('refuses an answer that is another DID document', async () => {
    const resolve = httpDidWebResolver((async () => answer({ ...didDocument, id: 'did:web:evil.example' })) as typeof fetch);
    await expect(resolve(DID)).rejects.toThrow(/did not answer the DID document/);
  });

  it('refuses a DID document with a __proto__ member, or nested too deep', async () => {
    const text = JSON.stringify(didDocument).replace('{', '{"__proto__":{"x":1},');
    const proto = httpDidWebResolver((async () => new Response(text, { status: 200 })) as typeof fetch);
    await expect(proto(DID)).rejects.toThrow(/__proto__/);
    const deep = httpDidWebResolver((async () => answer({ ...didDocument, service: JSON.parse('['.repeat(100) + ']'.repeat(100)) })) as typeof fetch);
    await expect(deep(DID)).rejects.toThrow(/nested/);
  });

  it('refuses an error status', async () => {
    const resolve = httpDidWebResolver((async () => answer({ title: 'Not Found' }, 404)) as typeof fetch);
    await expect(resolve(DID)).rejects.toThrow(/answered 404/);
  });
});
