/**
 * Open Badges 3.0 as 1EdTech validates it: every kind of Open Badges credential a local exchange
 * issues over HTTP (component, badge, micro-degree) validates with ajv against 1EdTech's OB 3.0
 * JSON Schema for VC 2.0 (the repository's copy in ./ob3, see its README). The recognition record
 * is a plain VC 2.0 (`RecognitionRecord`), not an Open Badges credential, so the schema does not
 * apply to it; the exchange makes no wallet copies of credentials.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalExchange, type LocalExchange } from '@cx/local';
import { Ajv2019, type ErrorObject, type ValidateFunction } from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badgeBody, componentBody, degreeBody } from '../../functions/catalogue/src/fixtures.js';
import { independentVerifier } from '../support/independent-verifier.js';

type Json = Record<string, any>;
type Kind = 'component' | 'badge' | 'micro-degree';

const ADMIN_TOKEN = 'ob3-schema-admin-token-0123456789abcdef';
const SCHEMA_PATH = new URL('./ob3/ob_v3p0_achievementcredential_schema.json', import.meta.url);

let exchange: LocalExchange;
let key: string;
let validate: ValidateFunction;
const issued = {} as Record<Kind, Json>;

async function call(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<Json> {
  const response = await fetch(`${exchange.url}${path}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  expect(response.ok, `${method} ${path}: ${response.status} ${text}`).toBe(true);
  return text ? (JSON.parse(text) as Json) : {};
}

/** The schema's complaints, one line each, for a readable failure. */
const complaints = (errors: ErrorObject[] | null | undefined) => (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);

beforeAll(async () => {
  const ajv = addFormats(new Ajv2019({ allErrors: true, strict: false }));
  validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as object);

  exchange = await startLocalExchange({ port: 0, inMemory: true, dataDir: mkdtempSync(join(tmpdir(), 'cx-ob3-')), adminToken: ADMIN_TOKEN });
  const onboarded = await call('POST', '/v1/institutions', {
    token: ADMIN_TOKEN,
    body: { id: 'uni-ob3', name: 'Schema University', country: 'NL', homepage: 'https://ob3.example.edu' },
  });
  key = onboarded.apiKey as string;
  const put = (path: string, body: unknown) => call('PUT', `/v1/institutions/uni-ob3/${path}`, { token: key, body });
  await put('components/ML-1', componentBody());
  await put('components/DE-1', componentBody({ title: 'Data Engineering', ects: 4 }));
  await put('badges/MENTOR', badgeBody());
  await put(
    'micro-degrees/ADS',
    degreeBody([
      { institution: 'uni-ob3', code: 'ML-1' },
      { institution: 'uni-ob3', code: 'DE-1' },
    ]),
  );
  const issue = async (type: Kind, code: string, recipient: Json) =>
    (await call('POST', '/v1/institutions/uni-ob3/credentials', { token: key, body: { achievement: { type, code }, recipient } })).credential as Json;
  const ada = { name: 'Ada Lovelace', email: 'ada@example.org' };
  issued.component = await issue('component', 'ML-1', ada);
  await issue('component', 'DE-1', ada);
  issued.badge = await issue('badge', 'MENTOR', { name: 'Grace Hopper', did: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' });
  issued['micro-degree'] = await issue('micro-degree', 'ADS', ada);
}, 120_000);

afterAll(async () => {
  await exchange?.stop();
});

describe.each(['component', 'badge', 'micro-degree'] as const)('a %s credential as issued', (kind) => {
  it('validates against 1EdTech’s OB 3.0 JSON Schema', () => {
    const valid = validate(issued[kind]);
    expect(complaints(validate.errors)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('carries one credentialStatus object and its proof as an array of one', () => {
    expect(issued[kind].credentialStatus).toMatchObject({ type: 'BitstringStatusListEntry', statusPurpose: 'message', statusSize: 2 });
    expect(issued[kind].proof).toEqual([expect.objectContaining({ type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022' })]);
  });
});

describe('the schema copy', () => {
  it('refuses the form issued before: two status entries and one proof object', () => {
    const before = { ...issued.component, credentialStatus: [issued.component.credentialStatus, issued.component.credentialStatus], proof: issued.component.proof[0] };

    expect(validate(before)).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath)).toEqual(expect.arrayContaining(['/credentialStatus', '/proof']));
  });
});

describe('the one status entry, read by a verifier that shares no code with the exchange', () => {
  it('is unset while active, set once revoked or suspended, and unset again when reinstated', async () => {
    const verifier = independentVerifier(exchange.url);
    const statusOf = async (credential: Json) => (await verifier.verify(credential)).statuses;
    const change = (credential: Json, status: string) =>
      call('POST', `/v1/institutions/uni-ob3/credentials/${credential.id}/status`, { token: key, body: { status, reason: 'schema test' } });

    expect(await statusOf(issued.badge)).toEqual([{ purpose: 'message', set: false }]);
    await change(issued.badge, 'suspended');
    expect(await statusOf(issued.badge)).toEqual([{ purpose: 'message', set: true }]);
    await change(issued.badge, 'active');
    expect(await statusOf(issued.badge)).toEqual([{ purpose: 'message', set: false }]);
    await change(issued.badge, 'revoked');
    const revoked = await verifier.verify(issued.badge);
    expect(revoked).toMatchObject({ verified: false, statuses: [{ purpose: 'message', set: true }] });
  });
});
