/**
 * Dependencies of a function in AWS Lambda, from its environment. Made once per container
 * (module scope of the handler), never per request. Each AWS client comes from its own
 * module (`lambda-store`, `lambda-keys`, `lambda-queue`), so a function's bundle carries
 * only the clients its handler imports: a function that does not sign has no KMS client.
 *
 * @example
 * // functions/verify/src/handler.ts: DynamoDB only
 * export const handler = handle(createVerifyApp(lambdaDeps({ store: lambdaStore() })));
 */
import type { KeyVault } from '@cx/domain';
import type { ExchangeDeps } from './deps.js';

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

/** The adapters a handler chose (its AWS clients); the rest of ExchangeDeps comes from the environment. */
export type LambdaAdapters = Pick<ExchangeDeps, 'store'> & Partial<Pick<ExchangeDeps, 'keyVault' | 'batchQueue'>>;

/** ExchangeDeps from the function's environment and the adapters its handler made. */
export function lambdaDeps(adapters: LambdaAdapters): ExchangeDeps {
  return {
    keyVault: noKeyVault,
    ...adapters,
    publicUrl: requiredEnv('CX_PUBLIC_URL'),
    consortium: requiredEnv('CX_CONSORTIUM'),
  };
}
