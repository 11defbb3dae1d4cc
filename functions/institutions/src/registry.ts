/**
 * The member list as an issuer registry for stock verifiers: `GET /registry/dcc-legacy.json`,
 * the Digital Credentials Consortium's "dcc-legacy" document, listing each active member's
 * did:web DID with its name, homepage and country. Public, like the member list it comes from.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { registryRoutes, type DccLegacyRegistry } from '@cx/contract';
import { institutionDid, systemClock, type Clock, type Persistence, type StoredInstitution } from '@cx/domain';
import type { ApiEnv } from '@cx/http';

/** A consortium has at most a few hundred members; this bounds the read all the same. */
const MAX_PAGES = 20;
const PAGE_SIZE = 100;

/** Every member, active or suspended, in id order. */
async function allMembers(store: Persistence): Promise<StoredInstitution[]> {
  const members: StoredInstitution[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await store.institutions.list(PAGE_SIZE, cursor);
    members.push(...result.items);
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  return members;
}

/**
 * The registry document for `members`: only active members are registered (a suspended one
 * can issue nothing new, and a verifier should stop vouching for it). `created` is when the
 * first member joined and `updated` when any member last changed, suspended ones included,
 * since a suspension changes the registry; with no members yet both are `now`.
 *
 * @example
 * dccLegacyRegistry('https://exchange.example.eu', members, '2026-01-01T00:00:00.000Z')
 * // { meta: { created, updated }, registry: { 'did:web:exchange.example.eu:institutions:uni-leiden': { name, url, location: 'NL' } } }
 */
export function dccLegacyRegistry(publicUrl: string, members: readonly StoredInstitution[], now: string): DccLegacyRegistry {
  const times = (pick: (member: StoredInstitution) => string) => members.map(pick).sort();
  const registry: DccLegacyRegistry['registry'] = {};
  for (const member of members) {
    if (member.status !== 'active') continue;
    registry[institutionDid(publicUrl, member.id)] = { name: member.name, url: member.homepage, location: member.country };
  }
  return {
    meta: { created: times((m) => m.createdAt)[0] ?? now, updated: times((m) => m.updatedAt).at(-1) ?? now },
    registry,
  };
}

/** Adds the registry route to the institutions app. */
export function registerRegistryRoutes(app: OpenAPIHono<ApiEnv>, deps: { store: Persistence; publicUrl: string; clock?: Clock }): void {
  const clock = deps.clock ?? systemClock;
  app.openapi(registryRoutes.dccLegacy, async (c) => {
    const members = await allMembers(deps.store);
    // verifiers may keep it a few minutes; a suspension shows within that time
    c.header('cache-control', 'public, max-age=300');
    return c.json(dccLegacyRegistry(deps.publicUrl, members, clock.now().toISOString()), 200);
  });
}
