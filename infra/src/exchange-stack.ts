/**
 * The consortium exchange in AWS: the table, one function per topology entry, the HTTP
 * API routing to them, the queues between them, the KMS permissions the topology asks
 * for, and SES for the notices (sender identity, configuration set, bounce and complaint events).
 */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Code } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { FUNCTIONS, type FunctionSpec } from '@cx/runtime/topology';
import { ExchangeApi } from './api.js';
import { ExchangeFunctions, timeoutOf } from './functions.js';
import { KeyPermissions } from './key-permissions.js';
import { ExchangeMail } from './mail.js';
import { ExchangeQueues } from './queues.js';
import { ExchangeTable } from './table.js';

export interface ExchangeStackProps extends StackProps {
  /** The consortium's short name: KMS key tags and aliases, CX_CONSORTIUM. */
  consortium: string;
  /** The public base URL (DIDs, links) when served behind a custom domain; the API's endpoint otherwise. */
  publicUrl?: string;
  /** The address (`notices@university.eu`) or domain notices are sent from: the SES identity the stack makes. */
  mailFrom: string;
  /** The account's SES sending rate, messages per second (14 unless told otherwise); the notice senders share it. */
  mailRate?: number;
  /** Days a claim link works (CX_CLAIM_DAYS; 30 unless told otherwise). */
  claimDays?: number;
  /** Which functions serve which routes; the topology of @cx/runtime unless a test says otherwise. */
  functions?: readonly FunctionSpec[];
  /** The code of a function; its esbuild bundle unless a test says otherwise. */
  code?: (spec: FunctionSpec) => Code;
}

/** Consortium names end up in KMS tag values and alias names (`alias/cx/<consortium>/...`). */
export const CONSORTIUM_PATTERN = /^[a-z0-9][a-z0-9-]{1,39}$/;

export class ExchangeStack extends Stack {
  readonly table: ExchangeTable;
  readonly api: ExchangeApi;
  readonly queues: ExchangeQueues;
  readonly functions: ExchangeFunctions;
  readonly mail: ExchangeMail;

  constructor(scope: Construct, id: string, props: ExchangeStackProps) {
    super(scope, id, props);
    if (!CONSORTIUM_PATTERN.test(props.consortium)) {
      throw new Error(`consortium "${props.consortium}" must match ${CONSORTIUM_PATTERN}`);
    }
    const functions = props.functions ?? FUNCTIONS;

    this.table = new ExchangeTable(this, 'Data');
    this.api = new ExchangeApi(this, 'Api');
    const consumerTimeouts = functions.filter((spec) => spec.consumes).map((spec) => timeoutOf(spec).toSeconds());
    this.queues = new ExchangeQueues(this, 'Queues', { functions, consumerTimeout: Duration.seconds(Math.max(0, ...consumerTimeouts)) });
    this.functions = new ExchangeFunctions(this, 'Functions', {
      functions,
      table: this.table.table,
      queues: this.queues,
      environment: { publicUrl: props.publicUrl ?? this.api.endpoint, consortium: props.consortium, claimDays: props.claimDays },
      code: props.code,
    });
    for (const fn of this.functions.all) if (fn.spec.routes.length) this.api.route(fn.node.id, fn.fn, fn.spec.routes);
    new KeyPermissions(this, 'Keys', { consortium: props.consortium, functions: this.functions.all });
    this.mail = new ExchangeMail(this, 'Mail', { mailFrom: props.mailFrom, mailRate: props.mailRate, functions: this.functions.all });

    new CfnOutput(this, 'ApiUrl', { description: 'Base URL of the exchange API', value: this.api.endpoint });
    new CfnOutput(this, 'TableName', { description: 'DynamoDB table (pnpm admin-key --table <this>)', value: this.table.table.tableName });
  }
}
