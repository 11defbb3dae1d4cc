/**
 * The `/my` session cookie: HttpOnly, SameSite=Lax, Path=/, 12 hours; on HTTPS it is Secure
 * and `__Host-` prefixed (the browser then refuses it from any subdomain or plain HTTP).
 * It carries the session's random token; the exchange keeps only its hash.
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { SESSION_TTL_SECONDS } from '@cx/domain';

export interface SessionCookie {
  read(c: Context): string | undefined;
  write(c: Context, token: string): void;
  clear(c: Context): void;
}

/**
 * The cookie for a site served at `publicUrl`.
 *
 * @example
 * const cookie = sessionCookie('https://exchange.example');   // __Host-cx_session, Secure
 */
export function sessionCookie(publicUrl: string): SessionCookie {
  const secure = new URL(publicUrl).protocol === 'https:';
  const name = secure ? '__Host-cx_session' : 'cx_session';
  const options = { httpOnly: true, secure, sameSite: 'Lax', path: '/' } as const;
  return {
    // a token is 43 base64url characters: anything else is no session of ours
    read: (c) => {
      const value = getCookie(c, name);
      return value && /^[\w-]{20,100}$/.test(value) ? value : undefined;
    },
    write: (c, token) => setCookie(c, name, token, { ...options, maxAge: SESSION_TTL_SECONDS }),
    clear: (c) => {
      deleteCookie(c, name, options);
    },
  };
}
