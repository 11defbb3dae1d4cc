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
  /** Where the student signs in to reach every credential of the address (`/my`). */
  signInUrl: string;
}

const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A day as people read it, in UTC so that every reader of one notice sees the same day. */
const day = (iso: string): string => new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(iso));

/** What a notice says, once: paragraphs before its link, the link with what leads to it, paragraphs after. */
interface NoticeLayout {
  subject: string;
  before: string[];
  link: { lead: string; href: string; label: string };
  after: string[];
}

/** The plain text and the HTML of one layout, saying the same; every value escaped in the HTML. */
function compose({ subject, before, link, after }: NoticeLayout): NoticeContent {
  const text = [...before, `${link.lead}\n${link.href}`, ...after].join('\n\n');
  const p = (paragraph: string, style = '') => `<p${style}>${escapeHtml(paragraph)}</p>`;
  const html = [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family: sans-serif; line-height: 1.5">',
    ...before.map((paragraph) => p(paragraph)),
    p(link.lead),
    `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>`,
    // the address itself too, for mail readers that show no links
    p(link.href, ' style="font-size: smaller"'),
    ...after.map((paragraph) => p(paragraph)),
    '</body></html>',
  ].join('\n');
  return { subject, text, html, language: 'en' };
}

/** The notice of a credential issued to an address, with its claim link. */
export function claimNotice(facts: ClaimNoticeFacts): NoticeContent {
  return compose({
    subject: `${facts.institution} issued you a credential: ${facts.achievement}`,
    before: [`${facts.institution} issued you a credential for “${facts.achievement}”.`],
    link: { lead: 'Open it to download it, share it, add it to your profile or take it to another university:', href: facts.link, label: 'Open your credential' },
    after: [
      `This link works until ${day(facts.expiresAt)}. After that, ask ${facts.institution} for a new one, or sign in with this address at “My credentials”: ${facts.signInUrl}`,
      'If you did not expect this message, you can ignore it.',
    ],
  });
}

/** The sign-in link of `/my`, working for `minutes`. */
export function signInNotice(facts: { link: string; minutes: number }): NoticeContent {
  return compose({
    subject: 'Your sign-in link to My credentials',
    before: [],
    link: { lead: 'Use this link to see the credentials issued to this address:', href: facts.link, label: 'Sign in to My credentials' },
    after: [`It works once, for ${facts.minutes} minutes.`, 'If you did not ask for it, you can ignore this message: nothing happens without the link.'],
  });
}
