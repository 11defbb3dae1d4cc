/**
 * Keeps signing within a rate (KMS shares about 1,000 Ed25519 Sign requests per second
 * across the account and region) and backs off when KMS throttles anyway, instead of
 * failing the credential being signed.
 */
import { RateLimitedError, retry, serviceFailure, sleepMs, type KeyLabels, type KeyVault, type ProvisionedKey } from '@cx/domain';

export interface RateLimitOptions {
  /** Sign calls per second this process may make. */
  perSecond: number;
  /** Retries after a throttling error before giving up. */
  maxRetries?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export class RateLimitedKeyVault implements KeyVault {
  private nextSlot = 0;
  private readonly interval: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly inner: KeyVault,
    private readonly options: RateLimitOptions,
  ) {
    if (!(options.perSecond > 0)) throw new Error('the signing rate must be positive');
    this.interval = 1000 / options.perSecond;
    this.sleep = options.sleep ?? sleepMs;
  }

  createKey(labels: KeyLabels): Promise<ProvisionedKey> {
    return this.inner.createKey(labels);
  }

  publicKey(keyRef: string): Promise<Uint8Array> {
    return this.inner.publicKey(keyRef);
  }

  discardKey(keyRef: string): Promise<void> {
    return this.inner.discardKey(keyRef);
  }

  async sign(keyRef: string, data: Uint8Array): Promise<Uint8Array> {
    // KmsKeyVault maps KMS throttling to RateLimitedError (kmsServiceError): back off, from 50 ms up to 5 s
    return retry(
      async () => {
        await this.takeSlot();
        return this.inner.sign(keyRef, data);
      },
      {
        retryable: (error) => error instanceof RateLimitedError || serviceFailure(error) === 'throttled',
        attempts: (this.options.maxRetries ?? 8) + 1,
        baseDelayMs: 50,
        maxDelayMs: 5000,
        sleep: this.sleep,
        random: this.options.random,
      },
    );
  }

  /** Evenly spaced slots: no burst can exceed the rate. */
  private async takeSlot(): Promise<void> {
    const now = performance.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + this.interval;
    if (slot > now) await this.sleep(slot - now);
  }
}
