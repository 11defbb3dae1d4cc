/**
 * A self-signed TLS certificate for `pnpm start` over HTTPS (CX_TLS=self-signed), made with
 * node:crypto alone: an ECDSA P-256 key and an X.509 v3 certificate for localhost, 127.0.0.1
 * and ::1, DER-encoded here because Node can read certificates but not make them. did:web
 * always resolves over https, so local wallets and test suites need one to resolve a DID.
 */
import { createPrivateKey, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';

/** A PEM certificate and its PEM private key, as node:https takes them. */
export interface TlsFiles {
  cert: string;
  key: string;
}

/** The names a local certificate is for: what a browser or wallet on this machine types. */
export const LOCAL_HOSTS = ['localhost', '127.0.0.1', '::1'];
/** A year: long enough not to bother a developer, short enough that browsers accept it. */
const VALID_DAYS = 365;
/** A certificate this close to its end is made anew at start. */
const RENEW_BEFORE_MS = 7 * 24 * 3600 * 1000;

// --- DER, just what a certificate needs (X.690) ---
function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, ...content: Buffer[]) => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
};
const sequence = (...items: Buffer[]) => tlv(0x30, ...items);
const set = (...items: Buffer[]) => tlv(0x31, ...items);
const explicit = (n: number, item: Buffer) => tlv(0xa0 + n, item);
const octets = (content: Buffer) => tlv(0x04, content);
const bitString = (content: Buffer) => tlv(0x03, Buffer.from([0]), content);
const utf8 = (text: string) => tlv(0x0c, Buffer.from(text, 'utf8'));
const boolean = (value: boolean) => tlv(0x01, Buffer.from([value ? 0xff : 0]));
function integer(bytes: Buffer): Buffer {
  // a leading 1 bit would make it negative
  return tlv(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}
function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const bytes = [first! * 40 + second!];
  for (const arc of rest) {
    const groups = [arc & 0x7f];
    for (let value = arc >> 7; value > 0; value >>= 7) groups.unshift((value & 0x7f) | 0x80);
    bytes.push(...groups);
  }
  return tlv(0x06, Buffer.from(bytes));
}
/** UTCTime until 2049, GeneralizedTime after, as RFC 5280 says. */
function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2))) : tlv(0x18, Buffer.from(iso));
}
function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  // expand "::" to the missing groups of zeros
  const [head, tail = ''] = ip.split('::');
  const groups = (part: string) => (part ? part.split(':') : []);
  const missing = 8 - groups(head!).length - groups(tail).length;
  return Buffer.from([...groups(head!), ...Array(missing).fill('0'), ...groups(tail)].flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
}

const ECDSA_WITH_SHA256 = sequence(oid('1.2.840.10045.4.3.2'));

/** An X.509 v3 certificate for `hosts`, self-signed with `key` (ECDSA P-256), as PEM. */
function certificate(key: KeyObject, publicKey: KeyObject, hosts: string[], now: Date): string {
  const name = sequence(set(sequence(oid('2.5.4.3'), utf8(hosts[0]!))));
  const altNames = sequence(...hosts.map((host) => (isIP(host) ? tlv(0x87, ipBytes(host)) : tlv(0x82, Buffer.from(host, 'ascii')))));
  const extension = (id: string, critical: boolean, value: Buffer) => sequence(oid(id), ...(critical ? [boolean(true)] : []), octets(value));
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))),
    // positive and unique enough: 16 random bytes with the top bit cleared
    integer(Buffer.from(randomBytes(16).map((b, i) => (i === 0 ? b & 0x7f : b)))),
    ECDSA_WITH_SHA256,
    name,
    // an hour back, so a clock a little behind still accepts it
    sequence(time(new Date(now.getTime() - 3600_000)), time(new Date(now.getTime() + VALID_DAYS * 24 * 3600_000))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(
      3,
      sequence(
        // its own trust anchor (the way `openssl req -x509` makes one), so a client can pin it as its CA
        extension('2.5.29.19', true, sequence(boolean(true))),
        // digitalSignature and keyCertSign
        extension('2.5.29.15', true, bitString(Buffer.from([0x84]))),
        // serverAuth
        extension('2.5.29.37', false, sequence(oid('1.3.6.1.5.5.7.3.1'))),
        extension('2.5.29.17', false, altNames),
      ),
    ),
  );
  const signature = sign('sha256', tbs, { key, dsaEncoding: 'der' });
  const der = sequence(tbs, ECDSA_WITH_SHA256, bitString(signature));
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** Whether `files` still serve `hosts` past the renewal margin, and the key is the certificate's. */
function stillGood(files: TlsFiles, hosts: string[], now: Date): boolean {
  try {
    const cert = new X509Certificate(files.cert);
    const names = cert.subjectAltName ?? '';
    const covers = hosts.every((host) => names.includes(isIP(host) ? `IP Address:${host === '::1' ? '0:0:0:0:0:0:0:1' : host}` : `DNS:${host}`));
    return covers && Date.parse(cert.validTo) - now.getTime() > RENEW_BEFORE_MS && cert.checkPrivateKey(createPrivateKey(files.key));
  } catch {
    return false;
  }
}

/**
 * The self-signed certificate kept in `dir` (`cert.pem`, `key.pem`, owner-only), made on the
 * first call and again when it is near its end or no longer covers `hosts`; later starts reuse
 * it, so a browser or wallet told to trust it once keeps trusting it.
 *
 * @example
 * const { cert, key } = selfSignedCertificate('.exchange-data/tls'); // https.createServer({ cert, key })
 */
export function selfSignedCertificate(dir: string, hosts: string[] = LOCAL_HOSTS, now: Date = new Date()): TlsFiles {
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  if (existsSync(certPath) && existsSync(keyPath)) {
    const kept = { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
    if (stillGood(kept, hosts, now)) return kept;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const files = { cert: certificate(privateKey, publicKey, hosts, now), key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
  writeFileSync(keyPath, files.key, { mode: 0o600 });
  writeFileSync(certPath, files.cert, { mode: 0o600 });
  return files;
}
