/**
 * Issuing rules: what an issued credential says (contexts, types, issuer profile, subject,
 * the achievement frozen from its catalogue version, status entries, proof) and when the
 * exchange refuses to issue, with nothing written.
 */
import { createHash } from 'node:crypto';
import { EU_MICROCREDENTIAL_CONTEXT_V1 } from '@cx/credentials';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableSnapshot } from '../../../test/support/dynamo.js';
import { PUBLIC_URL, testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { expectProblem, fieldsOf } from '../../../test/support/problem.js';
import { badgeBody, componentBody, degreeBody } from '../../catalogue/src/fixtures.js';
import { issueBody } from './fixtures.js';

let cx: TestExchange;
let key: string;
let suspendedKey: string;
const DID = `did:web:exchange.test%3A8080:institutions:uni-a`;

type Json = Record<string, any>;

beforeAll(async () => {
  cx = await testExchange();
  key = (await cx.onboard('uni-a', { name: 'Universiteit van A', country: 'BE', homepage: 'https://www.uni-a.example.edu' })).apiKey;
  suspendedKey = (await cx.onboard('uni-s')).apiKey;
  const put = async (path: string, body: unknown, status = 201) =>
    expect((await cx.request('PUT', path, { key, body })).status, path).toBe(status);
  await put('/v1/institutions/uni-a/components/ML-1', componentBody());
  await put('/v1/institutions/uni-a/components/DE-1', componentBody({ title: 'Data Engineering', ects: 4, eqfLevel: 7 }));
  await put('/v1/institutions/uni-a/badges/MENTOR', badgeBody({ alignments: [{ targetName: 'mentoring', targetUrl: 'http://data.europa.eu/esco/skill/mentor' }] }));
  await put(
    '/v1/institutions/uni-a/micro-degrees/ADS',
    degreeBody([
      { institution: 'uni-a', code: 'ML-1' },
      { institution: 'uni-a', code: 'DE-1' },
    ]),
  );
  // versioned: v1 as in componentBody(), v2 with another title and workload
  await put('/v1/institutions/uni-a/components/VER-1', componentBody({ title: 'Statistics, first edition', ects: 3 }));
  await put('/v1/institutions/uni-a/components/VER-1', componentBody({ title: 'Statistics, second edition', ects: 6 }), 200);
  await put('/v1/institutions/uni-a/components/GONE-1', componentBody());
  expect((await cx.request('DELETE', '/v1/institutions/uni-a/components/GONE-1', { key })).status).toBe(200);
  await cx.request('PUT', '/v1/institutions/uni-s/components/ML-1', { key: suspendedKey, body: componentBody() });
  expect((await cx.request('POST', '/v1/institutions/uni-s/suspend', { key: cx.adminKey })).status).toBe(200);
});

async function issue(body: unknown, institution = 'uni-a', apiKey = key): Promise<{ id: string; credential: Json }> {
  const response = await cx.request('POST', `/v1/institutions/${institution}/credentials`, { key: apiKey, body });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as { id: string; credential: Json };
}

/** Sends an issue request that must be refused, checks the table is unchanged, and answers the problem. */
async function refused(body: unknown, status: number, institution = 'uni-a', apiKey = key) {
  const before = await tableSnapshot(cx.deps.store);
  const response = await cx.request('POST', `/v1/institutions/${institution}/credentials`, { key: apiKey, body });
  const problem = await expectProblem(response, status);
  expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  return problem;
}

describe('an issued credential', () => {
  let issued: { id: string; credential: Json };
  beforeAll(async () => {
    issued = await issue(issueBody({ result: { grade: '8.5', ectsEarned: 5 } }));
  });

  it('lists the VC v2 and Open Badges 3.0.3 contexts, then the EU context inline, in that order', () => {
    expect(issued.credential['@context']).toEqual([
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      EU_MICROCREDENTIAL_CONTEXT_V1['@context'],
    ]);
  });

  it('is a VerifiableCredential and an OpenBadgeCredential with a urn:uuid id, the one the response names', () => {
    expect(issued.credential.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);
    expect(issued.credential.id).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(issued.id).toBe(issued.credential.id);
  });

  it('names the institution as a Profile with its did:web, name, homepage and country', () => {
    expect(issued.credential.issuer).toMatchObject({
      id: DID,
      type: ['Profile'],
      name: 'Universiteit van A',
      url: 'https://www.uni-a.example.edu',
      address: { type: ['Address'], addressCountryCode: 'BE' },
    });
  });

  it('is valid from the time it was issued', () => {
    const validFrom = Date.parse(issued.credential.validFrom);
    expect(Math.abs(validFrom - Date.now())).toBeLessThan(60_000);
    expect(issued.credential.validUntil).toBeUndefined();
  });

  it('identifies an email-only recipient by a salted SHA-256 hash of the email', () => {
    const subject = issued.credential.credentialSubject;
    expect(subject.type).toEqual(['AchievementSubject']);
    expect(subject.id).toBeUndefined();
    const email = subject.identifier.find((i: Json) => i.identityType === 'emailAddress');
    expect(email).toMatchObject({ type: 'IdentityObject', hashed: true, salt: expect.stringMatching(/^[0-9a-f]{16,}$/) });
    const expected = createHash('sha256').update(`ada@example.org${email.salt}`).digest('hex');
    expect(email.identityHash).toBe(`sha256$${expected}`);
  });

  it('shows the email nowhere in the credential', () => {
    const text = JSON.stringify(issued.credential).toLowerCase();
    expect(text).not.toContain('ada@example.org');
    expect(text).not.toContain('example.org');
  });

  it('carries the achievement with every EU element of the component version', () => {
    expect(issued.credential.credentialSubject.achievement).toMatchObject({
      id: `${PUBLIC_URL}/v1/institutions/uni-a/components/ML-1/versions/1`,
      type: ['Achievement'],
      achievementType: 'MicroCredential',
      name: 'Introduction to Machine Learning',
      description: 'Supervised and unsupervised learning with Python.',
      criteria: { narrative: expect.any(String) },
      creditsAvailable: 5,
      inLanguage: 'en',
      ectsCredits: 5,
      eqfLevel: 6,
      iscedField: '0613',
      learningOutcomes: ['Explain bias and variance', 'Train and evaluate a classifier'],
      assessmentType: 'project',
      assessmentSupervision: 'supervised',
      participationForm: 'blended',
      qualityAssurance: 'Internal QA of the Faculty of Science, accredited programme',
      awardingBody: { id: DID, name: 'Universiteit van A', address: { addressCountryCode: 'BE' } },
    });
  });

  it('records the result: credits earned and the grade', () => {
    const subject = issued.credential.credentialSubject;
    expect(subject.creditsEarned).toBe(5);
    expect(subject.result).toEqual([expect.objectContaining({ type: ['Result'], value: '8.5' })]);
  });

  it('has one BitstringStatusListEntry (an object, as OB 3.0 requires) of purpose message, 2 bits at a random index', () => {
    const entry = issued.credential.credentialStatus;
    expect(entry).toMatchObject({
      type: 'BitstringStatusListEntry',
      statusPurpose: 'message',
      statusListIndex: expect.stringMatching(/^\d+$/),
      statusListCredential: `${PUBLIC_URL}/status-lists/uni-a/message-1`,
      statusSize: 2,
      statusMessage: [
        { status: '0x0', message: 'active' },
        { status: '0x1', message: 'revoked' },
        { status: '0x2', message: 'suspended' },
        { status: '0x3', message: 'undefined' },
      ],
    });
    // the upper half of the list's 262,144 entries (see MESSAGE_INDEX_RANGE)
    expect(Number(entry.statusListIndex)).toBeGreaterThanOrEqual(131_072);
    expect(Number(entry.statusListIndex)).toBeLessThan(262_144);
  });

  it('is signed with an eddsa-rdfc-2022 DataIntegrityProof by the institution’s active key, a proof set of one', () => {
    expect(issued.credential.proof).toEqual([
      {
        type: 'DataIntegrityProof',
        cryptosuite: 'eddsa-rdfc-2022',
        created: expect.any(String),
        proofPurpose: 'assertionMethod',
        verificationMethod: `${DID}#key-1`,
        proofValue: expect.stringMatching(/^z[1-9A-HJ-NP-Za-km-z]+$/),
      },
    ]);
  });

  it('reads back exactly as issued, member order included', async () => {
    const { id, credential } = issued;
    const stored = (await (await cx.request('GET', `/v1/institutions/uni-a/credentials/${id}`, { key })).json()) as Json;
    expect(JSON.stringify(stored.credential)).toBe(JSON.stringify(credential));
    expect(Object.keys(stored.credential)[0]).toBe('@context');
  });

  it('verifies through the exchange', async () => {
    const response = await cx.request('POST', '/v1/credentials/verify', { body: { verifiableCredential: issued.credential } });
    expect(await response.json()).toMatchObject({ verified: true, errors: [] });
  });
});

describe('validUntil', () => {
  it('is written to the credential, to the second', async () => {
    const { credential } = await issue(issueBody({ validUntil: '2099-06-30T23:59:59.999+02:00' }));
    expect(credential.validUntil).toBe('2099-06-30T21:59:59Z');
  });

  it('must be later than the time of issuing: 400 naming validUntil, nothing written', async () => {
    const problem = await refused(issueBody({ validUntil: '2020-01-01T00:00:00Z' }), 400);
    expect(fieldsOf(problem)).toEqual(['validUntil']);
  });
});

describe('the recipient', () => {
  it('is the subject id when a DID is given, with no email identifier even when an email is given too', async () => {
    const { credential } = await issue(issueBody({ recipient: { name: 'Grace', did: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', email: 'grace@example.org' } }));
    expect(credential.credentialSubject.id).toBe('did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK');
    expect(credential.credentialSubject.identifier?.some((i: Json) => i.identityType === 'emailAddress') ?? false).toBe(false);
    expect(JSON.stringify(credential)).not.toContain('grace@example.org');
  });

  it('gets a new salt in every credential, so two credentials of one email cannot be linked by their hash', async () => {
    const a = await issue(issueBody());
    const b = await issue(issueBody());
    const hashOf = (c: Json) => c.credentialSubject.identifier.find((i: Json) => i.identityType === 'emailAddress');
    expect(hashOf(a.credential).salt).not.toBe(hashOf(b.credential).salt);
    expect(hashOf(a.credential).identityHash).not.toBe(hashOf(b.credential).identityHash);
  });

  it('must have an email or a DID: 400 naming recipient.email', async () => {
    const problem = await refused(issueBody({ recipient: { name: 'Nobody', studentId: 'S-9' } }), 400);
    expect(fieldsOf(problem)).toEqual(['recipient.email']);
  });
});

describe('each kind of achievement', () => {
  it('marks a badge Badge, with its criteria and alignments', async () => {
    const { credential } = await issue(issueBody({ type: 'badge', code: 'MENTOR' }));
    expect(credential.credentialSubject.achievement).toMatchObject({
      id: `${PUBLIC_URL}/v1/institutions/uni-a/badges/MENTOR/versions/1`,
      achievementType: 'Badge',
      name: 'Peer Mentor',
      criteria: { narrative: 'At least 12 mentoring sessions, confirmed by the study adviser.' },
      alignment: [{ type: ['Alignment'], targetName: 'mentoring', targetUrl: 'http://data.europa.eu/esco/skill/mentor' }],
    });
  });

  it('marks a micro-degree Certificate, composed of the component versions the recipient holds', async () => {
    const recipient = { name: 'Lin', email: 'lin@example.org' };
    await issue(issueBody({ code: 'ML-1', recipient }));
    await issue(issueBody({ code: 'DE-1', recipient }));
    const { credential } = await issue(issueBody({ type: 'micro-degree', code: 'ADS', recipient }));
    const achievement = credential.credentialSubject.achievement;
    expect(achievement).toMatchObject({
      id: `${PUBLIC_URL}/v1/institutions/uni-a/micro-degrees/ADS/versions/1`,
      achievementType: 'Certificate',
      name: 'Applied Data Science',
      eqfLevel: 6,
      creditsAvailable: 9,
      ectsCredits: 9,
      learningOutcomes: ['Build a data pipeline', 'Deploy a trained model'],
    });
    expect(achievement.composedOf.map((c: Json) => c.id).sort()).toEqual([
      `${PUBLIC_URL}/v1/institutions/uni-a/components/DE-1/versions/1`,
      `${PUBLIC_URL}/v1/institutions/uni-a/components/ML-1/versions/1`,
    ]);
  });
});

describe('catalogue versions', () => {
  it('freezes the latest version when none is asked', async () => {
    const { credential } = await issue(issueBody({ code: 'VER-1' }));
    expect(credential.credentialSubject.achievement).toMatchObject({
      id: `${PUBLIC_URL}/v1/institutions/uni-a/components/VER-1/versions/2`,
      name: 'Statistics, second edition',
      ectsCredits: 6,
    });
  });

  it('freezes the asked version after the entry changed', async () => {
    const { credential } = await issue(issueBody({ code: 'VER-1', version: 1 }));
    expect(credential.credentialSubject.achievement).toMatchObject({
      id: `${PUBLIC_URL}/v1/institutions/uni-a/components/VER-1/versions/1`,
      name: 'Statistics, first edition',
      ectsCredits: 3,
      creditsAvailable: 3,
    });
  });

  it('keeps an issued credential as it was when the entry changes later', async () => {
    await cx.request('PUT', '/v1/institutions/uni-a/components/LATER-1', { key, body: componentBody({ title: 'Before' }) });
    const { id, credential } = await issue(issueBody({ code: 'LATER-1' }));
    expect((await cx.request('PUT', '/v1/institutions/uni-a/components/LATER-1', { key, body: componentBody({ title: 'After' }) })).status).toBe(200);
    const stored = (await (await cx.request('GET', `/v1/institutions/uni-a/credentials/${id}`, { key })).json()) as Json;
    expect(stored.credential).toEqual(credential);
    expect(stored.credential.credentialSubject.achievement.name).toBe('Before');
  });
});

describe('refusals', () => {
  it('refuses a suspended institution with 403', async () => {
    await refused(issueBody(), 403, 'uni-s', suspendedKey);
  });

  it('refuses a withdrawn entry with 409', async () => {
    await refused(issueBody({ code: 'GONE-1' }), 409);
  });

  it('refuses an unknown entry with 404', async () => {
    await refused(issueBody({ code: 'NO-SUCH' }), 404);
  });

  it('refuses an entry of another kind under the same code with 404', async () => {
    await refused(issueBody({ type: 'badge', code: 'ML-1' }), 404);
  });

  it('refuses an unknown version with 404', async () => {
    await refused(issueBody({ code: 'VER-1', version: 3 }), 404);
  });

  it('refuses a micro-degree whose components the recipient does not hold with 422 naming what is missing', async () => {
    const recipient = { name: 'Half', email: 'half@example.org' };
    await issue(issueBody({ code: 'ML-1', recipient }));
    const problem = (await refused(issueBody({ type: 'micro-degree', code: 'ADS', recipient }), 422)) as unknown as Json;
    expect(problem.missing).toEqual(['uni-a/DE-1']);
    expect(problem.held).toEqual(['uni-a/ML-1']);
    expect(problem.detail).toContain('ADS');
  });

  it('does not count a revoked component credential towards a micro-degree', async () => {
    const recipient = { name: 'Rev', email: 'rev@example.org' };
    const ml = await issue(issueBody({ code: 'ML-1', recipient }));
    await issue(issueBody({ code: 'DE-1', recipient }));
    const revoke = await cx.request('POST', `/v1/institutions/uni-a/credentials/${ml.id}/status`, { key, body: { status: 'revoked', reason: 'fraud' } });
    expect(revoke.status).toBe(200);
    const problem = (await refused(issueBody({ type: 'micro-degree', code: 'ADS', recipient }), 422)) as unknown as Json;
    expect(problem.missing).toEqual(['uni-a/ML-1']);
  });
});
