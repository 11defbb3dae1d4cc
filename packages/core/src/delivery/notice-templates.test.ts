import { describe, expect, it } from 'vitest';
import { claimNotice, signInNotice } from './notice-templates.js';

const facts = {
  institution: 'Universität Leipzig',
  achievement: 'Datenwissenschaft',
  link: 'https://exchange.example/claim/abc',
  expiresAt: '2026-04-01T10:00:00Z',
  signInUrl: 'https://exchange.example/my',
};

describe('the claim notice', () => {
  it('is English by default, with the German below it, in the plain text and the HTML', () => {
    const notice = claimNotice(facts);
    expect(notice.language).toBe('en');
    expect(notice.subject).toBe('Universität Leipzig issued you a credential: Datenwissenschaft');
    expect(notice.text.indexOf('This link works until 1 April 2026')).toBeGreaterThan(-1);
    expect(notice.text.indexOf('Dieser Link funktioniert bis zum 1. April 2026')).toBeGreaterThan(notice.text.indexOf('This link works until'));
    expect(notice.html).toContain('<html lang="en">');
    expect(notice.html.indexOf('<div lang="de">')).toBeGreaterThan(notice.html.indexOf('<div lang="en">'));
  });

  it('is German first for an institution whose default language is German, then English', () => {
    const notice = claimNotice(facts, 'de');
    expect(notice.language).toBe('de');
    expect(notice.subject).toBe('Universität Leipzig hat Ihnen einen Nachweis ausgestellt: Datenwissenschaft');
    const german = notice.text.indexOf('Universität Leipzig hat Ihnen einen Nachweis für „Datenwissenschaft“ ausgestellt.');
    const english = notice.text.indexOf('Universität Leipzig issued you a credential for “Datenwissenschaft”.');
    expect(german).toBe(0);
    expect(english).toBeGreaterThan(german);
    expect(notice.html).toContain('<html lang="de">');
    expect(notice.html.indexOf('<div lang="en">')).toBeGreaterThan(notice.html.indexOf('<div lang="de">'));
  });

  it('carries the claim link in every language part, as text and as a link', () => {
    const notice = claimNotice(facts, 'de');
    expect(notice.text.split(facts.link)).toHaveLength(3);
    expect(notice.html.split(`<a href="${facts.link}">`)).toHaveLength(3);
    expect(notice.html).toContain('>Ihren Nachweis öffnen</a>');
    expect(notice.html).toContain('>Open your credential</a>');
  });

  it('escapes values in the HTML of every part, and keeps them as they are in the text', () => {
    const notice = claimNotice({ ...facts, achievement: 'Machine <b>learning</b> & "data"' }, 'de');
    expect(notice.html.split('Machine &lt;b&gt;learning&lt;/b&gt; &amp; &quot;data&quot;').length).toBeGreaterThanOrEqual(3);
    expect(notice.html).not.toContain('<b>learning</b>');
    expect(notice.text).toContain('Machine <b>learning</b> & "data"');
  });
});

describe('the sign-in notice', () => {
  it('is in the language it was asked for in first, with the other below', () => {
    const notice = signInNotice({ link: 'https://exchange.example/my?token=t', minutes: 15 }, 'de');
    expect(notice.subject).toBe('Ihr Anmeldelink zu „Meine Nachweise“');
    expect(notice.text.indexOf('Er funktioniert einmal, 15 Minuten lang.')).toBeLessThan(notice.text.indexOf('It works once, for 15 minutes.'));
    expect(notice.html).toContain('<html lang="de">');
    expect(notice.html).toContain('<div lang="en">');
  });

  it('is English first when no language is given', () => {
    const notice = signInNotice({ link: 'https://exchange.example/my?token=t', minutes: 15 });
    expect(notice.subject).toBe('Your sign-in link to My credentials');
    expect(notice.language).toBe('en');
    expect(notice.text).toContain('Er funktioniert einmal, 15 Minuten lang.');
  });
});
