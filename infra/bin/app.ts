/**
 * The CDK app (`pnpm synth`, `npx cdk deploy`). Context parameters (`-c name=value`):
 * - `consortium`: the consortium's short name, in KMS key tags and aliases (default eu-consortium)
 * - `publicUrl`: the base URL DIDs and links are built from, when the API is served behind
 *   a custom domain (default: the HTTP API's own endpoint)
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ExchangeStack } from '../src/exchange-stack.js';

const DEFAULT_CONSORTIUM = 'eu-consortium';

function publicUrlFrom(value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  const url = typeof value === 'string' && URL.canParse(value) ? new URL(value) : undefined;
  if (!url || !['https:', 'http:'].includes(url.protocol) || url.search || url.hash) {
    throw new Error(`context publicUrl must be an absolute http(s) URL without query or fragment, got ${JSON.stringify(value)}`);
  }
  return url.href.replace(/\/+$/, '');
}

const app = new App();
new ExchangeStack(app, 'ConsortiumExchange', {
  description: 'Consortium exchange: institutions, their signing keys and the HTTP API',
  consortium: String(app.node.tryGetContext('consortium') ?? DEFAULT_CONSORTIUM),
  publicUrl: publicUrlFrom(app.node.tryGetContext('publicUrl')),
  // environment-agnostic unless the CLI knows the account (synth stays offline)
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
// synthesis stops on any AwsSolutions finding that is not acknowledged with a reason
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
