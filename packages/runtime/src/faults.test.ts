/** The fault specification of CX_FAULTS: parsing, the start banner, and repeatable draws. */
import { describe, expect, it } from 'vitest';
import { describeFaults, FaultStats, faultyKeyVault, parseFaultSpec } from './faults.js';
import { DependencyError, RateLimitedError, type KeyVault } from '@cx/domain';

describe('parseFaultSpec', () => {
  it('reads rates per service and a seed', () => {
    expect(parseFaultSpec('dynamodb=0.1,kms=0.05,seed=7')).toEqual({ rates: { dynamodb: 0.1, kms: 0.05 }, seed: 7 });
  });

  it('means no faults when empty or unset', () => {
    expect(parseFaultSpec(undefined)).toBeUndefined();
    expect(parseFaultSpec('  ')).toBeUndefined();
  });

  it('defaults the seed to 1', () => {
    expect(parseFaultSpec('kms=1')).toEqual({ rates: { kms: 1 }, seed: 1 });
  });

  it.each([
    ['dynamodb=1.5', /rate of dynamodb must be a number from 0 to 1/],
    ['dynamodb=abc', /rate of dynamodb/],
    ['dynamodb=-0.1', /rate of dynamodb/],
    ['s3=0.1', /unknown service "s3"/],
    ['dynamodb', /not name=value/],
    ['seed=x', /seed must be an integer/],
  ])('rejects %s with a clear message', (text, message) => {
    expect(() => parseFaultSpec(text)).toThrow(message);
  });
});

describe('describeFaults', () => {
  it('names each rate as a percentage and the seed', () => {
    expect(describeFaults({ rates: { dynamodb: 0.1, kms: 0.05 }, seed: 7 })).toBe('dynamodb 10%, kms 5% of calls fail (seed 7)');
  });
});

describe('faultyKeyVault (the local signer failing as KMS does)', () => {
  const signature = new Uint8Array(64).fill(1);
  const inner = (): KeyVault & { signs: number } => {
    const vault = {
      signs: 0,
      createKey: async () => ({ keyRef: 'k', publicKey: new Uint8Array(32) }),
      publicKey: async () => new Uint8Array(32),
      discardKey: async () => undefined,
      sign: async () => {
        vault.signs++;
        return signature;
      },
    };
    return vault;
  };

  it('raises KmsKeyVault’s typed errors when every call fails', async () => {
    const stats = new FaultStats();
    const vault = faultyKeyVault(inner(), { rates: { kms: 1 }, seed: 3 }, stats);
    const errors: unknown[] = [];
    for (let i = 0; i < 6; i++) errors.push(await vault.sign('k', new Uint8Array(64)).catch((e) => e));
    expect(errors.every((e) => e instanceof RateLimitedError || e instanceof DependencyError)).toBe(true);
    // three attempts per call, as the SDK's standard retry makes
    expect(stats.calls.kms).toBe(18);
    expect(stats.total('kms')).toBe(18);
  }, 20_000);

  it('draws the same faults for the same seed', async () => {
    const run = async () => {
      const stats = new FaultStats();
      const vault = faultyKeyVault(inner(), { rates: { kms: 0.3 }, seed: 11 }, stats);
      const outcomes: string[] = [];
      for (let i = 0; i < 30; i++) outcomes.push(await vault.sign('k', new Uint8Array(64)).then(() => 'ok', (e: Error) => e.name));
      return { outcomes, injected: stats.injected.kms };
    };
    expect(await run()).toEqual(await run());
  }, 60_000);

  it('passes calls through unchanged at rate 0', async () => {
    const vault = inner();
    expect(faultyKeyVault(vault, { rates: { kms: 0 }, seed: 1 })).toBe(vault);
  });
});
