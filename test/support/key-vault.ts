/** Key vault doubles for tests: a real vault wrapped to record calls or to fail on demand. */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyLabels, KeyVault, ProvisionedKey } from '@cx/domain';
import { LocalKeyVault } from '@cx/signing';

export interface ObservedKeyVault extends KeyVault {
  /** Where the wrapped LocalKeyVault writes its key files. */
  directory: string;
  /** Every key created, in order. */
  created: Array<{ labels: KeyLabels; keyRef: string }>;
  /** Every key reference given to `discardKey`. */
  discarded: string[];
  /** The private key files on disk now. */
  keyFiles(): string[];
}

export interface ObservedKeyVaultOptions {
  /** Thrown by `createKey` instead of making a key (a KMS outage). */
  failCreate?: () => Error | undefined;
  /** Runs after a key is made and before `createKey` returns, e.g. to race the caller. */
  afterCreate?: (labels: KeyLabels, key: ProvisionedKey) => Promise<void>;
}

/** A LocalKeyVault in a fresh temp directory that records what it was asked to do. */
export function observedKeyVault(options: ObservedKeyVaultOptions = {}): ObservedKeyVault {
  const directory = mkdtempSync(join(tmpdir(), 'cx-keys-'));
  const inner = new LocalKeyVault(directory);
  const created: ObservedKeyVault['created'] = [];
  const discarded: string[] = [];
  return {
    directory,
    created,
    discarded,
    keyFiles: () => readdirSync(directory),
    async createKey(labels) {
      const failure = options.failCreate?.();
      if (failure) throw failure;
      const key = await inner.createKey(labels);
      created.push({ labels, keyRef: key.keyRef });
      await options.afterCreate?.(labels, key);
      return key;
    },
    publicKey: (keyRef) => inner.publicKey(keyRef),
    sign: (keyRef, data) => inner.sign(keyRef, data),
    async discardKey(keyRef) {
      discarded.push(keyRef);
      await inner.discardKey(keyRef);
    },
  };
}
