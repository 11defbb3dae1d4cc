/**
 * KMS as the graduation workers meet it, across processes: the benchmark holds the account
 * (`KmsAccount`: a Sign quota per sliding second answering ThrottlingException past it, and a
 * latency per call), and each worker process signs through an `AdmittedKeyVault` that asks the
 * account for each call before signing with the local key vault (real signatures, so the
 * credentials verify; Ed25519 signing itself costs the worker microseconds, as KMS's does not).
 */
import type { KeyVault } from '@cx/domain';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class KmsAccount {
  /** When each accepted Sign call arrived (performance.now(), ms). */
  readonly accepted: number[] = [];
  /** When each Sign call arrived, accepted or throttled. */
  readonly requested: number[] = [];
  throttled = 0;
  private windowStart = 0;

  constructor(
    /** Sign calls the account accepts in any one second. */
    readonly limitPerSecond: number,
    /** How long an accepted call takes. */
    readonly latencyMs: number,
  ) {}

  /** One Sign call: true once it took effect, false (after a few ms) when it was throttled. */
  async admit(): Promise<boolean> {
    const now = performance.now();
    this.requested.push(now);
    while (this.windowStart < this.accepted.length && this.accepted[this.windowStart]! <= now - 1000) this.windowStart++;
    if (this.accepted.length - this.windowStart >= this.limitPerSecond) {
      this.throttled++;
      await sleep(5);
      return false;
    }
    this.accepted.push(now);
    await sleep(this.latencyMs);
    return true;
  }

  /** Accepted Sign calls per second between the first and the last one. */
  rate(): number {
    if (this.accepted.length < 2) return 0;
    return (this.accepted.length - 1) / ((this.accepted.at(-1)! - this.accepted[0]!) / 1000);
  }

  /** The most calls accepted within any one second (never above the limit, by construction). */
  peakAcceptedPerSecond(): number {
    return peakPerSecond(this.accepted);
  }

  /** The most calls that arrived within any one second, throttled ones too: what the workers asked for. */
  peakRequestedPerSecond(): number {
    return peakPerSecond(this.requested);
  }
}

function peakPerSecond(times: readonly number[]): number {
  let peak = 0;
  for (let first = 0, last = 0; last < times.length; last++) {
    while (times[first]! <= times[last]! - 1000) first++;
    peak = Math.max(peak, last - first + 1);
  }
  return peak;
}

/** What KMS answers past the quota; KmsKeyVault and RateLimitedKeyVault know it as throttling. */
export function throttlingException(): Error {
  return Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
}

/** A worker's key vault: each Sign admitted by the account first (`admit`, over IPC), then made locally. */
export class AdmittedKeyVault implements KeyVault {
  signed = 0;
  throttled = 0;

  constructor(
    private readonly inner: KeyVault,
    private readonly admit: () => Promise<boolean>,
  ) {}

  createKey: KeyVault['createKey'] = (labels) => this.inner.createKey(labels);
  publicKey: KeyVault['publicKey'] = (ref) => this.inner.publicKey(ref);
  discardKey: KeyVault['discardKey'] = (ref) => this.inner.discardKey(ref);

  async sign(keyRef: string, data: Uint8Array): Promise<Uint8Array> {
    if (!(await this.admit())) {
      this.throttled++;
      throw throttlingException();
    }
    this.signed++;
    return this.inner.sign(keyRef, data);
  }
}
