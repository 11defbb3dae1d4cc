/** What every page module shares: the app's environment, its services, and rendering. */
import type { Context, Hono } from 'hono';
import type { Child } from 'hono/jsx';
import type { CatalogueService, CredentialServices } from '@cx/core';
import type { RequestIdVariables } from '@cx/http';
import type { ExchangeDeps } from '@cx/runtime';
import type { Persistence, StoredInstitution } from '@cx/domain';
import type { I18n } from '@cx/i18n';
import { Layout, type Section } from './layout.js';

export type PagesEnv = { Variables: RequestIdVariables & { i18n: I18n } };
export type PagesApp = Hono<PagesEnv>;

export interface PagesContext {
  deps: ExchangeDeps;
  services: CredentialServices;
  catalogue: CatalogueService;
}

/** Renders a whole page: the doctype, the shared frame, and `body`. */
export async function render(c: Context<PagesEnv>, page: { title: string; section: Section; status?: number }, body: Child) {
  const url = new URL(c.req.url);
  const html = await (
    <Layout title={page.title} section={page.section} here={`${url.pathname}${url.search}`}>
      {body}
    </Layout>
  ).toString();
  return c.html(`<!DOCTYPE html>${html}`, (page.status ?? 200) as 200);
}

/** The member list, in id order (a consortium has at most a few hundred members). */
export async function memberList(store: Persistence): Promise<StoredInstitution[]> {
  const members: StoredInstitution[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 20; page++) {
    const result = await store.institutions.list(100, cursor);
    members.push(...result.items);
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  return members;
}

/** A form field's value as text: absent, a file, or repeated fields count as empty. */
export function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
