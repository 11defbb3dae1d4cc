import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DependencyError, type MailMessage } from '@cx/domain';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEml } from '../../../test/support/eml.js';
import { OutboxMailer } from './outbox-mailer.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function outbox(): string {
  const folder = mkdtempSync(join(tmpdir(), 'cx-outbox-'));
  folders.push(folder);
  return join(folder, 'outbox');
}

const claimLink = `https://exchange.test/claim/${'Qx-_9'.repeat(9)}a7?ref=notice&lang=de`;

const notice = (overrides: Partial<MailMessage> = {}): MailMessage => ({
  id: 'notice-3f9a',
  to: 'zoë@example.org',
  subject: 'Ihr Nachweis der Universität Łódź ist da: Grundlagen des maschinellen Lernens',
  text: `Guten Tag,\n\ndie Universität Łódź hat Ihnen einen Nachweis ausgestellt. Öffnen Sie ihn hier: ${claimLink}\nDer Link gilt 30 Tage. \n`,
  html: `<p>Die Universität Łódź hat Ihnen einen Nachweis ausgestellt.</p><p><a href="${claimLink}">Nachweis öffnen</a></p>`,
  language: 'de',
  ...overrides,
});

describe('OutboxMailer', () => {
  it('writes one RFC 5322 message per notice, named by the notice id, that reads back as it was given', async () => {
    const dir = outbox();
    const mailer = new OutboxMailer(dir, { clock: { now: () => new Date('2026-12-02T14:45:34Z') } });

    const { providerMessageId } = await mailer.send(notice());

    expect(providerMessageId).toBe('notice-3f9a.eml');
    const { headers, parts } = parseEml(readFileSync(join(dir, 'notice-3f9a.eml'), 'utf8'));
    expect(headers).toMatchObject({
      from: 'Consortium exchange <notices@localhost>',
      to: 'zoë@example.org',
      subject: notice().subject,
      date: 'Wed, 02 Dec 2026 14:45:34 +0000',
      'message-id': '<notice-3f9a@localhost>',
      'mime-version': '1.0',
      'content-language': 'de',
    });
    expect(headers['content-type']).toMatch(/^multipart\/alternative; boundary=/);
    expect(parts.map((part) => part.headers['content-transfer-encoding'])).toEqual(['quoted-printable', 'quoted-printable']);
    expect(parts.map((part) => part.headers['content-type'])).toEqual(['text/plain; charset=UTF-8', 'text/html; charset=UTF-8']);
    expect(parts[0]!.body).toBe(notice().text.replace(/\n/g, '\r\n'));
    expect(parts[1]!.body).toBe(notice().html);
  });

  it('keeps the claim link intact in both parts', async () => {
    const dir = outbox();

    await new OutboxMailer(dir).send(notice());

    const { parts } = parseEml(readFileSync(join(dir, 'notice-3f9a.eml'), 'utf8'));
    expect(parts[0]!.body).toContain(claimLink);
    expect(parts[1]!.body).toContain(`href="${claimLink}"`);
  });

  it('writes CRLF lines within the line length limits, and ASCII only', async () => {
    const dir = outbox();

    await new OutboxMailer(dir).send(notice());

    const raw = readFileSync(join(dir, 'notice-3f9a.eml'), 'utf8');
    expect(raw).not.toMatch(/[^\r]\n|\r[^\n]/);
    const lines = raw.split('\r\n');
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(76);
    // the recipient may be an internationalised address (RFC 6532); everything else is ASCII
    expect(lines.filter((line) => !line.startsWith('To:')).join('')).toMatch(/^[\x20-\x7e]*$/);
  });

  it('keeps the files for their owner only, and leaves no temporary file', async () => {
    const dir = outbox();

    await new OutboxMailer(dir).send(notice());
    await new OutboxMailer(dir).send(notice({ id: 'notice-2' }));

    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'notice-3f9a.eml')).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual(['notice-2.eml', 'notice-3f9a.eml']);
  });

  it('writes an ASCII subject and a sender of its own as they are', async () => {
    const dir = outbox();

    await new OutboxMailer(dir, { from: 'Exchange of Uni A <noreply@uni-a.test>' }).send(notice({ subject: 'Your credential is ready' }));

    const { headers } = parseEml(readFileSync(join(dir, 'notice-3f9a.eml'), 'utf8'));
    expect(headers).toMatchObject({ from: 'Exchange of Uni A <noreply@uni-a.test>', subject: 'Your credential is ready', 'message-id': '<notice-3f9a@uni-a.test>' });
  });

  it('refuses a notice id that would name a file outside the outbox', async () => {
    await expect(new OutboxMailer(outbox()).send(notice({ id: '../escape' }))).rejects.toThrow(/notice id/);
  });

  it('fails as a dependency when the outbox cannot be written', async () => {
    const dir = outbox();
    writeFileSync(dir, 'a file where the folder should be');

    await expect(new OutboxMailer(dir).send(notice())).rejects.toBeInstanceOf(DependencyError);
  });
});
