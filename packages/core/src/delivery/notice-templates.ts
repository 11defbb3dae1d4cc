/**
 * What notices say: the claim notice (a credential was issued to this address) and the
 * sign-in notice of `/my`, each as a subject, plain text and HTML. A notice is written in one
 * language first (the institution's `defaultLanguage` for a claim notice, the page's language
 * for a sign-in notice) with the same notice in every other language of the catalogues below
 * it, in the plain text and the HTML alike: a student abroad reads a German university's
 * notice in English. Values are escaped in the HTML; the plain text carries them as they are.
 */
import type { MailMessage } from '@cx/domain';
import { DEFAULT_LANGUAGE, i18nFor, LANGUAGES, type I18n, type Language } from '@cx/i18n';

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

/** What a notice says in one language, once: paragraphs before its link, the link with what leads to it, paragraphs after. */
interface NoticeLayout {
  lang: Language;
  subject: string;
  before: string[];
  link: { lead: string; href: string; label: string };
  after: string[];
}

/** The notice's languages: the chosen one first, then every other one the catalogues have. */
function languagesFrom(first: Language | undefined): Language[] {
  const lead = first ?? DEFAULT_LANGUAGE;
  return [lead, ...LANGUAGES.filter((lang) => lang !== lead)];
}

/** The plain text and the HTML of the layouts, first language first, each part saying the same; every value escaped in the HTML. */
function compose(layouts: NoticeLayout[]): NoticeContent {
  const [first] = layouts as [NoticeLayout, ...NoticeLayout[]];
  const textOf = ({ before, link, after }: NoticeLayout) => [...before, `${link.lead}\n${link.href}`, ...after].join('\n\n');
  const p = (paragraph: string, style = '') => `<p${style}>${escapeHtml(paragraph)}</p>`;
  const htmlOf = ({ lang, before, link, after }: NoticeLayout) =>
    [
      `<div lang="${lang}">`,
      ...before.map((paragraph) => p(paragraph)),
      p(link.lead),
      `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>`,
      // the address itself too, for mail readers that show no links
      p(link.href, ' style="font-size: smaller"'),
      ...after.map((paragraph) => p(paragraph)),
      '</div>',
    ].join('\n');
  // each later language opens with its own subject line, so a reader finds where it starts
  const text = layouts.map((layout, index) => (index === 0 ? textOf(layout) : `${layout.subject}\n\n${textOf(layout)}`)).join('\n\n----------\n\n');
  const html = [
    '<!doctype html>',
    `<html lang="${first.lang}"><head><meta charset="utf-8"><title>${escapeHtml(first.subject)}</title></head>`,
    '<body style="font-family: sans-serif; line-height: 1.5">',
    layouts
      .map((layout, index) => (index === 0 ? htmlOf(layout) : `<hr>\n<h2 lang="${layout.lang}" style="font-size: 1.1em">${escapeHtml(layout.subject)}</h2>\n${htmlOf(layout)}`))
      .join('\n'),
    '</body></html>',
  ].join('\n');
  return { subject: first.subject, text, html, language: first.lang };
}

function claimLayout(facts: ClaimNoticeFacts, i18n: I18n): NoticeLayout {
  const { t } = i18n;
  const names = { institution: facts.institution, achievement: facts.achievement };
  return {
    lang: i18n.lang,
    subject: t('notice.claim.subject', names),
    before: [t('notice.claim.issued', names)],
    link: { lead: t('notice.claim.lead'), href: facts.link, label: t('notice.claim.label') },
    after: [t('notice.claim.until', { until: i18n.date(facts.expiresAt)!, institution: facts.institution, signInUrl: facts.signInUrl }), t('notice.claim.unexpected')],
  };
}

/** The notice of a credential issued to an address, with its claim link, in `language` first (the institution's `defaultLanguage`). */
export function claimNotice(facts: ClaimNoticeFacts, language?: Language): NoticeContent {
  return compose(languagesFrom(language).map((lang) => claimLayout(facts, i18nFor(lang))));
}

/** The sign-in link of `/my`, working for `minutes`, in `language` first (the language of the page it was asked for on). */
export function signInNotice(facts: { link: string; minutes: number }, language?: Language): NoticeContent {
  return compose(
    languagesFrom(language).map((lang) => {
      const { t } = i18nFor(lang);
      return {
        lang,
        subject: t('notice.signIn.subject'),
        before: [],
        link: { lead: t('notice.signIn.lead'), href: facts.link, label: t('notice.signIn.label') },
        after: [t('notice.signIn.once', { minutes: facts.minutes }), t('notice.signIn.unexpected')],
      };
    }),
  );
}
