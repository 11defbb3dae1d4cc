/**
 * The request's language for the pages: negotiated once per request (`?lang=`, the switcher's
 * remembered choice, `Accept-Language`), and read by every component through hono's context
 * storage (AsyncLocalStorage), so the translator need not be handed through every prop.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { getContext } from 'hono/context-storage';
import { getCookie, setCookie } from 'hono/cookie';
import { i18nFor, negotiateLanguage, type I18n } from '@cx/i18n';
import type { PagesEnv } from './page.js';

/** The switcher's remembered choice; not a secret, so readable by the page's script too. */
export const LANGUAGE_COOKIE = 'lang';
const ONE_YEAR = 365 * 24 * 3600;

/** Picks the request's language, remembers a `?lang=` choice, and says which language answered and on what it depends. */
export function languages(publicUrl: string): MiddlewareHandler<PagesEnv> {
  const secure = publicUrl.startsWith('https:');
  return async (c, next) => {
    const { lang, source } = negotiateLanguage({
      query: c.req.query('lang'),
      cookie: getCookie(c, LANGUAGE_COOKIE),
      acceptLanguage: c.req.header('accept-language'),
    });
    c.set('i18n', i18nFor(lang));
    if (source === 'query') setCookie(c, LANGUAGE_COOKIE, lang, { path: '/', sameSite: 'Lax', maxAge: ONE_YEAR, secure });
    await next();
    c.header('content-language', lang);
    c.header('vary', 'Accept-Language, Cookie', { append: true });
  };
}

/** The current request's translator (inside a page request; English outside one). */
export function useI18n(): I18n {
  try {
    return getContext<PagesEnv>().var.i18n ?? i18nFor('en');
  } catch {
    return i18nFor('en');
  }
}

/** The translator of a request whose context is at hand. */
export const i18nOf = (c: Context<PagesEnv>): I18n => c.var.i18n ?? i18nFor('en');
