/**
 * Keeps signing within a rate (KMS shares about 1,000 Ed25519 Sign requests per second
 * across the account and region) and backs off when KMS throttles anyway, instead of
 * failing the credential being signed.
 */
import type { KeyLabels, KeyVault, ProvisionedKey } from '@cx/domain';

export interface RateLimitOptions {
  /** Sign calls per second this process may make. */
  perSecond: number;
  /** Retries after a throttling error before giving up. */
  maxRetries?: number;
  sleep?: (ms: number) => Promise<void>;
}

const THROTTLED = /Throttl|LimitExceeded|TooManyRequests/;

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
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
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
    for (let attempt = 0; ; attempt++) {
      await this.takeSlot();
      try {
        return await this.inner.sign(keyRef, data);
      } catch (error) {
        const name = `${(error as Error).name} ${(error as Error).message}`;
        if (!THROTTLED.test(name) || attempt >= (this.options.maxRetries ?? 8)) throw error;
        // exponential backoff with full jitter, from 50 ms up to 5 s
        await this.sleep(Math.random() * Math.min(5000, 50 * 2 ** attempt));
      }
    }
  }

  /** Evenly spaced slots: no burst can exceed the rate. */
  private async takeSlot(): Promise<void> {
    const now = performance.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + this.interval;
    if (slot > now) await this.sleep(slot - now);
  }
}
