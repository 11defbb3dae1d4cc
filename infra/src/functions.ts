/**
 * One Lambda function per entry of the topology (`@cx/runtime/topology`): a function
 * added there is deployed, given its queues (or dead-letter queue) and schedule, and
 * permitted without a change here (the stack routes its HTTP routes; mail.ts gives the
 * functions that mail their SES rights, and subscribes the one that reads SES's events).
 */
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaFunctionTarget } from 'aws-cdk-lib/aws-events-targets';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Architecture, Code, Function as LambdaFunction, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionSpec } from '@cx/runtime/topology';
import { BUNDLE_FILE, NODE_MAJOR, bundleFunction } from './bundle.js';
import { acknowledgeWildcardResource } from './nag.js';
import { queueUrlVariable, type ExchangeQueues } from './queues.js';

/** The Lambda runtime; bundle.ts compiles for the same Node.js major version. */
export const RUNTIME = Runtime.NODEJS_24_X;
if (RUNTIME.name !== `nodejs${NODE_MAJOR}.x`) throw new Error(`runtime ${RUNTIME.name} does not match the bundle target node${NODE_MAJOR}`);

/** What every function is told through its environment (see lambdaDeps in @cx/runtime). */
export interface FunctionEnvironment {
  tableName: string;
  publicUrl: string;
  consortium: string;
  /** Days a claim link works (CX_CLAIM_DAYS), for the functions that write them; core's default (30) when absent. */
  claimDays?: number;
}

/** The queue of notices: a function sending to it writes notices, and claim links with them. */
export const NOTICE_QUEUE = 'notice';

export interface ExchangeFunctionProps {
  spec: FunctionSpec;
  environment: FunctionEnvironment;
  code: Code;
}

/**
 * How long one invocation may run. Behind the HTTP API a function must answer within
 * API Gateway's 30 s (KMS key creation during onboarding takes a few round trips); a
 * queue consumer only has to finish its batch before the message becomes visible again.
 */
export function timeoutOf(spec: FunctionSpec): Duration {
  return spec.routes.length > 0 ? Duration.seconds(20) : Duration.minutes(5);
}

/** A topology function with its own role and log group: nothing is shared between functions. */
export class ExchangeFunction extends Construct {
  readonly spec: FunctionSpec;
  readonly role: Role;
  readonly fn: LambdaFunction;

  constructor(scope: Construct, id: string, props: ExchangeFunctionProps) {
    super(scope, id);
    this.spec = props.spec;
    // an explicit role with only what this function needs (no managed policy): the
    // stack adds table and KMS permissions from the topology's flags
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${props.spec.name} function of the consortium exchange`,
    });
    const logGroup = new LogGroup(this, 'Logs', { retention: RetentionDays.THREE_MONTHS });
    logGroup.grantWrite(this.role);

    this.fn = new LambdaFunction(this, 'Function', {
      description: `Consortium exchange: ${props.spec.name}`,
      runtime: RUNTIME,
      architecture: Architecture.ARM_64,
      handler: `${BUNDLE_FILE.replace(/\.mjs$/, '')}.handler`,
      code: props.code,
      memorySize: props.spec.memoryMb,
      timeout: timeoutOf(props.spec),
      role: this.role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: {
        TABLE_NAME: props.environment.tableName,
        CX_PUBLIC_URL: props.environment.publicUrl,
        CX_CONSORTIUM: props.environment.consortium,
        ...(props.spec.signRate ? { CX_SIGN_RATE: String(props.spec.signRate) } : {}),
        ...(props.environment.claimDays && props.spec.sendsTo?.includes(NOTICE_QUEUE) ? { CX_CLAIM_DAYS: String(props.environment.claimDays) } : {}),
      },
    });
  }
}

export interface ExchangeFunctionsProps {
  functions: readonly FunctionSpec[];
  table: ITable;
  queues: ExchangeQueues;
  environment: Omit<FunctionEnvironment, 'tableName'>;
  /** The code of a function; by default its esbuild bundle (bundle.ts). Tests may swap it. */
  code?: (spec: FunctionSpec) => Code;
}

/**
 * What the store's repositories do with the table (transactions need the per-item
 * actions). No Scan: request paths never scan, so a function cannot dump the table.
 */
export const TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
] as const;

/** Every function of the topology, with read/write access to the table's items. */
export class ExchangeFunctions extends Construct {
  readonly all: readonly ExchangeFunction[];

  constructor(scope: Construct, id: string, props: ExchangeFunctionsProps) {
    super(scope, id);
    const code = props.code ?? ((spec: FunctionSpec) => Code.fromAsset(bundleFunction(spec).dir));
    const names = new Set<string>();
    this.all = props.functions.map((spec) => {
      if (names.has(spec.name)) throw new Error(`the topology lists function ${spec.name} twice`);
      names.add(spec.name);
      const fn = new ExchangeFunction(this, constructId(spec.name), {
        spec,
        code: code(spec),
        environment: { ...props.environment, tableName: props.table.tableName },
      });
      props.table.grant(fn.role, ...TABLE_ACTIONS);
      acknowledgeWildcardResource(
        fn.role,
        `${props.table.tableArn}/index/*`,
        "The table's own global secondary indexes (gsi1..gsi3, overloaded by entity): repositories query them; no other table is reachable.",
      );
      for (const name of spec.sendsTo ?? []) {
        const queue = props.queues.get(name);
        queue.grantSendMessages(fn.role);
        fn.fn.addEnvironment(queueUrlVariable(name), queue.queueUrl);
      }
      if (spec.consumes) {
        const source = spec.consumes.deadLetters ? props.queues.deadLetters(spec.consumes.queue) : props.queues.get(spec.consumes.queue);
        // partial batch responses: only the messages the function reports as failed come back
        fn.fn.addEventSource(
          new SqsEventSource(source, {
            batchSize: spec.consumes.batchSize,
            maxConcurrency: spec.consumes.maxConcurrency,
            reportBatchItemFailures: true,
          }),
        );
      }
      if (spec.schedule) {
        new Rule(fn, 'Schedule', {
          description: `Runs ${spec.name} every ${spec.schedule.everyMinutes} minutes`,
          schedule: Schedule.rate(Duration.minutes(spec.schedule.everyMinutes)),
          targets: [new LambdaFunctionTarget(fn.fn, { retryAttempts: 2 })],
        });
      }
      return fn;
    });
  }
}

/** `api-keys` -> `ApiKeys`: construct ids (and so logical ids) stay readable. */
export function constructId(name: string): string {
  return name
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}
