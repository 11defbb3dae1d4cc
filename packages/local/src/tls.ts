/**
 * Which certificate `pnpm start` serves HTTPS with, from its settings: CX_TLS=self-signed
 * makes one and keeps it under the data folder; CX_TLS_CERT and CX_TLS_KEY name PEM files of
 * one's own. Without either it serves plain HTTP, as before.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { selfSignedCertificate, type TlsFiles } from './self-signed.js';

/** A setting that cannot be used; `pnpm start` prints it and exits. */
export class TlsSettingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Where a self-signed certificate is kept in the data folder. */
export const tlsDir = (dataDir: string) => join(dataDir, 'tls');

/**
 * The certificate and key the settings ask for, or undefined for plain HTTP.
 *
 * @example
 * tlsFromSettings({ CX_TLS: 'self-signed' }, '.exchange-data') // made and kept in .exchange-data/tls/
 * tlsFromSettings({ CX_TLS_CERT: 'cert.pem', CX_TLS_KEY: 'key.pem' }, '.exchange-data')
 */
export function tlsFromSettings(env: Record<string, string | undefined>, dataDir: string): TlsFiles | undefined {
  const { CX_TLS: mode, CX_TLS_CERT: certPath, CX_TLS_KEY: keyPath } = env;
  if (certPath || keyPath) {
    if (mode) throw new TlsSettingError('set CX_TLS=self-signed or CX_TLS_CERT and CX_TLS_KEY, not both');
    if (!certPath || !keyPath) throw new TlsSettingError('CX_TLS_CERT and CX_TLS_KEY go together: a PEM certificate and its PEM private key');
    const read = (name: string, path: string) => {
      try {
        return readFileSync(path, 'utf8');
      } catch (error) {
        throw new TlsSettingError(`${name} names ${path}, which cannot be read: ${(error as Error).message}`);
      }
    };
    return { cert: read('CX_TLS_CERT', certPath), key: read('CX_TLS_KEY', keyPath) };
  }
  if (!mode) return undefined;
  if (mode !== 'self-signed') throw new TlsSettingError(`CX_TLS must be "self-signed" (or leave it out and set CX_TLS_CERT and CX_TLS_KEY), not "${mode}"`);
  return selfSignedCertificate(tlsDir(dataDir));
}
