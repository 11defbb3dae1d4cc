import { createPublicKey, verify } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { LocalKeyVault } from './local-key-vault.js';
import { spkiFromRawEd25519 } from './spki.js';

const labels = { consortium: 'test', institutionId: 'uni-a', keyId: 'key-1' };
const tempDir = () => mkdtempSync(join(tmpdir(), 'cx-vault-'));
const mode = (path: string) => statSync(path).mode & 0o777;

function verifies(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const key = createPublicKey({ key: spkiFromRawEd25519(publicKey), format: 'der', type: 'spki' });
  return verify(null, message, key, signature);
}

describe('LocalKeyVault', () => {
  it('creates its directory readable by the owner only', () => {
    const directory = join(tempDir(), 'keys');
    new LocalKeyVault(directory);
    expect(mode(directory)).toBe(0o700);
  });

  it('restricts an existing directory to the owner', () => {
    const directory = tempDir();
    chmodSync(directory, 0o755);
    new LocalKeyVault(directory);
    expect(mode(directory)).toBe(0o700);
  });

  it('writes each private key to a file readable by the owner only', async () => {
    const directory = tempDir();
    await new LocalKeyVault(directory).createKey(labels);
    const files = readdirSync(directory);
    expect(files).toHaveLength(1);
    expect(mode(join(directory, files[0]!))).toBe(0o600);
  });

  it('returns a 32-byte Ed25519 public key', async () => {
    const { publicKey } = await new LocalKeyVault(tempDir()).createKey(labels);
    expect(publicKey).toHaveLength(32);
  });

  it('signs so that node:crypto verifies with the returned public key', async () => {
    const vault = new LocalKeyVault(tempDir());
    const { keyRef, publicKey } = await vault.createKey(labels);
    const message = new TextEncoder().encode('an assertion');

    const signature = await vault.sign(keyRef, message);

    expect(signature).toHaveLength(64);
    expect(verifies(publicKey, message, signature)).toBe(true);
    expect(verifies(publicKey, new TextEncoder().encode('another assertion'), signature)).toBe(false);
  });

  it('gives the same public key for a key reference as when it was made', async () => {
    const vault = new LocalKeyVault(tempDir());
    const { keyRef, publicKey } = await vault.createKey(labels);
    expect(await vault.publicKey(keyRef)).toEqual(publicKey);
  });

  it('keeps keys across instances reading the same directory (a restart)', async () => {
    const directory = tempDir();
    const { keyRef, publicKey } = await new LocalKeyVault(directory).createKey(labels);
    const message = new TextEncoder().encode('after a restart');

    const restarted = new LocalKeyVault(directory);

    expect(await restarted.publicKey(keyRef)).toEqual(publicKey);
    expect(verifies(publicKey, message, await restarted.sign(keyRef, message))).toBe(true);
  });

  it('makes a different key every time', async () => {
    const vault = new LocalKeyVault(tempDir());
    const a = await vault.createKey(labels);
    const b = await vault.createKey({ ...labels, keyId: 'key-2' });
    expect(a.keyRef).not.toBe(b.keyRef);
    expect(a.publicKey).not.toEqual(b.publicKey);
  });

  it('makes two keys with the same labels in the same millisecond', async () => {
    const vault = new LocalKeyVault(tempDir());
    const now = vi.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-01-01T00:00:00Z'));
    try {
      const a = await vault.createKey(labels);
      const b = await vault.createKey(labels);
      expect(a.keyRef).not.toBe(b.keyRef);
    } finally {
      now.mockRestore();
    }
  });

  it('discards a key: its file is removed and it can no longer sign', async () => {
    const directory = tempDir();
    const vault = new LocalKeyVault(directory);
    const { keyRef } = await vault.createKey(labels);

    await vault.discardKey(keyRef);

    expect(readdirSync(directory)).toEqual([]);
    await expect(new LocalKeyVault(directory).sign(keyRef, new Uint8Array(1))).rejects.toThrow();
  });

  it('refuses key references that are not its own', async () => {
    const vault = new LocalKeyVault(tempDir());
    await expect(vault.sign('arn:aws:kms:eu-west-1:111122223333:key/x', new Uint8Array(1))).rejects.toThrow(/not a local key/);
  });

  it('never reaches outside its directory through a key reference', async () => {
    const parent = tempDir();
    const outside = join(parent, 'victim.pem');
    writeFileSync(outside, 'not a key');
    const vault = new LocalKeyVault(join(parent, 'keys'));

    await vault.discardKey('local:../victim');

    expect(existsSync(outside)).toBe(true);
  });
});
