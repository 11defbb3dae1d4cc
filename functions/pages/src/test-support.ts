/** Helpers for the pages' tests: send forms as a browser does, and read pages as a reader does. */
import { PUBLIC_URL, type TestExchange } from '../../../test/support/exchange.js';

export interface Page {
  status: number;
  headers: Headers;
  html: string;
  /** The page's text as read: tags dropped, entities decoded, whitespace collapsed. */
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'", nbsp: ' ' };

export function pageText(html: string): string {
  return html
    .replace(/<(script|style|head)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(#?\w+);/g, (match, name: string) => ENTITIES[name] ?? match)
    .replace(/\s+/g, ' ')
    .trim();
}

async function read(response: Response): Promise<Page> {
  const html = await response.text();
  return { status: response.status, headers: response.headers, html, text: pageText(html) };
}

export async function getPage(cx: TestExchange, path: string, headers: Record<string, string> = {}): Promise<Page> {
  return read(await cx.fetch(new Request(new URL(path, PUBLIC_URL), { headers, redirect: 'manual' })));
}

/** Posts a form as a browser on the exchange's own pages does: multipart, with its Origin (and any other headers, a cookie say). */
export async function postForm(cx: TestExchange, path: string, fields: Record<string, string | string[] | File | File[]>, origin = PUBLIC_URL, headers: Record<string, string> = {}): Promise<Page> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) form.append(name, item);
  }
  return read(await cx.fetch(new Request(new URL(path, PUBLIC_URL), { method: 'POST', body: form, headers: { origin, ...headers }, redirect: 'manual' })));
}

/**
 * The path of the newest link starting with `prefix` (`/claim/`, `/my?token=`) in the mail
 * sent to `to`, waiting for the notice queue to deliver it; `after` skips the messages
 * counted before.
 */
export async function linkInMail(mailer: { messages: Array<{ to: string; text: string }> }, to: string, prefix: string, after = 0): Promise<string> {
  const pattern = new RegExp(`${PUBLIC_URL.replace(/[.]/g, '\\.')}(${prefix.replace(/[?]/g, '\\?')}[\\w-]+)`);
  for (let attempt = 0; attempt < 200; attempt++) {
    const found = mailer.messages
      .slice(after)
      .filter((m) => m.to === to)
      .map((m) => pattern.exec(m.text)?.[1])
      .filter((link): link is string => Boolean(link))
      .at(-1);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no mail to ${to} with a link ${prefix}`);
}

export const jsonFile = (value: unknown, name = 'credential.json') => new File([JSON.stringify(value)], name, { type: 'application/json' });

/** The opening tag of the element with this id, to check its attributes. */
export function elementById(html: string, id: string): string | undefined {
  return new RegExp(`<[a-z]+[^>]*\\sid="${id}"[^>]*>`).exec(html)?.[0];
}
