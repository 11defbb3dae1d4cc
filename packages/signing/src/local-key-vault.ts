/**
 * The local key vault: node:crypto Ed25519 keys kept as PKCS#8 PEM files under the
 * data folder, readable by the owner only. For `pnpm start` and tests; AWS uses KMS.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyLabels, KeyVault, ProvisionedKey } from '@cx/domain';
import { rawEd25519FromSpki } from './spki.js';

export class LocalKeyVault implements KeyVault {
  private readonly cache = new Map<string, KeyObject>();

  /** @param directory where private keys are written (created with mode 0700) */
  constructor(private readonly directory: string) {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    chmodSync(directory, 0o700);
  }

  async createKey(labels: KeyLabels): Promise<ProvisionedKey> {
    // the random part keeps two keys made for the same labels in the same millisecond apart
    const keyRef = `local:${labels.consortium}/${labels.institutionId}/${labels.keyId}-${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    writeFileSync(this.path(keyRef), privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
    this.cache.set(keyRef, privateKey);
    return { keyRef, publicKey: rawEd25519FromSpki(publicKey.export({ format: 'der', type: 'spki' })) };
  }

  async publicKey(keyRef: string): Promise<Uint8Array> {
    const spki = createPublicKey(this.privateKey(keyRef)).export({ format: 'der', type: 'spki' });
    return rawEd25519FromSpki(spki);
  }

  async sign(keyRef: string, data: Uint8Array): Promise<Uint8Array> {
    // Ed25519 in node:crypto takes no digest: it signs the message itself, as KMS ED25519_SHA_512 RAW does
    return Uint8Array.from(sign(null, data, this.privateKey(keyRef)));
  }

  async discardKey(keyRef: string): Promise<void> {
    this.cache.delete(keyRef);
    rmSync(this.path(keyRef), { force: true });
  }

  private privateKey(keyRef: string): KeyObject {
    let key = this.cache.get(keyRef);
    if (!key) {
      key = createPrivateKey(readFileSync(this.path(keyRef)));
      this.cache.set(keyRef, key);
    }
    return key;
  }

  private path(keyRef: string): string {
    if (!keyRef.startsWith('local:')) throw new Error(`not a local key reference: ${keyRef}`);
    return join(this.directory, keyRef.slice('local:'.length).replace(/[^A-Za-z0-9.-]/g, '_') + '.pem');
  }
}
