/**
 * Dependencies of a function in AWS Lambda, from its environment. Made once per container
 * (module scope of the handler), never per request. Each AWS client comes from its own
 * module (`lambda-store`, `lambda-keys`, `lambda-queue`, `lambda-mail`), so a function's bundle
 * carries only the clients its handler imports: a function that does not sign has no KMS client.
 *
 * @example
 * // functions/verify/src/handler.ts: DynamoDB only
 * export const handler = lambdaHttp(createVerifyApp(lambdaDeps({ store: lambdaStore() })));
 */
import type { KeyVault, Mailer } from '@cx/domain';
import type { Env, Hono, Schema } from 'hono';
import { handle, type LambdaEvent } from 'hono/aws-lambda';
import type { ExchangeDeps } from './deps.js';
import { createLog, type LambdaInvocationContext, type PowertoolsLog } from './log.js';

/** The container's log: every record of an invocation carries its Lambda request id, function name and cold start. */
export const lambdaLog = createLog();

/** The value of an environment variable the function cannot run without. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/**
 * The key vault of a function whose topology entry neither signs nor creates keys: it has no
 * KMS client (nor permission), so a call is a programming error, reported as one.
 */
export const noKeyVault: KeyVault = {
  createKey: () => noKeys(),
  publicKey: () => noKeys(),
  sign: () => noKeys(),
  discardKey: () => noKeys(),
};

function noKeys(): Promise<never> {
  return Promise.reject(new Error('this function has no key vault: its topology entry neither signs nor creates keys'));
}

/**
 * The mailer of a function whose topology entry does not mail: it has no SES client (nor
 * permission). Functions that write notices hand them to the notice queue; a send here is
 * a programming error, reported as one rather than the notice going nowhere.
 */
export const noMailer: Mailer = {
  send: () => Promise.reject(new Error('this function has no mailer: its topology entry does not mail (notices go through the notice queue)')),
};

/** The adapters a handler chose (its AWS clients); the rest of ExchangeDeps comes from the environment. */
export type LambdaAdapters = Pick<ExchangeDeps, 'store'> & Partial<Pick<ExchangeDeps, 'keyVault' | 'batchQueue' | 'noticeQueue' | 'mailer'>>;

/** A positive number from an optional environment variable, or undefined when it is not set. */
function positiveEnv(name: string): number | undefined {
  const value = process.env[name];
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!(number > 0) || !Number.isFinite(number)) throw new Error(`environment variable ${name} must be a positive number, not ${JSON.stringify(value)}`);
  return number;
}

/**
 * ExchangeDeps from the function's environment and the adapters its handler made. The stack
 * sets CX_MAIL_RATE (notice-sender: its share of the SES sending rate) and CX_CLAIM_DAYS
 * (functions that write claim links) where they apply; the core defaults hold elsewhere.
 */
export function lambdaDeps(adapters: LambdaAdapters): ExchangeDeps {
  const mailRate = positiveEnv('CX_MAIL_RATE');
  const claimDays = positiveEnv('CX_CLAIM_DAYS');
  return {
    keyVault: noKeyVault,
    mailer: noMailer,
    log: lambdaLog,
    ...adapters,
    publicUrl: requiredEnv('CX_PUBLIC_URL'),
    consortium: requiredEnv('CX_CONSORTIUM'),
    ...(mailRate === undefined ? {} : { mailRate }),
    ...(claimDays === undefined ? {} : { claimDays }),
  };
}

/**
 * A Lambda handler that first puts the invocation's context on the container's log.
 *
 * @example
 * export const handler = onInvocation(chunkWorker(batches, lambdaLog));
 */
export function onInvocation<E, R>(handler: (event: E) => Promise<R>, log: PowertoolsLog = lambdaLog): (event: E, context: LambdaInvocationContext) => Promise<R> {
  return (event, context) => {
    log.addLambdaContext(context);
    return handler(event);
  };
}

/** hono's Lambda adapter for an app, with the invocation's context put on `log` (the container's) first. */
export function lambdaHttp<E extends Env, S extends Schema, B extends string>(
  app: Hono<E, S, B>,
  log: PowertoolsLog = lambdaLog,
): (event: LambdaEvent, context: LambdaInvocationContext) => Promise<unknown> {
  const handler = handle(app);
  return (event, context) => {
    log.addLambdaContext(context);
    return handler(event, context);
  };
}
