/** HTTPS for `pnpm start`: the self-signed certificate it makes and keeps, and its settings. */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { selfSignedCertificate } from './self-signed.js';
import { tlsDir, tlsFromSettings } from './tls.js';

const freshDir = () => mkdtempSync(join(tmpdir(), 'cx-tls-'));

describe('selfSignedCertificate', () => {
  it('makes a certificate for localhost, 127.0.0.1 and ::1 that it signed itself, with its key', () => {
    const files = selfSignedCertificate(freshDir());
    const cert = new X509Certificate(files.cert);
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkIP('::1')).toBe('::1');
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.ca).toBe(true);
    // extended key usage: TLS server authentication
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(cert.checkPrivateKey(createPrivateKey(files.key))).toBe(true);
  });

  it('keeps the certificate and key owner-only, and answers the same ones on the next start', () => {
    const dir = join(freshDir(), 'tls');
    const first = selfSignedCertificate(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'cert.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'key.pem')).mode & 0o777).toBe(0o600);
    expect(selfSignedCertificate(dir)).toEqual(first);
  });

  it('makes a new one when the kept one is within a week of its end', () => {
    const dir = freshDir();
    const first = selfSignedCertificate(dir);
    const validTo = Date.parse(new X509Certificate(first.cert).validTo);
    const renewed = selfSignedCertificate(dir, undefined, new Date(validTo - 24 * 3600_000));
    expect(renewed.cert).not.toBe(first.cert);
    expect(Date.parse(new X509Certificate(renewed.cert).validTo)).toBeGreaterThan(validTo);
  });

  it('makes a new one when the kept files do not belong together', () => {
    const dir = freshDir();
    const first = selfSignedCertificate(dir);
    writeFileSync(join(dir, 'key.pem'), selfSignedCertificate(freshDir()).key);
    const replaced = selfSignedCertificate(dir);
    expect(replaced.cert).not.toBe(first.cert);
    expect(new X509Certificate(replaced.cert).checkPrivateKey(createPrivateKey(replaced.key))).toBe(true);
  });
});

describe('tlsFromSettings', () => {
  it('serves plain HTTP when nothing is set', () => {
    expect(tlsFromSettings({}, freshDir())).toBeUndefined();
  });

  it('keeps a self-signed certificate under the data folder for CX_TLS=self-signed', () => {
    const dataDir = freshDir();
    const files = tlsFromSettings({ CX_TLS: 'self-signed' }, dataDir)!;
    expect(readFileSync(join(tlsDir(dataDir), 'cert.pem'), 'utf8')).toBe(files.cert);
  });

  it('reads the certificate and key CX_TLS_CERT and CX_TLS_KEY name', () => {
    const made = selfSignedCertificate(freshDir());
    const dir = freshDir();
    writeFileSync(join(dir, 'c.pem'), made.cert);
    writeFileSync(join(dir, 'k.pem'), made.key);
    expect(tlsFromSettings({ CX_TLS_CERT: join(dir, 'c.pem'), CX_TLS_KEY: join(dir, 'k.pem') }, freshDir())).toEqual(made);
  });

  it.each([
    [{ CX_TLS: 'yes' }, /CX_TLS must be "self-signed"/],
    [{ CX_TLS_CERT: '/tmp/c.pem' }, /CX_TLS_CERT and CX_TLS_KEY go together/],
    [{ CX_TLS: 'self-signed', CX_TLS_CERT: '/tmp/c.pem', CX_TLS_KEY: '/tmp/k.pem' }, /not both/],
    [{ CX_TLS_CERT: '/nonexistent/c.pem', CX_TLS_KEY: '/nonexistent/k.pem' }, /CX_TLS_CERT names \/nonexistent\/c.pem, which cannot be read/],
  ])('refuses %o, saying why', (env, message) => {
    expect(() => tlsFromSettings(env, freshDir())).toThrow(message);
  });
});
