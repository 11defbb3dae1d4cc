/**
 * POST /v1/credentials/verify and the VC API's POST /vc-api/credentials/verify: every check
 * named, tampering and foreign issuers caught, and anything that is not a credential answered
 * with 400 or `verified: false`, never a 500.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { createDocumentLoader, decodeList, encodeList, signCredential } from '@cx/credentials';
import { ed25519ToMultibase, type Clock } from '@cx/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { expectProblem } from '../../../test/support/problem.js';
import { componentBody } from '../../catalogue/src/fixtures.js';
import { issueBody } from '../../credentials/src/fixtures.js';

type Json = Record<string, any>;

/** A clock the tests move forward, to see credentials expire. */
let now = Date.parse('2026-03-01T12:00:00Z');
const clock: Clock = { now: () => new Date(now) };

let cx: TestExchange;
let key: string;
let credential: Json;

beforeAll(async () => {
  cx = await testExchange({ clock });
  key = (await cx.onboard('uni-a')).apiKey;
  expect((await cx.request('PUT', '/v1/institutions/uni-a/components/ML-1', { key, body: componentBody() })).status).toBe(201);
  ({ credential } = await issue());
});

async function issue(body: unknown = issueBody()): Promise<{ id: string; credential: Json }> {
  const response = await cx.request('POST', '/v1/institutions/uni-a/credentials', { key, body });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as { id: string; credential: Json };
}

async function verify(verifiableCredential: unknown, path = '/v1/credentials/verify'): Promise<{ status: number; body: Json }> {
  const response = await cx.request('POST', path, { body: { verifiableCredential } });
  expect(response.status).toBeLessThan(500);
  return { status: response.status, body: (await response.json()) as Json };
}

const check = (result: Json, name: string) => result.checks.find((c: Json) => c.check === name);

/** `credential` with one field changed, by a path like `credentialSubject.achievement.ectsCredits`. */
function tampered(path: string, value: unknown): Json {
  const copy = structuredClone(credential);
  const parts = path.split('.');
  let node: any = copy;
  for (const part of parts.slice(0, -1)) node = node[part];
  node[parts.at(-1)!] = value;
  return copy;
}

describe('a credential the exchange issued', () => {
  it('verifies, with every check named and passing', async () => {
    const { status, body } = await verify(credential);
    expect(status).toBe(200);
    expect(body).toMatchObject({ verified: true, errors: [], warnings: [] });
    expect(body.checks.map((c: Json) => c.check).sort()).toEqual(['issuer-member', 'proof', 'revocation', 'schema', 'suspension', 'validity-period']);
    expect(body.checks.every((c: Json) => c.ok)).toBe(true);
    expect(check(body, 'proof').detail).toContain('did:web:exchange.test%3A8080:institutions:uni-a#key-1');
  });

  it('names the issuer as the member list has it', async () => {
    const { body } = await verify(credential);
    expect(body.issuer).toEqual({ id: 'uni-a', name: 'University uni-a', did: 'did:web:exchange.test%3A8080:institutions:uni-a', status: 'active' });
  });
});

describe('tampering', () => {
  const CHANGES: Array<[string, unknown]> = [
    ['issuer.name', 'University of Elsewhere'],
    ['credentialSubject.achievement.ectsCredits', 60],
    ['credentialSubject.achievement.eqfLevel', 8],
    ['credentialSubject.achievement.name', 'Advanced Machine Learning'],
    ['validFrom', '2020-01-01T00:00:00Z'],
    ['credentialSubject.identifier.1.identityHash', `sha256$${'0'.repeat(64)}`],
    ['credentialStatus.statusListIndex', '1'],
  ];

  it.each(CHANGES)('of %s fails the proof check', async (path, value) => {
    const { status, body } = await verify(tampered(path, value));
    expect(status).toBe(200);
    expect(body.verified).toBe(false);
    expect(check(body, 'proof')).toMatchObject({ ok: false, detail: expect.any(String) });
  });

  it('of the proof value fails the proof check', async () => {
    const value: string = credential.proof[0].proofValue;
    const flipped = value.slice(0, 10) + (value[10] === 'A' ? 'B' : 'A') + value.slice(11);
    const { body } = await verify(tampered('proof.0.proofValue', flipped));
    expect(body.verified).toBe(false);
    expect(check(body, 'proof').ok).toBe(false);
  });

  it('by naming a key the DID document does not list fails the proof check', async () => {
    const { body } = await verify(tampered('proof.0.verificationMethod', 'did:web:exchange.test%3A8080:institutions:uni-a#key-9'));
    expect(check(body, 'proof').ok).toBe(false);
  });

  it('by removing the proof fails the schema and proof checks', async () => {
    const copy = structuredClone(credential);
    delete copy.proof;
    const { body } = await verify(copy);
    expect(body.verified).toBe(false);
    expect(check(body, 'schema').ok).toBe(false);
    expect(check(body, 'proof').ok).toBe(false);
  });
});

describe('a foreign issuer', () => {
  it('claimed in a member’s credential (did:web:evil.example) fails the proof and membership checks', async () => {
    const { status, body } = await verify(tampered('issuer.id', 'did:web:evil.example'));
    expect(status).toBe(200);
    expect(body.verified).toBe(false);
    expect(check(body, 'proof').ok).toBe(false);
    expect(check(body, 'issuer-member')).toMatchObject({ ok: false, detail: expect.stringContaining('did:web:evil.example') });
    expect(body.issuer).toBeUndefined();
  });

  it('with its own valid signature is not verified: it is no member', async () => {
    const evil = 'did:web:evil.example';
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const raw = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(-32));
    const method = { id: `${evil}#key-1`, type: 'Multikey' as const, controller: evil, publicKeyMultibase: ed25519ToMultibase(raw) };
    const documentLoader = createDocumentLoader({
      publicUrl: 'http://exchange.test:8080',
      resolveDid: async () => ({
        '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
        id: evil,
        verificationMethod: [method],
        assertionMethod: [method.id],
        authentication: [method.id],
      }),
    });
    const { proof: _proof, ...unsigned } = tampered('issuer.id', evil);
    const forged = await signCredential(unsigned, {
      documentLoader,
      signer: { id: method.id, algorithm: 'Ed25519', sign: async ({ data }) => new Uint8Array(sign(null, data, privateKey)) },
    });
    const { body } = await verify(forged);
    expect(body.verified).toBe(false);
    expect(check(body, 'issuer-member').ok).toBe(false);
    expect(check(body, 'proof').ok).toBe(false);
    // its status entries point at uni-a's lists, which are not the issuer's
    expect(check(body, 'revocation').ok).toBe(false);
  });
});

describe('anything that is not a credential', () => {
  const NOT_OBJECTS: Array<[string, unknown]> = [
    ['a string', 'eyJhbGciOiJFZERTQSJ9.e30.c2ln'],
    ['a number', 42],
    ['null', null],
    ['an array', [{ '@context': ['https://www.w3.org/ns/credentials/v2'] }]],
    ['true', true],
  ];

  it.each(NOT_OBJECTS)('(%s) answers 400 naming verifiableCredential', async (_name, value) => {
    const response = await cx.request('POST', '/v1/credentials/verify', { body: { verifiableCredential: value } });
    const problem = await expectProblem(response, 400);
    expect(problem.errors?.map((e) => e.field)).toEqual(['verifiableCredential']);
  });

  it('(no verifiableCredential at all) answers 400', async () => {
    await expectProblem(await cx.request('POST', '/v1/credentials/verify', { body: {} }), 400);
  });

  it('(a body that is not JSON) answers 400', async () => {
    await expectProblem(await cx.request('POST', '/v1/credentials/verify', { body: '{"verifiableCredential": ' }), 400);
  });

  it('(an unknown field beside it) answers 400 naming the field', async () => {
    const response = await cx.request('POST', '/v1/credentials/verify', { body: { verifiableCredential: credential, extra: 1 } });
    expect((await expectProblem(response, 400)).errors?.map((e) => e.field)).toEqual(['extra']);
  });

  it('(an empty object) is not verified: the schema and proof checks fail', async () => {
    const { status, body } = await verify({});
    expect(status).toBe(200);
    expect(body.verified).toBe(false);
    expect(check(body, 'schema').ok).toBe(false);
    expect(check(body, 'proof').ok).toBe(false);
    expect(check(body, 'issuer-member').ok).toBe(false);
  });

  const ODD = [
    'a proof that is a string',
    'an unknown context URL',
    'a context that is a number',
    'a status entry with a huge index',
    'a status entry pointing elsewhere',
    'an issuer that is a number',
    'an issuer object whose id is a number',
    'a status entry that is not an object',
  ];

  it.each(ODD)('(%s) is answered with verified: false, never a 500', async (name) => {
    const odd = structuredClone(credential);
    switch (name) {
      case 'a proof that is a string':
        odd.proof = 'signed';
        break;
      case 'an unknown context URL':
        odd['@context'] = [...odd['@context'], 'https://evil.example/context.jsonld'];
        break;
      case 'a context that is a number':
        odd['@context'] = [odd['@context'][0], 7];
        break;
      case 'a status entry with a huge index':
        odd.credentialStatus.statusListIndex = '99999999999999999999';
        break;
      case 'a status entry pointing elsewhere':
        odd.credentialStatus.statusListCredential = 'https://evil.example/status/1';
        break;
      case 'an issuer that is a number':
        odd.issuer = 12;
        break;
      case 'an issuer object whose id is a number':
        odd.issuer = { id: 5, type: ['Profile'], name: 'Five' };
        break;
      case 'a status entry that is not an object':
        odd.credentialStatus = [null, 'revoked', 3];
        break;
    }
    const { status, body } = await verify(odd);
    expect(status).toBe(200);
    expect(body.verified).toBe(false);
    expect(body.errors.length).toBeGreaterThan(0);
  });

  it('(a deeply nested subject) answers 400 naming where it is too deep, before any check runs', async () => {
    const odd = structuredClone(credential);
    let deep: Json = {};
    odd.credentialSubject = deep;
    for (let i = 0; i < 500; i++) deep = deep.next = {};
    const response = await cx.request('POST', '/v1/credentials/verify', { body: { verifiableCredential: odd } });
    const problem = await expectProblem(response, 400);
    expect(problem.errors?.[0]?.field).toMatch(/^verifiableCredential\.credentialSubject(\.next)+$/);
  });
});

describe('status and validity', () => {
  it('a revoked credential fails the revocation check only', async () => {
    const { id, credential: revoked } = await issue();
    await cx.request('POST', `/v1/institutions/uni-a/credentials/${id}/status`, { key, body: { status: 'revoked', reason: 'fraud' } });
    const { body } = await verify(revoked);
    expect(body.verified).toBe(false);
    expect(body.checks.filter((c: Json) => !c.ok)).toEqual([{ check: 'revocation', ok: false, detail: 'the credential has been revoked' }]);
  });

  it('an expired credential fails the validity-period check only', async () => {
    const { credential: expiring } = await issue(issueBody({ validUntil: new Date(now + 24 * 3600_000).toISOString() }));
    expect((await verify(expiring)).body.verified).toBe(true);
    now += 2 * 24 * 3600_000;
    const { body } = await verify(expiring);
    expect(body.verified).toBe(false);
    expect(body.checks.filter((c: Json) => !c.ok)).toEqual([{ check: 'validity-period', ok: false, detail: `expired at ${expiring.validUntil}` }]);
  });

  it('a credential of a suspended member still verifies, with a warning', async () => {
    const { apiKey } = await cx.onboard('uni-w');
    await cx.request('PUT', '/v1/institutions/uni-w/components/ML-1', { key: apiKey, body: componentBody() });
    const response = await cx.request('POST', '/v1/institutions/uni-w/credentials', { key: apiKey, body: issueBody() });
    const { credential: before } = (await response.json()) as Json;
    expect((await cx.request('POST', '/v1/institutions/uni-w/suspend', { key: cx.adminKey })).status).toBe(200);
    const { body } = await verify(before);
    expect(body.verified).toBe(true);
    expect(body.warnings.join(' ')).toMatch(/suspended/);
  });
});

describe('a status list that cannot be read or trusted', () => {
  /** A fresh member's credential, so changing its list touches no other test's. */
  async function credentialOfNewMember(id: string): Promise<{ credential: Json; entry: Json; listId: string }> {
    const { apiKey } = await cx.onboard(id);
    expect((await cx.request('PUT', `/v1/institutions/${id}/components/ML-1`, { key: apiKey, body: componentBody() })).status).toBe(201);
    const response = await cx.request('POST', `/v1/institutions/${id}/credentials`, { key: apiKey, body: issueBody() });
    const { credential: issued } = (await response.json()) as Json;
    const entry = issued.credentialStatus as Json;
    return { credential: issued, entry, listId: String(entry.statusListCredential).split('/').at(-1)! };
  }

  const statusChecks = (body: Json) => body.checks.filter((c: Json) => c.check === 'revocation' || c.check === 'suspension');

  it('whose signature no longer verifies fails both status checks as not checked, never as revoked', async () => {
    const { credential: held, listId } = await credentialOfNewMember('uni-s1');
    const stored = (await cx.deps.store.statusLists.get('uni-s1', listId, true))!;
    // every entry of the list set to 11 ("revoked" in any reading), the proof left as it was
    const forged = structuredClone(stored);
    (forged.credential.credentialSubject as Json).encodedList = encodeList(new Uint8Array(decodeList((stored.credential.credentialSubject as Json).encodedList).length).fill(0xff));
    await cx.deps.store.commit([cx.deps.store.statusLists.put(forged, stored.revision)]);

    const { body } = await verify(held);

    expect(body.verified).toBe(false);
    expect(check(body, 'proof').ok).toBe(true);
    for (const c of statusChecks(body)) {
      expect(c).toMatchObject({ ok: false, outcome: 'not-checked', detail: expect.stringMatching(/^the status list's signature does not verify/) });
    }
    expect(body.errors.join(' ')).not.toMatch(/revoked|suspended/);
  });

  it('that is not published fails the status check as not checked, naming the list', async () => {
    const { credential: held, entry } = await credentialOfNewMember('uni-s2');
    const missing = String(entry.statusListCredential).replace(/message-\d+$/, 'message-7');

    const { body } = await verify({ ...held, credentialStatus: { ...entry, statusListCredential: missing } });

    expect(check(body, 'revocation')).toEqual({ check: 'revocation', ok: false, outcome: 'not-checked', detail: `no status list is published at ${missing}` });
  });

  it('of another purpose than the entry names fails the status check as not checked', async () => {
    const { credential: held, entry } = await credentialOfNewMember('uni-s3');
    // an entry as credentials issued before carried, pointing at the member's message list
    const revocationEntry = { ...entry, statusPurpose: 'revocation', statusSize: undefined, statusMessages: undefined };

    const { body } = await verify({ ...held, credentialStatus: [revocationEntry] });

    expect(check(body, 'revocation')).toEqual({
      check: 'revocation',
      ok: false,
      outcome: 'not-checked',
      detail: "the revocation status entry names a revocation list, but the list's purpose is message",
    });
  });

  it('of another issuer fails the status check as not checked', async () => {
    const { credential: held } = await credentialOfNewMember('uni-s4');
    const { entry: foreignEntry } = await credentialOfNewMember('uni-s5');

    const { body } = await verify({ ...held, credentialStatus: foreignEntry });

    expect(check(body, 'revocation')).toEqual({ check: 'revocation', ok: false, outcome: 'not-checked', detail: "the revocation list is not one of the issuer's lists on this exchange" });
  });
});

describe('POST /vc-api/credentials/verify', () => {
  it('answers 200 with verified: true for a good credential', async () => {
    const { status, body } = await verify(credential, '/vc-api/credentials/verify');
    expect(status).toBe(200);
    expect(body).toMatchObject({ verified: true, errors: [] });
  });

  it('answers 400 with verified: false and the errors for a tampered one', async () => {
    const { status, body } = await verify(tampered('credentialSubject.achievement.eqfLevel', 8), '/vc-api/credentials/verify');
    expect(status).toBe(400);
    expect(body.verified).toBe(false);
    expect(body.errors).toEqual([expect.stringMatching(/^proof: /)]);
  });

  it('takes options beside the credential', async () => {
    const response = await cx.request('POST', '/vc-api/credentials/verify', { body: { verifiableCredential: credential, options: { checks: ['proof'] } } });
    expect(response.status).toBe(200);
  });

  it('answers 400 for something that is not a credential', async () => {
    await expectProblem(await cx.request('POST', '/vc-api/credentials/verify', { body: { verifiableCredential: 'not a credential' } }), 400);
  });
});

describe('GET /contexts/eu-microcredential/v1.jsonld', () => {
  it('serves the EU context older credentials name, as JSON-LD, cacheable, with the definitions new ones embed', async () => {
    const response = await cx.request('GET', '/contexts/eu-microcredential/v1.jsonld');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/ld+json');
    expect(response.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const context = (await response.json()) as Json;
    expect(context['@context']).toMatchObject({ ectsCredits: expect.anything(), eqfLevel: expect.anything() });
    expect(credential['@context']).toContainEqual(context['@context']);
  });
});
