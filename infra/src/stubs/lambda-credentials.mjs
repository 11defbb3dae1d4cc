/*
 * Bundled in place of @aws-sdk/credential-provider-node (see ../bundle-plugins.ts). That
 * package is the SDK's default chain: environment, SSO, shared ini files, credential
 * processes, web identity tokens, container and instance metadata, and the STS and SSO
 * clients some of them need, about 90 KB minified in every bundle. In AWS Lambda the
 * function's role credentials are always in the environment (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), so the environment is the whole chain. The
 * plugin loads this file from the real package's folder, so `@aws-sdk/credential-provider-env`
 * is the very version the replaced chain would have used.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

/** The clients' `credentialDefaultProvider`: credentials from the environment only. */
export const defaultProvider = (init = {}) => fromEnv(init);
