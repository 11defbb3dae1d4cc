/**
 * The AWS KMS key vault: one Ed25519 KMS key per institution key
 * (`ECC_NIST_EDWARDS25519`, `SIGN_VERIFY`), signing with `ED25519_SHA_512` over the raw
 * message. Keys are tagged with the consortium and institution: IAM lets the functions
 * sign only with keys that carry the consortium's tag.
 */
import {
  CreateAliasCommand,
  CreateKeyCommand,
  GetPublicKeyCommand,
  KMSClient,
  ScheduleKeyDeletionCommand,
  SignCommand,
} from '@aws-sdk/client-kms';
import { DependencyError, retry, serviceFailureError, type KeyLabels, type KeyVault, type ProvisionedKey } from '@cx/domain';
import { rawEd25519FromSpki } from './spki.js';

/** KMS accepts at most 4096 bytes for a RAW message; eddsa-rdfc-2022 signs 64. */
const MAX_RAW_MESSAGE = 4096;

/** Retries (250 ms, doubling: about 8 s in all) while a new key's tags reach IAM. */
const TAG_PROPAGATION_RETRIES = 5;

export const KMS_TAGS = { consortium: 'cx:consortium', institution: 'cx:institution' } as const;

export function kmsAliasName(labels: KeyLabels): string {
  return `alias/cx/${labels.consortium}/${labels.institutionId}/${labels.keyId}`;
}

/**
 * What a failed KMS call becomes once the SDK's retries are over: throttling is a
 * RateLimitedError (429, Retry-After), an internal error or a timeout a DependencyError
 * (503), each with the SDK error as `cause`; any other error is returned unchanged.
 * The one mapping of KMS errors (the local signer's fault injection uses it too).
 */
export function kmsServiceError(error: unknown): unknown {
  return serviceFailureError('KMS', error) ?? error;
}

export class KmsKeyVault implements KeyVault {
  /** Public keys never change for a key; asking KMS once per process is enough. */
  private readonly publicKeys = new Map<string, Uint8Array>();

  /** @param retryDelayMs first wait before retrying a denial on a new key (doubles each time) */
  constructor(
    private readonly kms: KMSClient,
    private readonly retryDelayMs = 250,
  ) {}

  /** Sends one command, mapping service failures to domain errors. */
  private async send<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw kmsServiceError(error);
    }
  }

  async createKey(labels: KeyLabels): Promise<ProvisionedKey> {
    const created = await this.send(() => this.kms.send(
      new CreateKeyCommand({
        KeySpec: 'ECC_NIST_EDWARDS25519',
        KeyUsage: 'SIGN_VERIFY',
        Description: `Credential signing key ${labels.keyId} of ${labels.institutionId} in consortium ${labels.consortium}`,
        Tags: [
          { TagKey: KMS_TAGS.consortium, TagValue: labels.consortium },
          { TagKey: KMS_TAGS.institution, TagValue: labels.institutionId },
        ],
      }),
    ));
    const keyRef = created.KeyMetadata?.Arn;
    if (!keyRef) throw new DependencyError('KMS CreateKey returned no key ARN');
    try {
      // IAM allows these only on keys tagged for the consortium, and a new key's tags can take
      // a few seconds to reach authorization: retry a denial briefly before giving the key up
      await this.whileTagsPropagate(() => this.send(() => this.kms.send(new CreateAliasCommand({ AliasName: kmsAliasName(labels), TargetKeyId: keyRef }))));
      return { keyRef, publicKey: await this.whileTagsPropagate(() => this.publicKey(keyRef)) };
    } catch (error) {
      await this.discardKey(keyRef).catch(() => undefined);
      throw error;
    }
  }

  private whileTagsPropagate<T>(call: () => Promise<T>): Promise<T> {
    // the waits are not jittered: one caller waits for the tags of its own key, nobody contends
    return retry(call, {
      retryable: (error) => (error as Error).name === 'AccessDeniedException',
      attempts: TAG_PROPAGATION_RETRIES + 1,
      baseDelayMs: this.retryDelayMs,
      maxDelayMs: Number.POSITIVE_INFINITY,
      random: () => 1,
    });
  }

  async publicKey(keyRef: string): Promise<Uint8Array> {
    const cached = this.publicKeys.get(keyRef);
    if (cached) return cached;
    const out = await this.send(() => this.kms.send(new GetPublicKeyCommand({ KeyId: keyRef })));
    if (!out.PublicKey) throw new DependencyError(`KMS returned no public key for ${keyRef}`);
    if (out.KeySpec && out.KeySpec !== 'ECC_NIST_EDWARDS25519') {
      throw new DependencyError(`KMS key ${keyRef} is ${out.KeySpec}, not Ed25519`);
    }
    const raw = rawEd25519FromSpki(out.PublicKey);
    this.publicKeys.set(keyRef, raw);
    return raw;
  }

  async sign(keyRef: string, data: Uint8Array): Promise<Uint8Array> {
    if (data.length > MAX_RAW_MESSAGE) throw new Error(`KMS signs raw messages of at most ${MAX_RAW_MESSAGE} bytes`);
    const out = await this.send(() =>
      this.kms.send(new SignCommand({ KeyId: keyRef, Message: data, MessageType: 'RAW', SigningAlgorithm: 'ED25519_SHA_512' })),
    );
    if (!out.Signature || out.Signature.length !== 64) throw new DependencyError(`KMS returned no Ed25519 signature for ${keyRef}`);
    return out.Signature;
  }

  async discardKey(keyRef: string): Promise<void> {
    // 7 days is the shortest waiting period KMS allows
    await this.send(() => this.kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyRef, PendingWindowInDays: 7 })));
  }
}
