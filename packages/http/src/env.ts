/**
 * The typed hono environment of every function app: what the shared middleware puts in the
 * context, so that `c.get('principal')` and `c.get('requestId')` need no cast.
 */
import type { Principal } from '@cx/domain';
import type { Env } from 'hono';
import type { RequestIdVariables } from './request-ids.js';

/** What `authenticate` puts in the context. */
export interface AuthVariables {
  /** The caller, from its verified API key (anonymous without one); never from the body. */
  principal: Principal;
}

export type ApiEnv = Env & { Variables: AuthVariables & RequestIdVariables };
