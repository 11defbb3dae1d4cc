/**
 * What notices say: the claim notice (a credential was issued to this address) and the
 * sign-in notice of `/my`, each as a subject, plain text and HTML. Values are escaped in
 * the HTML; the plain text carries them as they are. English for now (`en`); issue 15 adds
 * the languages an institution chooses.
 */
import type { MailMessage } from '@cx/domain';

/** What a notice's mail holds, before it is addressed. */
export type NoticeContent = Pick<MailMessage, 'subject' | 'text' | 'html' | 'language'>;

export interface ClaimNoticeFacts {
  /** The institution as the member list names it. */
  institution: string;
  /** The achievement's name, as the credential gives it. */
  achievement: string;
  /** The claim link (with its raw token). */
  link: string;
  /** When the link stops working (ISO). */
  expiresAt: string;
}

const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A day as people read it, in UTC so that every reader of one notice sees the same day. */
const day = (iso: string): string => new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(iso));

/** A minimal HTML mail: paragraphs, and one link as a button-like anchor. */
function html(title: string, paragraphs: string[], link: { href: string; label: string }, after: string[]): string {
  const p = (text: string) => `<p>${text}</p>`;
  return [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>`,
    '<body style="font-family: sans-serif; line-height: 1.5">',
    ...paragraphs.map(p),
    `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>`,
    `<p style="font-size: smaller">${escapeHtml(link.href)}</p>`,
    ...after.map(p),
    '</body></html>',
  ].join('\n');
}

/** The notice of a credential issued to an address, with its claim link. */
export function claimNotice(facts: ClaimNoticeFacts): NoticeContent {
  const until = day(facts.expiresAt);
  const subject = `${facts.institution} issued you a credential: ${facts.achievement}`;
  const text = [
    `${facts.institution} issued you a credential for "${facts.achievement}".`,
    '',
    'Open it here to download it, share it, add it to your profile or take it to another university:',
    facts.link,
    '',
    `This link works until ${until}. After that, ask ${facts.institution} for a new one, or sign in at "My credentials" with this address.`,
    '',
    'If you did not expect this message, you can ignore it.',
  ].join('\n');
  return {
    subject,
    text,
    html: html(
      subject,
      [`${escapeHtml(facts.institution)} issued you a credential for <strong>${escapeHtml(facts.achievement)}</strong>.`, 'Open it to download it, share it, add it to your profile or take it to another university.'],
      { href: facts.link, label: 'Open your credential' },
      [
        `This link works until ${escapeHtml(until)}. After that, ask ${escapeHtml(facts.institution)} for a new one, or sign in at “My credentials” with this address.`,
        'If you did not expect this message, you can ignore it.',
      ],
    ),
    language: 'en',
  };
}

/** The sign-in link of `/my`, working for `minutes`. */
export function signInNotice(facts: { link: string; minutes: number }): NoticeContent {
  const subject = 'Your sign-in link to My credentials';
  const text = [
    'Use this link to see the credentials issued to this address:',
    facts.link,
    '',
    `It works once, for ${facts.minutes} minutes.`,
    '',
    'If you did not ask for it, you can ignore this message: nothing happens without the link.',
  ].join('\n');
  return {
    subject,
    text,
    html: html(
      subject,
      ['Use this link to see the credentials issued to this address.'],
      { href: facts.link, label: 'Sign in to My credentials' },
      [`It works once, for ${facts.minutes} minutes.`, 'If you did not ask for it, you can ignore this message: nothing happens without the link.'],
    ),
    language: 'en',
  };
}
