/**
 * The local Mailer of `pnpm start`: nothing is sent anywhere; each notice becomes one
 * RFC 5322 message file, `<outbox>/<notice id>.eml`, that any mail program opens (a
 * multipart/alternative of plain text and HTML, UTF-8, quoted-printable, CRLF lines).
 *
 * A file appears whole or not at all (written under a temporary name, then renamed), and
 * only the owner reads it: it holds an address and a working claim or sign-in link.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DependencyError, systemClock, type Clock, type MailMessage, type Mailer } from '@cx/domain';

/** Who local notices are from unless told otherwise. */
export const LOCAL_SENDER = 'Consortium exchange <notices@localhost>';

export interface OutboxMailerOptions {
  /** The `From:` of every message, `Name <address>` (LOCAL_SENDER unless told otherwise). */
  from?: string;
  /** What dates the messages (`Date:`). */
  clock?: Clock;
}

export class OutboxMailer implements Mailer {
  private readonly from: string;
  private readonly domain: string;
  private readonly clock: Clock;

  /** @param dir the outbox folder (created owner-only when missing) */
  constructor(
    readonly dir: string,
    options: OutboxMailerOptions = {},
  ) {
    this.from = mailbox(options.from ?? LOCAL_SENDER);
    this.domain = /@([^>\s]+)>?\s*$/.exec(options.from ?? LOCAL_SENDER)?.[1] ?? 'localhost';
    this.clock = options.clock ?? systemClock;
  }

  /** Writes the message to `<dir>/<id>.eml`; the file name is the provider message id. */
  async send(message: MailMessage): Promise<{ providerMessageId: string }> {
    // the id names a file: nothing that could leave the folder
    if (!/^[A-Za-z0-9_-]+$/.test(message.id)) throw new RangeError(`a notice id names its outbox file; ${JSON.stringify(message.id)} cannot`);
    if (/[\r\n]/.test(message.to)) throw new RangeError('a recipient address holds no line break');
    const name = `${message.id}.eml`;
    const temporary = join(this.dir, `.${message.id}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      if ((statSync(this.dir).mode & 0o777) !== 0o700) chmodSync(this.dir, 0o700);
      writeFileSync(temporary, this.render(message), { mode: 0o600, flag: 'wx' });
      renameSync(temporary, join(this.dir, name));
    } catch (error) {
      removeQuietly(temporary);
      throw new DependencyError(`could not write ${name} to the outbox ${this.dir}`, {}, { cause: error });
    }
    return { providerMessageId: name };
  }

  /** The whole message, headers and body, with CRLF line endings. */
  render(message: MailMessage): string {
    // "=_" never occurs in quoted-printable text, so no part can contain the boundary
    const boundary = `=_cx_${randomBytes(12).toString('hex')}`;
    const part = (type: string, body: string) =>
      [`--${boundary}`, `Content-Type: ${type}; charset=UTF-8`, 'Content-Transfer-Encoding: quoted-printable', '', quotedPrintable(body)].join('\r\n');
    return [
      `From: ${this.from}`,
      `To: ${message.to}`,
      `Subject: ${headerText(message.subject)}`,
      `Date: ${rfc5322Date(this.clock.now())}`,
      `Message-ID: <${message.id}@${this.domain}>`,
      'MIME-Version: 1.0',
      `Content-Language: ${message.language ?? 'en'}`,
      `Content-Type: multipart/alternative;\r\n boundary="${boundary}"`,
      '',
      part('text/plain', message.text),
      part('text/html', message.html),
      `--${boundary}--`,
      '',
    ].join('\r\n');
  }
}

/** Removes a temporary file if it is there. */
function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // best effort: the error worth reporting is the one that made the write fail
  }
}

/** `Name <address>` with the name encoded when it is not ASCII. */
function mailbox(value: string): string {
  if (/[\r\n]/.test(value)) throw new RangeError('a sender address holds no line break');
  const named = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(value);
  return named && named[1] ? `${headerText(named[1])} <${named[2]}>` : value;
}

/** RFC 5322 date-time, in UTC: `Wed, 02 Dec 2026 14:45:34 +0000`. */
function rfc5322Date(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}

/**
 * Header text as is when it is printable ASCII, else RFC 2047 encoded-words (UTF-8,
 * base64), split between characters and folded so that each line, "Subject: " included,
 * stays within the 76 characters RFC 2047 allows lines with encoded-words.
 */
function headerText(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  if (/^[\x20-\x7e]*$/.test(flat)) return flat;
  const words: string[] = [];
  let chunk = '';
  for (const character of flat) {
    // 30 bytes of UTF-8 are 40 characters of base64, 52 with =?UTF-8?B? and ?=
    if (Buffer.byteLength(chunk + character) > 30) {
      words.push(chunk);
      chunk = '';
    }
    chunk += character;
  }
  words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word).toString('base64')}?=`).join('\r\n ');
}

/** RFC 2045 quoted-printable of UTF-8 text, lines of at most 76 characters, CRLF endings. */
function quotedPrintable(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => {
      const bytes = Buffer.from(line);
      const tokens = [...bytes].map((byte, index) => {
        const last = index === bytes.length - 1;
        // space and tab stay, unless at the end of a line (where transport may strip them)
        const literal = (byte >= 33 && byte <= 126 && byte !== 61) || ((byte === 32 || byte === 9) && !last);
        return literal ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
      });
      const lines: string[] = [];
      let current = '';
      for (const token of tokens) {
        // 75 characters and the soft line break's "=" make 76
        if (current.length + token.length > 75) {
          lines.push(`${current}=`);
          current = '';
        }
        current += token;
      }
      lines.push(current);
      return lines.join('\r\n');
    })
    .join('\r\n');
}
