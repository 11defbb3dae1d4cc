import { createPublicKey, generateKeyPairSync, randomUUID, sign as nodeSign, verify, type KeyObject } from 'node:crypto';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  GetPublicKeyCommand,
  KMSClient,
  KMSInternalException,
  KMSServiceException,
  ScheduleKeyDeletionCommand,
  SignCommand,
} from '@aws-sdk/client-kms';
import { DependencyError, RateLimitedError } from '@cx/domain';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KMS_TAGS, KmsKeyVault } from './kms-key-vault.js';
import { spkiFromRawEd25519 } from './spki.js';

/** A KMS double whose keys are real node:crypto Ed25519 keys, so DER and signatures are real. */
function fakeKms() {
  const kms = mockClient(KMSClient);
  const keys = new Map<string, KeyObject>();
  kms.on(CreateKeyCommand).callsFake((input) => {
    if (input.KeySpec !== 'ECC_NIST_EDWARDS25519' || input.KeyUsage !== 'SIGN_VERIFY') throw new Error('wrong key spec');
    const arn = `arn:aws:kms:eu-west-1:111122223333:key/${randomUUID()}`;
    keys.set(arn, generateKeyPairSync('ed25519').privateKey);
    return { KeyMetadata: { Arn: arn, KeyId: arn.split('/')[1] } };
  });
  kms.on(CreateAliasCommand).resolves({});
  kms.on(ScheduleKeyDeletionCommand).resolves({});
  kms.on(GetPublicKeyCommand).callsFake((input) => {
    // KMS returns the DER SubjectPublicKeyInfo
    const spki = createPublicKey(keys.get(input.KeyId!)!).export({ format: 'der', type: 'spki' });
    return { PublicKey: new Uint8Array(spki), KeySpec: 'ECC_NIST_EDWARDS25519', KeyUsage: 'SIGN_VERIFY' };
  });
  kms.on(SignCommand).callsFake((input) => {
    if (input.SigningAlgorithm !== 'ED25519_SHA_512' || input.MessageType !== 'RAW') throw new Error('wrong algorithm');
    return { Signature: new Uint8Array(nodeSign(null, input.Message!, keys.get(input.KeyId!)!)), KeyId: input.KeyId };
  });
  return { kms, keys };
}

describe('KmsKeyVault', () => {
  let fake: ReturnType<typeof fakeKms>;
  const labels = { consortium: 'eu-cx', institutionId: 'uni-a', keyId: 'key-1' };

  beforeEach(() => {
    fake = fakeKms();
  });
  afterEach(() => fake.kms.restore());

  it('creates an Ed25519 sign/verify key tagged with the consortium and institution, with an alias', async () => {
    const vault = new KmsKeyVault(new KMSClient({ region: 'eu-west-1' }));
    const key = await vault.createKey(labels);

    const create = fake.kms.commandCalls(CreateKeyCommand)[0]!.args[0].input;
    expect(create.Tags).toEqual([
      { TagKey: KMS_TAGS.consortium, TagValue: 'eu-cx' },
      { TagKey: KMS_TAGS.institution, TagValue: 'uni-a' },
    ]);
    expect(fake.kms.commandCalls(CreateAliasCommand)[0]!.args[0].input).toEqual({
      AliasName: 'alias/cx/eu-cx/uni-a/key-1',
      TargetKeyId: key.keyRef,
    });
    // the raw key taken from KMS's DER is the key's real public key
    const expected = createPublicKey(fake.keys.get(key.keyRef)!).export({ format: 'der', type: 'spki' }).subarray(-32);
    expect(Buffer.from(key.publicKey)).toEqual(expected);
  });

  it('returns signatures that verify under the public key it reported', async () => {
    const vault = new KmsKeyVault(new KMSClient({ region: 'eu-west-1' }));
    const key = await vault.createKey(labels);
    const message = new Uint8Array(64).fill(7);

    const signature = await vault.sign(key.keyRef, message);

    const publicKey = createPublicKey({ key: spkiFromRawEd25519(key.publicKey), format: 'der', type: 'spki' });
    expect(verify(null, message, publicKey, signature)).toBe(true);
    expect(verify(null, new Uint8Array(64).fill(8), publicKey, signature)).toBe(false);
    const signCall = fake.kms.commandCalls(SignCommand)[0]!.args[0].input;
    expect(signCall).toMatchObject({ MessageType: 'RAW', SigningAlgorithm: 'ED25519_SHA_512', KeyId: key.keyRef });
  });

  it('schedules the key for deletion when the alias cannot be created', async () => {
    fake.kms.on(CreateAliasCommand).rejects(Object.assign(new Error('alias exists'), { name: 'AlreadyExistsException' }));
    const vault = new KmsKeyVault(new KMSClient({ region: 'eu-west-1' }));

    await expect(vault.createKey(labels)).rejects.toThrow(/alias exists/);

    expect(fake.kms.commandCalls(ScheduleKeyDeletionCommand)).toHaveLength(1);
  });

  it('retries a denial while a new key’s tags propagate, then succeeds', async () => {
    fake.kms
      .on(CreateAliasCommand)
      .rejectsOnce(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }))
      .resolves({});
    const vault = new KmsKeyVault(new KMSClient({ region: 'eu-west-1' }), 1);

    const key = await vault.createKey(labels);

    expect(fake.kms.commandCalls(CreateAliasCommand)).toHaveLength(2);
    expect(fake.kms.commandCalls(ScheduleKeyDeletionCommand)).toHaveLength(0);
    expect(key.publicKey).toHaveLength(32);
  });

  it('gives the key up when the denial lasts', async () => {
    fake.kms.on(CreateAliasCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    const vault = new KmsKeyVault(new KMSClient({ region: 'eu-west-1' }), 1);

    await expect(vault.createKey(labels)).rejects.toThrow(/not authorized/);

    expect(fake.kms.commandCalls(CreateAliasCommand)).toHaveLength(6);
    expect(fake.kms.commandCalls(ScheduleKeyDeletionCommand)).toHaveLength(1);
  });

  it('refuses a public key that is not Ed25519 DER', async () => {
    fake.kms.on(GetPublicKeyCommand).resolves({ PublicKey: new Uint8Array(91), KeySpec: 'ECC_NIST_EDWARDS25519' });
    const vault = new KmsKeyVault(new KMSClient({ region: 'eu-west-1' }));
    await expect(vault.publicKey('arn:aws:kms:eu-west-1:1:key/x')).rejects.toThrow(/Ed25519/);
  });

  describe('when KMS fails after the SDK’s retries', () => {
    const arn = 'arn:aws:kms:eu-west-1:111122223333:key/k';

    it('answers a throttled Sign with RateLimitedError (429, Retry-After), keeping the KMS error as cause', async () => {
      const throttled = new KMSServiceException({ name: 'ThrottlingException', $fault: 'client', message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
      fake.kms.on(SignCommand).rejects(throttled);
      const error = await new KmsKeyVault(new KMSClient({ region: 'eu-west-1' })).sign(arn, new Uint8Array(64)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RateLimitedError);
      expect((error as RateLimitedError).extensions).toEqual({ retryAfterSeconds: 1 });
      expect((error as RateLimitedError).cause).toBe(throttled);
    });

    it('answers an internal error or a timeout with DependencyError (503)', async () => {
      fake.kms.on(SignCommand).rejectsOnce(new KMSInternalException({ message: 'internal', $metadata: { httpStatusCode: 500 } }));
      fake.kms.on(GetPublicKeyCommand).rejectsOnce(Object.assign(new Error('timed out'), { name: 'TimeoutError' }));
      const vault = new KmsKeyVault(new KMSClient({ region: 'eu-west-1' }));
      await expect(vault.sign(arn, new Uint8Array(64))).rejects.toBeInstanceOf(DependencyError);
      await expect(vault.publicKey(arn)).rejects.toBeInstanceOf(DependencyError);
    });

    it('leaves other errors as they are', async () => {
      fake.kms.on(SignCommand).rejects(Object.assign(new Error('key disabled'), { name: 'DisabledException' }));
      await expect(new KmsKeyVault(new KMSClient({ region: 'eu-west-1' })).sign(arn, new Uint8Array(64))).rejects.toMatchObject({ name: 'DisabledException' });
    });
  });
});
