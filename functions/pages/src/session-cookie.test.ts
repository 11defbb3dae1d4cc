/** The `/my` session cookie: its name and attributes on HTTPS and plain HTTP, what it reads back, and how it is cleared. */
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { sessionCookie } from './session-cookie.js';

const TOKEN = 'a'.repeat(43);

/** An app that writes, reads back and clears the cookie of a site at `publicUrl`. */
function appFor(publicUrl: string) {
  const cookie = sessionCookie(publicUrl);
  const app = new Hono();
  app.get('/write', (c) => {
    cookie.write(c, TOKEN);
    return c.body(null, 204);
  });
  app.get('/read', (c) => c.text(cookie.read(c) ?? '(none)'));
  app.get('/clear', (c) => {
    cookie.clear(c);
    return c.body(null, 204);
  });
  return app;
}

describe('the session cookie', () => {
  it('is __Host- prefixed and Secure on HTTPS', async () => {
    const response = await appFor('https://exchange.example').request('https://exchange.example/write');
    expect(response.headers.get('set-cookie')).toBe(`__Host-cx_session=${TOKEN}; Max-Age=43200; Path=/; HttpOnly; Secure; SameSite=Lax`);
  });

  it('is plain cx_session on HTTP, where a browser would refuse a Secure cookie', async () => {
    const response = await appFor('http://localhost:8080').request('/write');
    expect(response.headers.get('set-cookie')).toBe(`cx_session=${TOKEN}; Max-Age=43200; Path=/; HttpOnly; SameSite=Lax`);
  });

  it('reads back only what looks like a token of ours', async () => {
    const app = appFor('http://localhost:8080');
    expect(await (await app.request('/read', { headers: { cookie: `cx_session=${TOKEN}` } })).text()).toBe(TOKEN);
    expect(await (await app.request('/read', { headers: { cookie: 'cx_session=<script>' } })).text()).toBe('(none)');
    expect(await (await app.request('/read', { headers: { cookie: `other=${TOKEN}` } })).text()).toBe('(none)');
  });

  it('is cleared with the same attributes it was set with', async () => {
    const response = await appFor('https://exchange.example').request('https://exchange.example/clear');
    expect(response.headers.get('set-cookie')).toMatch(/^__Host-cx_session=; Max-Age=0; .*Path=\/; HttpOnly; Secure; SameSite=Lax$/);
  });
});
