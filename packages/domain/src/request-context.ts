import type { Principal } from './principal.js';

/**
 * Who is asking, and under which ids: what every service method that changes something
 * takes, so its audit record says who did it and which request did it. Built once per
 * request at the edge (the HTTP layer), never from a request body.
 */
export interface RequestContext {
  principal: Principal;
  /** The exchange's own id for the request; absent only for work a request started earlier and a worker finishes (a graduation run started before ids were kept). */
  requestId?: string;
  /** The caller's own id for the request (its checked `x-request-id`), when it sent one. */
  correlationId?: string;
}
