/**
 * The CDK app (`pnpm synth`, `npx cdk deploy`). Context parameters (`-c name=value`):
 * - `consortium`: the consortium's short name, in KMS key tags and aliases (default eu-consortium)
 * - `publicUrl`: the base URL DIDs and links are built from, when the API is served behind
 *   a custom domain (default: the HTTP API's own endpoint)
 * - `mailFrom` (required): the address (`notices@university.eu`) or domain (`university.eu`,
 *   sending as notices@ it) students' notices come from; the stack makes it an SES identity
 * - `mailRate`: the account's SES sending rate in messages per second (default 14); the
 *   notice senders share it
 * - `claimDays`: how many days a claim link works (default 30)
 * - `graduationSignBudget`: KMS Sign calls per second the graduation-run workers may make
 *   together (default 900 of the account's 1,000/s ECC quota); their concurrency and
 *   per-instance CX_SIGN_RATE are derived from it (`@cx/runtime/sign-budget`)
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FUNCTIONS } from '@cx/runtime/topology';
import { withGraduationSignBudget } from '@cx/runtime/sign-budget';
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

/** A positive number from the context, or undefined when it is not given. */
function positiveFrom(name: string, value: unknown, integer = false): number | undefined {
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!(number > 0) || !Number.isFinite(number) || (integer && !Number.isInteger(number))) {
    throw new Error(`context ${name} must be a positive ${integer ? 'whole ' : ''}number, got ${JSON.stringify(value)}`);
  }
  return number;
}

function mailFromOf(value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new Error('context mailFrom is required: the address or domain notices are sent from, e.g. -c mailFrom=notices@university.eu');
  }
  return value;
}

const app = new App();
const graduationSignBudget = positiveFrom('graduationSignBudget', app.node.tryGetContext('graduationSignBudget'));
new ExchangeStack(app, 'ConsortiumExchange', {
  description: 'Consortium exchange: institutions, their signing keys and the HTTP API',
  consortium: String(app.node.tryGetContext('consortium') ?? DEFAULT_CONSORTIUM),
  publicUrl: publicUrlFrom(app.node.tryGetContext('publicUrl')),
  mailFrom: mailFromOf(app.node.tryGetContext('mailFrom')),
  mailRate: positiveFrom('mailRate', app.node.tryGetContext('mailRate')),
  claimDays: positiveFrom('claimDays', app.node.tryGetContext('claimDays'), true),
  ...(graduationSignBudget === undefined ? {} : { functions: withGraduationSignBudget(FUNCTIONS, graduationSignBudget) }),
  // environment-agnostic unless the CLI knows the account (synth stays offline)
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
// synthesis stops on any AwsSolutions finding that is not acknowledged with a reason
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
