/**
 * The logging port: structured records (a message and fields), one per line in CloudWatch.
 * In Lambda and locally it is Powertools Logger (`@cx/runtime`'s `createLog`), which adds
 * the Lambda request id, cold start and function name; core and the HTTP layer see only this.
 */
import { inspect } from 'node:util';

/** The fields of a record; an Error among them is logged with its name, message and stack. */
export type LogFields = Record<string, unknown>;

export interface Log {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /**
   * Runs `work` with `keys` added to every record logged while it runs, by any code it calls
   * (the API request id and institution of a request), and removes them when it ends.
   */
  withKeys<T>(keys: LogFields, work: () => Promise<T>): Promise<T>;
}

/**
 * What code built without a runtime logs to (a test building a service or an app directly):
 * the console, one line per record, errors with their stacks. The Lambda and local runtimes
 * always pass Powertools Logger.
 */
export const consoleLog: Log = {
  info: (message, fields) => console.log(line(message, fields)),
  warn: (message, fields) => console.warn(line(message, fields)),
  error: (message, fields) => console.error(line(message, fields)),
  withKeys: (_keys, work) => work(),
};

function line(message: string, fields: LogFields | undefined): string {
  return fields && Object.keys(fields).length > 0 ? `${message} ${inspect(fields, { breakLength: Infinity, depth: 4 })}` : message;
}
