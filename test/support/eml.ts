/**
 * Reads back the `.eml` files of the local outbox (RFC 5322, multipart/alternative,
 * quoted-printable parts, RFC 2047 base64 encoded-words), enough for tests to find a
 * notice's recipient and the links in its plain text and HTML. Not a general MIME parser.
 */
import { readFileSync } from 'node:fs';

export interface ParsedEml {
  /** Unfolded headers, names lowercased, encoded-words decoded. */
  headers: Record<string, string>;
  /** The alternative parts in order, bodies decoded. */
  parts: Array<{ headers: Record<string, string>; body: string }>;
}

function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.replace(/\r\n[ \t]/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
  }
  return headers;
}

/** RFC 2047: runs of adjacent encoded-words are one text, the space between them ignored. */
function decodeWords(value: string): string {
  return value.replace(/=\?UTF-8\?B\?[^?]*\?=(?:\s+=\?UTF-8\?B\?[^?]*\?=)*/gi, (run) =>
    Buffer.concat([...run.matchAll(/=\?UTF-8\?B\?([^?]*)\?=/gi)].map((word) => Buffer.from(word[1]!, 'base64'))).toString('utf8'),
  );
}

export function decodeQuotedPrintable(body: string): string {
  const joined = body.replace(/=\r\n/g, '');
  const bytes: number[] = [];
  for (let index = 0; index < joined.length; index++) {
    if (joined[index] === '=') {
      bytes.push(parseInt(joined.slice(index + 1, index + 3), 16));
      index += 2;
    } else {
      bytes.push(joined.charCodeAt(index));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Parses a message as the OutboxMailer writes it; throws when it is not shaped so. */
export function parseEml(raw: string): ParsedEml {
  const split = raw.indexOf('\r\n\r\n');
  const headers = parseHeaders(raw.slice(0, split));
  const boundary = /boundary="([^"]+)"/.exec(headers['content-type'] ?? '')?.[1];
  if (!boundary) throw new Error('not a multipart message');
  const sections = raw.slice(split + 4).split(`--${boundary}`);
  if (sections.at(-1) !== '--\r\n') throw new Error('the message does not end with its closing boundary');
  const parts = sections.slice(1, -1).map((section) => {
    const body = section.replace(/^\r\n/, '').replace(/\r\n$/, '');
    const end = body.indexOf('\r\n\r\n');
    const partHeaders = parseHeaders(body.slice(0, end));
    const encoded = body.slice(end + 4);
    return { headers: partHeaders, body: partHeaders['content-transfer-encoding'] === 'quoted-printable' ? decodeQuotedPrintable(encoded) : encoded };
  });
  return { headers, parts };
}

export const readEml = (path: string): ParsedEml => parseEml(readFileSync(path, 'utf8'));
