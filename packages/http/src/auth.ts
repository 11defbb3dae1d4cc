/**
 * Who is calling. The principal comes only from a verified API key, never from the body;
 * routes then check it against the path with `requireAdmin` / `requireInstitution`.
 */
import { ForbiddenError, hashSecret, hashesEqual, parseApiKey, UnauthorizedError, type ApiKeyRepository, type Principal } from '@cx/domain';
import type { Context, MiddlewareHandler } from 'hono';
import type { ApiEnv } from './env.js';

export interface AuthDeps {
  /** Read at request time, so an app can be built (e.g. for its OpenAPI document) without a table. */
  store: { apiKeys: Pick<ApiKeyRepository, 'get'> };
  /** SHA-256 (hex) of the operator-supplied admin token (`CX_ADMIN_TOKEN`), if any. */
  adminTokenHash?: string;
}

export async function principalFromHeader(header: string | undefined, deps: AuthDeps): Promise<Principal> {
  if (header === undefined) return { kind: 'anonymous' };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new UnauthorizedError('the Authorization header must be "Bearer <api key>"');
  const token = match[1]!;
  if (deps.adminTokenHash && hashesEqual(hashSecret(token), deps.adminTokenHash)) {
    return { kind: 'admin', keyId: 'env-admin-token' };
  }
  const parsed = parseApiKey(token);
  const record = parsed && (await deps.store.apiKeys.get(parsed.keyId));
  if (!parsed || !record || record.status !== 'active' || !hashesEqual(hashSecret(parsed.secret), record.secretHash)) {
    throw new UnauthorizedError('unknown or revoked API key');
  }
  return record.owner.kind === 'admin'
    ? { kind: 'admin', keyId: record.keyId }
    : { kind: 'institution', institutionId: record.owner.institutionId, keyId: record.keyId };
}

/** Sets `principal` for every request; an unknown or malformed key is a 401 at once. */
export function authenticate(deps: AuthDeps): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    c.set('principal', await principalFromHeader(c.req.header('authorization'), deps));
    await next();
  };
}

/** The caller `authenticate` found. */
export function principalOf(c: Context<ApiEnv>): Principal {
  return c.get('principal');
}

export function requireAdmin(c: Context<ApiEnv>): Principal & { kind: 'admin' } {
  const principal = principalOf(c);
  if (principal.kind === 'anonymous') throw new UnauthorizedError('this route needs an admin API key');
  if (principal.kind !== 'admin') throw new ForbiddenError('this route is for consortium admins');
  return principal;
}

/**
 * Route middleware (`createRoute({ middleware: adminOnly })`) for admin routes: it runs
 * before the request is validated, so a caller without rights gets 401/403, never a 400
 * describing what the route would have accepted.
 */
export const adminOnly: MiddlewareHandler<ApiEnv> = async (c, next) => {
  requireAdmin(c);
  await next();
};

/** The caller must be the institution named in the path. Admins are not institutions: they cannot act (or sign) for one. */
export function requireInstitution(c: Context<ApiEnv>, institutionId: string): Principal & { kind: 'institution' } {
  const principal = principalOf(c);
  if (principal.kind === 'anonymous') throw new UnauthorizedError(`this route needs the API key of ${institutionId}`);
  if (principal.kind !== 'institution' || principal.institutionId !== institutionId) {
    throw new ForbiddenError(`only ${institutionId} may do this`);
  }
  return principal;
}

/** Any member institution's key (or an admin's). */
export function requireMember(c: Context<ApiEnv>): Principal & { kind: 'institution' | 'admin' } {
  const principal = principalOf(c);
  if (principal.kind === 'anonymous') throw new UnauthorizedError('this route needs an API key');
  return principal;
}

/**
 * Route middleware for routes of one institution (`/v1/institutions/{id}/...`): only that
 * institution's key passes, checked before validation so that another institution never
 * learns what the route accepts.
 */
export const ownerOnly: MiddlewareHandler<ApiEnv> = async (c, next) => {
  requireInstitution(c, c.req.param('id') ?? '');
  await next();
};
