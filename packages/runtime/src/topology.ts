/**
 * Which function serves which routes. The CDK stack turns this into API Gateway routes;
 * `pnpm start` dispatches with the same table and API Gateway's precedence, so both
 * serve exactly the same paths. Pure data (its one import, the graduation workers' plan, is
 * pure arithmetic): safe for every consumer.
 */
import { GRADUATION_WORKER, graduationWorkerPlan, MEASURED_WORKER_RATE } from './sign-budget.js';

/** API Gateway's catch-all route key: a request no other route matches goes to the function that declares it. */
export const DEFAULT_ROUTE = '$default';

export interface FunctionSpec {
  /** Short name; also the folder under functions/. */
  name: string;
  /** API Gateway HTTP API route keys: `METHOD /path` with `{param}` and a trailing `{proxy+}`. */
  routes: string[];
  /** Memory in MB for the Lambda function. */
  memoryMb: number;
  /** Whether the function signs with institution keys (KMS Sign permission). */
  signs: boolean;
  /** Whether the function may create KMS keys (onboarding and rotation only). */
  createsKeys: boolean;
  /** The handler module, from the repository root; `functions/<name>/src/handler.ts` when absent. */
  handler?: string;
  /**
   * A queue this function consumes (SQS event source) instead of, or besides, HTTP routes;
   * with `deadLetters`, that queue's dead-letter queue (messages that kept failing).
   */
  consumes?: { queue: string; batchSize: number; maxConcurrency: number; deadLetters?: boolean };
  /** Invoked on a schedule (an EventBridge rule), every `everyMinutes` minutes. */
  schedule?: { everyMinutes: number };
  /**
   * KMS Sign calls per second one instance may make (`CX_SIGN_RATE`; 500 when absent).
   * Instances times this stays under the account's Ed25519 Sign quota (about 1,000/s).
   */
  signRate?: number;
  /**
   * The queues this function sends to; each one's URL is passed as `<QUEUE>_QUEUE_URL` (e.g.
   * BATCH_QUEUE_URL, NOTICE_QUEUE_URL). `notice`: the function writes notices (it issues
   * credentials to email addresses, or sends sign-in links) and hands them to the notice sender.
   */
  sendsTo?: string[];
  /**
   * Sends mail through Amazon SES: SendEmail on the stack's sender identity and configuration
   * set, MAIL_FROM and MAIL_CONFIGURATION_SET, and CX_MAIL_RATE = the account's sending rate
   * divided by `consumes.maxConcurrency`, so that all its instances together keep to the rate.
   */
  mails?: boolean;
  /** Invoked by SNS with the SES events (bounces, complaints) of the stack's configuration set. */
  mailEvents?: boolean;
  /**
   * Files of an npm package the function depends on, deployed beside its bundle in `<dir>/`
   * and read at run time: large static files stay out of the code every cold start parses.
   */
  files?: { package: string; names: string[]; dir: string };
}

export const FUNCTIONS: FunctionSpec[] = [
  {
    name: 'institutions',
    routes: [
      'ANY /v1/institutions',
      'ANY /v1/institutions/{id}',
      'ANY /v1/institutions/{id}/keys/{proxy+}',
      'ANY /v1/institutions/{id}/api-keys',
      'ANY /v1/institutions/{id}/api-keys/{proxy+}',
      'POST /v1/institutions/{id}/api-keys:revoke-all',
      'ANY /v1/institutions/{id}/suspend',
      'ANY /v1/institutions/{id}/reinstate',
      'ANY /institutions/{id}/did.json',
      'GET /registry/dcc-legacy.json',
      'ANY /v1/audit',
      'GET /v1/me',
    ],
    memoryMb: 512,
    signs: false,
    createsKeys: true,
  },
  {
    name: 'catalogue',
    routes: [
      'ANY /v1/institutions/{id}/components/{proxy+}',
      'POST /v1/institutions/{id}/components:batch',
      'ANY /v1/institutions/{id}/micro-degrees/{proxy+}',
      'ANY /v1/institutions/{id}/badges/{proxy+}',
      'GET /v1/components',
      'GET /v1/micro-degrees',
      'GET /v1/badges',
    ],
    memoryMb: 1024,
    signs: false,
    createsKeys: false,
  },
  {
    name: 'credentials',
    routes: [
      'ANY /v1/institutions/{id}/credentials',
      'ANY /v1/institutions/{id}/credentials/{proxy+}',
      'ANY /v1/institutions/{id}/credential-batches',
      'ANY /v1/institutions/{id}/credential-batches/{proxy+}',
      'POST /vc-api/institutions/{id}/credentials/issue',
      'POST /vc-api/institutions/{id}/credentials/status',
    ],
    memoryMb: 1024,
    signs: true,
    createsKeys: false,
    sendsTo: ['batch', 'notice'],
  },
  {
    // graduation runs: one SQS message per chunk of 100 items; the concurrency cap and
    // CX_SIGN_RATE together keep the account under its KMS Sign quota. Both are derived
    // (sign-budget.ts) from the graduation Sign budget (900 of the default 1,000/s) and the
    // rate one worker was measured to sustain at this memory size (one vCPU)
    name: GRADUATION_WORKER,
    handler: 'functions/credentials/src/worker.ts',
    routes: [],
    memoryMb: MEASURED_WORKER_RATE.memoryMb,
    signs: true,
    createsKeys: false,
    consumes: { queue: 'batch', batchSize: 1, maxConcurrency: graduationWorkerPlan().maxConcurrency },
    signRate: graduationWorkerPlan().signRate,
    // it issues: each credential to an email address gets its claim notice
    sendsTo: ['notice'],
  },
  {
    // a chunk SQS gave up on (after the queue's receives) is given up by its run: the
    // remaining items are reported failed, so no run stays open for ever
    name: 'credential-batch-dead-letters',
    handler: 'functions/credentials/src/dead-letters.ts',
    routes: [],
    memoryMb: 512,
    signs: false,
    createsKeys: false,
    consumes: { queue: 'batch', deadLetters: true, batchSize: 1, maxConcurrency: 2 },
  },
  {
    // open runs whose chunks went quiet are sent again; runs past their deadline are ended
    name: 'credential-batch-sweep',
    handler: 'functions/credentials/src/sweep.ts',
    routes: [],
    memoryMb: 512,
    signs: false,
    createsKeys: false,
    // notices never handed to the sender are superseded and sent again with a new link
    sendsTo: ['batch', 'notice'],
    schedule: { everyMinutes: 15 },
  },
  {
    // notices, paced: 2 instances of 10 messages each, each at half the account's SES rate
    name: 'notice-sender',
    handler: 'functions/notices/src/sender.ts',
    routes: [],
    memoryMb: 512,
    signs: false,
    createsKeys: false,
    consumes: { queue: 'notice', batchSize: 10, maxConcurrency: 2 },
    mails: true,
  },
  {
    // a notice SQS gave up on (after the queue's receives) is marked failed, with the reason
    name: 'notice-dead-letters',
    handler: 'functions/notices/src/dead-letters.ts',
    routes: [],
    memoryMb: 256,
    signs: false,
    createsKeys: false,
    consumes: { queue: 'notice', deadLetters: true, batchSize: 10, maxConcurrency: 2 },
  },
  {
    // SES bounce and complaint events (through SNS) mark the notice they name
    name: 'notice-events',
    handler: 'functions/notices/src/events.ts',
    routes: [],
    memoryMb: 256,
    signs: false,
    createsKeys: false,
    mailEvents: true,
  },
  {
    name: 'verify',
    routes: ['POST /v1/credentials/verify', 'POST /vc-api/credentials/verify', 'POST /vc-api/presentations/verify', 'GET /status-lists/{proxy+}', 'GET /contexts/{proxy+}'],
    memoryMb: 1024,
    signs: false,
    createsKeys: false,
  },
  {
    // VC API exchanges with wallets: a claim's credential into a wallet, credentials out of one into a transfer
    name: 'exchanges',
    routes: ['ANY /exchanges/{proxy+}', 'GET /interactions/{proxy+}'],
    memoryMb: 1024,
    signs: true,
    createsKeys: false,
  },
  {
    // OpenID for Verifiable Credential Issuance (pre-authorized code): each institution a credential issuer
    name: 'oid4vci',
    routes: [
      'GET /.well-known/openid-credential-issuer/institutions/{proxy+}',
      'GET /.well-known/oauth-authorization-server/institutions/{proxy+}',
      'ANY /institutions/{id}/oid4vci/{proxy+}',
    ],
    memoryMb: 1024,
    signs: true,
    createsKeys: false,
  },
  {
    name: 'recognition',
    routes: [
      'ANY /v1/institutions/{id}/agreements',
      'ANY /v1/institutions/{id}/agreements/{proxy+}',
      'GET /v1/agreements',
      'ANY /v1/institutions/{id}/transfers',
      'ANY /v1/institutions/{id}/transfers/{proxy+}',
      'GET /v1/transfers/{proxy+}',
    ],
    memoryMb: 1024,
    signs: true,
    createsKeys: false,
  },
  {
    // pages for people (verify, catalogue, transfer, a student's claim links, shares and
    // credentials); server-rendered, calling the services directly
    name: 'pages',
    routes: [
      'GET /',
      'ANY /verify',
      'GET /catalogue',
      'GET /catalogue/{proxy+}',
      'ANY /transfer',
      'ANY /transfer/{proxy+}',
      'ANY /claim/{proxy+}',
      'GET /credentials/{proxy+}',
      'ANY /my',
      'ANY /my/{proxy+}',
      'GET /assets/{proxy+}',
      // every path no other route serves: browsers get the pages' own 404 page, API clients problem+json
      DEFAULT_ROUTE,
    ],
    memoryMb: 1024,
    signs: true,
    createsKeys: false,
    // sign-in links to /my
    sendsTo: ['notice'],
  },
  {
    name: 'docs',
    routes: ['GET /openapi.json', 'GET /docs', 'GET /docs/{proxy+}'],
    memoryMb: 256,
    signs: false,
    createsKeys: false,
    // the reference UI's own files (pinned swagger-ui-dist), served at /docs/assets/
    files: { package: 'swagger-ui-dist', names: ['swagger-ui-bundle.js', 'swagger-ui.css'], dir: 'swagger-ui' },
  },
];

export interface RouteMatch {
  fn: FunctionSpec;
  params: Record<string, string>;
}

interface CompiledRoute {
  fn: FunctionSpec;
  method: string;
  segments: string[];
  greedy: boolean;
}

function compile(functions: FunctionSpec[]): CompiledRoute[] {
  return functions.flatMap((fn) =>
    fn.routes.filter((route) => route !== DEFAULT_ROUTE).map((route) => {
      const [method, path] = route.split(' ') as [string, string];
      const segments = path.split('/').filter(Boolean);
      const greedy = segments.at(-1) === '{proxy+}';
      return { fn, method, segments: greedy ? segments.slice(0, -1) : segments, greedy };
    }),
  );
}

/**
 * API Gateway's route selection: exact paths beat greedy ones; among candidates the one
 * with more literal segments (then more segments) wins; a method beats ANY; what matches
 * nothing goes to the `$default` route's function, if there is one.
 */
export function createRouter(functions: FunctionSpec[] = FUNCTIONS): (method: string, path: string) => RouteMatch | undefined {
  const routes = compile(functions);
  const fallback = functions.find((fn) => fn.routes.includes(DEFAULT_ROUTE));
  return (method, path) => {
    const parts = path.split('/').filter(Boolean).map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
    let best: { route: CompiledRoute; score: number[]; params: Record<string, string> } | undefined;
    for (const route of routes) {
      if (route.method !== 'ANY' && route.method !== method) continue;
      if (route.greedy ? parts.length <= route.segments.length : parts.length !== route.segments.length) continue;
      const params: Record<string, string> = {};
      let literals = 0;
      const ok = route.segments.every((segment, i) => {
        if (segment.startsWith('{')) {
          params[segment.slice(1, -1)] = parts[i]!;
          return true;
        }
        literals++;
        return segment === parts[i];
      });
      if (!ok) continue;
      const score = [route.greedy ? 0 : 1, literals, route.segments.length, route.method === 'ANY' ? 0 : 1];
      if (!best || compareScores(score, best.score) > 0) best = { route, score, params };
    }
    if (best) return { fn: best.route.fn, params: best.params };
    return fallback && { fn: fallback, params: {} };
  };
}

function compareScores(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}
