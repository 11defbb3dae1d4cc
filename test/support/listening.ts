/**
 * Which local addresses a TCP port is listening on, read from the kernel's socket tables
 * (/proc/net/tcp and tcp6). Tests ask this instead of connecting to the machine's network
 * addresses: nothing leaves loopback, and the answer is the bind address itself.
 */
import { readFileSync } from 'node:fs';

const LISTEN = '0A';

/** `127.0.0.1`, `0.0.0.0`, `::` … for each socket listening on `port` (Linux only). */
export function listeningAddresses(port: number): string[] {
  const found = new Set<string>();
  for (const [file, decode] of [
    ['/proc/net/tcp', ipv4],
    ['/proc/net/tcp6', ipv6],
  ] as const) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== LISTEN) continue;
      const [hexAddress, hexPort] = local.split(':');
      if (parseInt(hexPort!, 16) === port) found.add(decode(hexAddress!));
    }
  }
  return [...found].sort();
}

/** /proc prints an IPv4 address as one little-endian 32-bit word. */
function ipv4(hex: string): string {
  return [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.');
}

/** Four little-endian words; only the forms a server binds to matter here. */
function ipv6(hex: string): string {
  if (/^0+$/.test(hex)) return '::';
  if (hex === '00000000000000000000000001000000') return '::1';
  if (hex.startsWith('0000000000000000FFFF0000')) return `::ffff:${ipv4(hex.slice(24))}`;
  return hex;
}
