/**
 * The VC API's issue endpoint, POST /vc-api/institutions/{id}/credentials/issue: it signs a
 * credential the caller composed, only as the institution's own DID, and what it signs
 * verifies.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tableSnapshot } from '../../../test/support/dynamo.js';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { expectProblem, fieldsOf } from '../../../test/support/problem.js';

type Json = Record<string, any>;

let cx: TestExchange;
const key: Record<string, string> = {};
const didOf = (id: string) => `did:web:exchange.test%3A8080:institutions:${id}`;

beforeAll(async () => {
  cx = await testExchange();
  for (const id of ['uni-a', 'uni-b', 'uni-s']) key[id] = (await cx.onboard(id)).apiKey;
  expect((await cx.request('POST', '/v1/institutions/uni-s/suspend', { key: cx.adminKey })).status).toBe(200);
});

function composed(issuer: unknown = didOf('uni-a'), extra: Json = {}): Json {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
    id: 'urn:uuid:5b1c9f3e-8d0a-4c2b-9e7f-1a2b3c4d5e6f',
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer,
    validFrom: '2026-01-01T00:00:00Z',
    name: 'Conference volunteer',
    credentialSubject: {
      id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
      type: ['AchievementSubject'],
      achievement: {
        id: 'https://uni-a.example.edu/achievements/volunteer',
        type: ['Achievement'],
        name: 'Conference volunteer',
        description: 'Helped run the annual conference.',
        criteria: { narrative: 'Two days of volunteering.' },
      },
    },
    ...extra,
  };
}

async function issue(credential: unknown, institution = 'uni-a', body?: Json): Promise<Response> {
  return cx.request('POST', `/vc-api/institutions/${institution}/credentials/issue`, { key: key[institution], body: body ?? { credential } });
}

/** Sends an issue request that must be refused and checks the table did not change. */
async function refused(credential: unknown, status: number, institution = 'uni-a') {
  const before = await tableSnapshot(cx.deps.store);
  const problem = await expectProblem(await issue(credential, institution), status);
  expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  return problem;
}

describe('signing', () => {
  it('answers 201 with the credential as composed plus an eddsa-rdfc-2022 proof by the institution’s key', async () => {
    const credential = composed();
    const response = await issue(credential);
    expect(response.status).toBe(201);
    const { verifiableCredential } = (await response.json()) as Json;
    const { proof, ...rest } = verifiableCredential;
    expect(rest).toEqual(credential);
    expect(proof).toMatchObject({ type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', proofPurpose: 'assertionMethod', verificationMethod: `${didOf('uni-a')}#key-1` });
  });

  it('takes the issuer as an object with the DID as id, and options', async () => {
    const response = await issue(undefined, 'uni-a', { credential: composed({ id: didOf('uni-a'), type: ['Profile'], name: 'University uni-a' }), options: { created: '2026-01-01T00:00:00Z' } });
    expect(response.status).toBe(201);
  });

  it('records in the audit log that it signed a composed credential, and who asked', async () => {
    const credential = composed(didOf('uni-a'), { id: 'urn:uuid:0e7d1c55-2f0b-4a53-9d55-6f8f5a1f0a01' });
    expect((await issue(credential)).status).toBe(201);
    const audit = (await (await cx.request('GET', '/v1/audit?institution=uni-a', { key: cx.adminKey })).json()) as Json;
    const entry = audit.items.find((item: Json) => item.target === `institutions/uni-a/vc-api/credentials/${credential.id}`);
    expect(entry).toMatchObject({ action: 'credential.sign-composed', actor: { kind: 'institution', id: 'uni-a' } });
  });

  it('signs what then verifies through the VC API', async () => {
    const { verifiableCredential } = (await (await issue(composed())).json()) as Json;
    const response = await cx.request('POST', '/vc-api/credentials/verify', { body: { verifiableCredential } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ verified: true });
  });

  it('signs a plain VC 2.0 credential too', async () => {
    const plain = { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential'], issuer: didOf('uni-a'), credentialSubject: { id: 'did:example:holder' } };
    const response = await issue(plain);
    expect(response.status).toBe(201);
  });
});

describe('refusals', () => {
  it('refuses a credential whose issuer is another member’s DID: 400 naming credential.issuer', async () => {
    const problem = await refused(composed(didOf('uni-b')), 400);
    expect(fieldsOf(problem)).toEqual(['credential.issuer']);
  });

  it('refuses a credential whose issuer is a foreign DID: 400 naming credential.issuer', async () => {
    expect(fieldsOf(await refused(composed('did:web:evil.example'), 400))).toEqual(['credential.issuer']);
    expect(fieldsOf(await refused(composed({ id: 'did:web:evil.example', type: ['Profile'], name: 'Evil' }), 400))).toEqual(['credential.issuer']);
  });

  it('refuses a credential with no issuer: 400', async () => {
    const { issuer: _issuer, ...noIssuer } = composed();
    await refused(noIssuer, 400);
  });

  it('refuses something that is not a VC 2.0 credential: 400', async () => {
    await refused({ ...composed(), '@context': ['https://www.w3.org/2018/credentials/v1'] }, 400);
    await refused({ ...composed(), type: ['OpenBadgeCredential'] }, 400);
  });

  it('refuses a credential using a term none of its contexts defines: 400', async () => {
    await refused(composed(didOf('uni-a'), { favouriteColour: 'blue' }), 400);
  });

  it('refuses a credential with a context the exchange does not bundle: 400', async () => {
    await refused({ ...composed(), '@context': ['https://www.w3.org/ns/credentials/v2', 'https://evil.example/context.jsonld'] }, 400);
  });

  it('refuses a credential beyond the credential budget before canonicalising it: 413 naming the field', async () => {
    const heavy = composed();
    heavy.credentialSubject.identifier = Array.from({ length: 30_000 }, (_, i) => i);
    const problem = await refused(heavy, 413);
    expect(problem.errors?.map((e) => e.field)).toEqual(['credential.credentialSubject.identifier']);
  });

  it('refuses a body that is not { credential, options? }: 400', async () => {
    const before = await tableSnapshot(cx.deps.store);
    await expectProblem(await issue(undefined, 'uni-a', { verifiableCredential: composed() }), 400);
    await expectProblem(await issue(undefined, 'uni-a', { credential: 'a string' }), 400);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('refuses a suspended institution: 403', async () => {
    await refused(composed(didOf('uni-s')), 403, 'uni-s');
  });
});
