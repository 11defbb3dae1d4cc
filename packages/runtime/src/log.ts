/**
 * The logging port on Powertools Logger: one JSON record per line, with the Lambda request id,
 * cold start and function name once `addLambdaContext` has seen the invocation's context.
 *
 * Keys of a request (`withKeys`) live in an AsyncLocalStorage rather than in Powertools'
 * `appendKeys`: outside Lambda's multi-concurrency mode Powertools keeps appended keys on the
 * logger itself, and the local server runs concurrent requests through one logger, so two
 * requests' keys would mix. Each record gets the keys of the request it was logged in.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Log, LogFields } from '@cx/domain';

/** The context the Lambda runtime passes to a handler (aws-lambda's `Context`), as Powertools takes it. */
export type LambdaInvocationContext = Parameters<Logger['addContext']>[0];

export class PowertoolsLog implements Log {
  private readonly keys = new AsyncLocalStorage<LogFields>();

  constructor(readonly logger: Logger) {}

  info(message: string, fields?: LogFields): void {
    this.logger.info(message, this.record(fields));
  }

  warn(message: string, fields?: LogFields): void {
    this.logger.warn(message, this.record(fields));
  }

  error(message: string, fields?: LogFields): void {
    this.logger.error(message, this.record(fields));
  }

  withKeys<T>(keys: LogFields, work: () => Promise<T>): Promise<T> {
    return this.keys.run({ ...this.keys.getStore(), ...keys }, work);
  }

  /** Puts the invocation's request id, function name and cold start on every record until the next invocation. */
  addLambdaContext(context: LambdaInvocationContext): void {
    this.logger.addContext(context);
  }

  private record(fields: LogFields | undefined): LogFields {
    return { ...this.keys.getStore(), ...fields };
  }
}

/**
 * The exchange's log: Powertools Logger writing to stdout, service `consortium-exchange`
 * unless POWERTOOLS_SERVICE_NAME says otherwise (its other variables, such as
 * POWERTOOLS_LOG_LEVEL and POWERTOOLS_DEV, apply as documented by Powertools).
 */
export function createLog(): PowertoolsLog {
  return new PowertoolsLog(new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'consortium-exchange' }));
}
