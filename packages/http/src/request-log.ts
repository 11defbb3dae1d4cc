/**
 * The log of a request: the app's Log (the port; Powertools Logger in Lambda and locally) in
 * the context, with the exchange's request id, and after authentication the caller's
 * institution, on every record logged while the request runs, by any code it calls.
 */
import { consoleLog, type Log, type Principal } from '@cx/domain';
import type { Context, MiddlewareHandler } from 'hono';
import type { RequestIdVariables } from './request-ids.js';

/** What the middleware puts in the context. */
export interface RequestLogVariables {
  log: Log;
}

/**
 * Sets `log` for the request and adds its `requestId` to every record; goes after `requestIds()`.
 *
 * @example
 * app.use('*', requestIds());
 * app.use('*', requestLog(deps.log));
 */
export function requestLog(log: Log): MiddlewareHandler<{ Variables: RequestLogVariables & RequestIdVariables }> {
  return (c, next) => {
    c.set('log', log);
    return log.withKeys({ requestId: c.get('requestId') }, next);
  };
}

/** Adds the caller's `institution` to every record of the rest of the request; goes after `authenticate`. */
export function institutionLog(): MiddlewareHandler<{ Variables: RequestLogVariables & { principal?: Principal } }> {
  return (c, next) => {
    const principal = c.get('principal');
    return principal?.kind === 'institution' ? logOf(c).withKeys({ institution: principal.institutionId }, next) : next();
  };
}

/** The request's log; the console when the app was built without one (a test building an app by itself). */
export function logOf(c: Context): Log {
  return (c.get('log') as Log | undefined) ?? consoleLog;
}
