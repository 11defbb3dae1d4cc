import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type CfnResource } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_CORS } from '@cx/http';
import { FUNCTIONS, type FunctionSpec } from '@cx/runtime/topology';
import { KMS_TAGS, kmsAliasName } from '@cx/signing';
import { createTableInput } from '@cx/store';
import { REPO_ROOT } from './bundle.js';
import { ExchangeStack, type ExchangeStackProps } from './exchange-stack.js';
import { RUNTIME } from './functions.js';

const CONSORTIUM = 'test-consortium';
const MAIL_FROM = 'notices@exchange.example.eu';

interface Synth {
  app: App;
  stack: ExchangeStack;
  template: Template;
  resources: Record<string, { Type: string; Properties: Record<string, any>; DeletionPolicy?: string }>;
}

/** The feature flags of cdk.json, so tests synthesize what `cdk deploy` does. */
const CDK_CONTEXT = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;

function synth(props: Partial<ExchangeStackProps> = {}): Synth {
  const app = new App({ context: CDK_CONTEXT });
  const stack = new ExchangeStack(app, 'Exchange', { consortium: CONSORTIUM, mailFrom: MAIL_FROM, ...props });
  const template = Template.fromStack(stack);
  return { app, stack, template, resources: template.toJSON().Resources };
}

function logicalId(synth: Synth, resource: unknown): string {
  return synth.stack.resolve((resource as CfnResource).logicalId) as string;
}

function functionOf(synth: Synth, name: string) {
  const fn = synth.stack.functions.all.find((candidate) => candidate.spec.name === name);
  if (!fn) throw new Error(`no function ${name} in the stack`);
  const id = logicalId(synth, fn.fn.node.defaultChild);
  return { id, roleId: logicalId(synth, fn.role.node.defaultChild), properties: synth.resources[id]!.Properties };
}

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const actionsOf = (statement: Statement) => [statement.Action].flat();

/** Every statement of every policy attached to the role of function `name`. */
function statementsOf(synth: Synth, name: string): Statement[] {
  const { roleId } = functionOf(synth, name);
  return Object.values(synth.resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy')
    .filter((policy) => (policy.Properties.Roles as unknown[]).some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId })))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

const kmsActionsOf = (synth: Synth, name: string) =>
  new Set(statementsOf(synth, name).flatMap(actionsOf).filter((action) => action.startsWith('kms:')));

/** An ARN from the template as text, CloudFormation references written `<Ref>`. */
function arnText(resource: unknown): string {
  if (typeof resource === 'string') return resource;
  const value = resource as { 'Fn::Join'?: [string, unknown[]]; Ref?: string };
  if (value.Ref) return `<${value.Ref}>`;
  if (value['Fn::Join']) return value['Fn::Join'][1].map(arnText).join(value['Fn::Join'][0]);
  return JSON.stringify(resource);
}

function globMatches(pattern: string, text: string): boolean {
  const regex = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${regex}$`).test(text);
}

describe('the deployed stack, with the real topology and bundles', () => {
  let real: Synth;
  beforeAll(() => {
    // bundles every function once for the whole file: on two busy cores that takes a minute or more
    real = synth();
  }, 240_000);

  it('has one table, on demand, with point-in-time recovery and deletion protection, kept when the stack goes', () => {
    real.template.resourceCountIs('AWS::DynamoDB::Table', 1);
    real.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      },
    });
  });

  it("builds the table's keys and indexes from the store's table definition", () => {
    const definition = createTableInput('any');
    const table = Object.values(real.resources).find((resource) => resource.Type === 'AWS::DynamoDB::Table')!.Properties;
    const byName = (a: { AttributeName?: string }, b: { AttributeName?: string }) => a.AttributeName!.localeCompare(b.AttributeName!);
    expect(table.KeySchema).toEqual(definition.KeySchema);
    expect([...table.AttributeDefinitions].sort(byName)).toEqual([...definition.AttributeDefinitions!].sort(byName));
    expect(table.GlobalSecondaryIndexes).toEqual(definition.GlobalSecondaryIndexes);
  });

  it('has one Lambda function per topology entry, on the current Node.js runtime for arm64 with its memory', () => {
    real.template.resourceCountIs('AWS::Lambda::Function', FUNCTIONS.length);
    for (const spec of FUNCTIONS) {
      expect(functionOf(real, spec.name).properties).toMatchObject({
        Runtime: RUNTIME.name,
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: spec.memoryMb,
      });
    }
  });

  it("tells every function the table, the API's endpoint as public URL, and the consortium", () => {
    for (const spec of FUNCTIONS) {
      expect(functionOf(real, spec.name).properties.Environment.Variables).toMatchObject({
        TABLE_NAME: { Ref: logicalId(real, real.stack.table.table.node.defaultChild) },
        CX_PUBLIC_URL: { 'Fn::GetAtt': [logicalId(real, real.stack.api.httpApi.node.defaultChild), 'ApiEndpoint'] },
        CX_CONSORTIUM: CONSORTIUM,
      });
    }
  });

  it('tells a function with a signing rate its rate, and the others none', () => {
    for (const spec of FUNCTIONS) {
      const variables = functionOf(real, spec.name).properties.Environment.Variables;
      expect(variables.CX_SIGN_RATE).toBe(spec.signRate === undefined ? undefined : String(spec.signRate));
    }
    expect(FUNCTIONS.some((spec) => spec.signRate !== undefined)).toBe(true);
  });

  it('routes every route key of the topology to the function that serves it', () => {
    const routes = Object.values(real.resources).filter((resource) => resource.Type === 'AWS::ApiGatewayV2::Route');
    expect(routes.map((route) => route.Properties.RouteKey).sort()).toEqual(FUNCTIONS.flatMap((spec) => spec.routes).sort());
    for (const spec of FUNCTIONS) {
      for (const routeKey of spec.routes) {
        const route = routes.find((candidate) => candidate.Properties.RouteKey === routeKey)!;
        const integrationId = route.Properties.Target['Fn::Join'][1][1].Ref as string;
        const integration = real.resources[integrationId]!.Properties;
        expect(integration.IntegrationUri, routeKey).toEqual({ 'Fn::GetAtt': [functionOf(real, spec.name).id, 'Arn'] });
        expect(integration.PayloadFormatVersion).toBe('2.0');
      }
    }
  });

  it('answers browsers with the same CORS policy as the apps', () => {
    real.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowOrigins: ['*'],
        AllowHeaders: API_CORS.allowHeaders,
        ExposeHeaders: API_CORS.exposeHeaders,
        AllowMethods: API_CORS.allowMethods,
        MaxAge: API_CORS.maxAge,
      },
    });
    // the headers browser verifiers send on document fetches, and any other a preflight asks for
    expect(API_CORS.allowHeaders).toEqual(expect.arrayContaining(['cache-control', 'pragma', 'authorization', '*']));
  });

  it('serves the API on an auto-deployed default stage that logs every request with its request id', () => {
    real.template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    const stage = Object.values(real.resources).find((resource) => resource.Type === 'AWS::ApiGatewayV2::Stage')!.Properties;
    expect(stage).toMatchObject({ StageName: '$default', AutoDeploy: true });
    expect(stage.AccessLogSettings.DestinationArn).toBeDefined();
    expect(JSON.parse(stage.AccessLogSettings.Format)).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
  });

  it('outputs the API URL and the table name', () => {
    const outputs = real.template.toJSON().Outputs;
    expect(outputs.ApiUrl.Value).toEqual({ 'Fn::GetAtt': [logicalId(real, real.stack.api.httpApi.node.defaultChild), 'ApiEndpoint'] });
    expect(outputs.TableName.Value).toEqual({ Ref: logicalId(real, real.stack.table.table.node.defaultChild) });
  });

  it("lets every function read and write the table's items, but not scan it", () => {
    for (const spec of FUNCTIONS) {
      const dynamo = statementsOf(real, spec.name).flatMap(actionsOf).filter((action) => action.startsWith('dynamodb:'));
      expect(dynamo).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem']));
      expect(dynamo).not.toContain('dynamodb:Scan');
    }
  });

  it('gives only the functions the topology marks as creating keys the right to create KMS keys', () => {
    for (const spec of FUNCTIONS) {
      expect(kmsActionsOf(real, spec.name).has('kms:CreateKey'), spec.name).toBe(spec.createsKeys);
    }
  });

  it("ends graduation runs: the batch queue's dead letters are consumed, and open runs are swept on a schedule", () => {
    const deadLetterConsumers = FUNCTIONS.filter((spec) => spec.consumes?.queue === 'batch' && spec.consumes.deadLetters);
    const sweepers = FUNCTIONS.filter((spec) => spec.schedule && spec.sendsTo?.includes('batch'));
    expect(deadLetterConsumers).toHaveLength(1);
    expect(sweepers).toHaveLength(1);
    const deadLetterArn = { 'Fn::GetAtt': [logicalId(real, real.stack.queues.deadLetters('batch').node.defaultChild), 'Arn'] };
    real.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { FunctionName: { Ref: functionOf(real, deadLetterConsumers[0]!.name).id }, EventSourceArn: deadLetterArn });
    real.template.hasResourceProperties('AWS::Events::Rule', {
      Targets: Match.arrayWith([Match.objectLike({ Arn: { 'Fn::GetAtt': [functionOf(real, sweepers[0]!.name).id, 'Arn'] } })]),
    });
  });

  it('lets only the notice sender send mail: SendEmail from the stack sender, on its identity and configuration set', () => {
    const mailing = FUNCTIONS.filter((spec) => spec.mails).map((spec) => spec.name);
    expect(mailing).toEqual(['notice-sender']);
    for (const spec of FUNCTIONS) {
      const ses = statementsOf(real, spec.name).filter((statement) => actionsOf(statement).some((action) => action.startsWith('ses:')));
      expect(ses.length, spec.name).toBe(spec.mails ? 1 : 0);
    }
    const [send] = statementsOf(real, 'notice-sender').filter((statement) => actionsOf(statement).includes('ses:SendEmail'));
    expect(actionsOf(send!)).toEqual(['ses:SendEmail']);
    const identityId = logicalId(real, real.stack.mail.identity.node.defaultChild);
    const configurationSetId = logicalId(real, real.stack.mail.configurationSet.node.defaultChild);
    expect((send!.Resource as unknown[]).map(arnText).sort()).toEqual([
      `arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:configuration-set/<${configurationSetId}>`,
      `arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/<${identityId}>`,
    ]);
    expect(send!.Condition).toEqual({ StringEquals: { 'ses:FromAddress': MAIL_FROM } });
  });

  it("tells the notice sender its sender, configuration set and half the account's 14 messages a second (two instances)", () => {
    const sender = FUNCTIONS.find((spec) => spec.name === 'notice-sender')!;
    expect(sender.consumes).toMatchObject({ queue: 'notice', maxConcurrency: 2 });
    expect(functionOf(real, 'notice-sender').properties.Environment.Variables).toMatchObject({
      MAIL_FROM,
      MAIL_CONFIGURATION_SET: { Ref: logicalId(real, real.stack.mail.configurationSet.node.defaultChild) },
      CX_MAIL_RATE: '7',
    });
    for (const spec of FUNCTIONS.filter((candidate) => !candidate.mails)) {
      expect(functionOf(real, spec.name).properties.Environment.Variables.MAIL_FROM, spec.name).toBeUndefined();
    }
  });

  it('gives every function that writes notices the notice queue, and marks failed the notices SQS gives up on', () => {
    const writers = FUNCTIONS.filter((spec) => spec.sendsTo?.includes('notice')).map((spec) => spec.name);
    expect(writers.sort()).toEqual(['credential-batch-sweep', 'credential-batch-worker', 'credentials', 'pages']);
    const queueId = logicalId(real, real.stack.queues.get('notice').node.defaultChild);
    for (const name of writers) expect(functionOf(real, name).properties.Environment.Variables.NOTICE_QUEUE_URL, name).toEqual({ Ref: queueId });
    const deadLetterArn = { 'Fn::GetAtt': [logicalId(real, real.stack.queues.deadLetters('notice').node.defaultChild), 'Arn'] };
    real.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { FunctionName: { Ref: functionOf(real, 'notice-dead-letters').id }, EventSourceArn: deadLetterArn });
  });

  it('publishes bounces and complaints, and nothing else, to an encrypted topic that only SES may publish to and only notice-events reads', () => {
    const topicId = logicalId(real, real.stack.mail.events.node.defaultChild);
    real.template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: { Ref: logicalId(real, real.stack.mail.configurationSet.node.defaultChild) },
      EventDestination: { Enabled: true, MatchingEventTypes: ['bounce', 'complaint'], SnsDestination: { TopicARN: { Ref: topicId } } },
    });
    expect(real.resources[topicId]!.Properties.KmsMasterKeyId).toBeDefined();
    const subscriptions = Object.values(real.resources).filter((resource) => resource.Type === 'AWS::SNS::Subscription');
    expect(subscriptions.map((subscription) => subscription.Properties)).toEqual([
      expect.objectContaining({ Protocol: 'lambda', TopicArn: { Ref: topicId }, Endpoint: { 'Fn::GetAtt': [functionOf(real, 'notice-events').id, 'Arn'] } }),
    ]);
    real.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'sns:Publish', Effect: 'Allow', Principal: { Service: 'ses.amazonaws.com' } })]) },
    });
  });

  it('sends notices over TLS only, and not again to addresses that bounced or complained', () => {
    real.template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      DeliveryOptions: { TlsPolicy: 'REQUIRE' },
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
    });
    real.template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: MAIL_FROM });
    expect(real.template.toJSON().Outputs.MailIdentity.Value).toEqual({ Ref: logicalId(real, real.stack.mail.identity.node.defaultChild) });
  });

  it('passes the AwsSolutions checks with no unacknowledged finding', () => {
    const report = new AwsSolutionsChecks(real.app).validateScope(real.stack);
    expect(report.violations.map((violation) => `${violation.severity} ${violation.ruleName}`)).toEqual([]);
  });
});

const spec = (name: string, flags: Partial<FunctionSpec>): FunctionSpec => ({
  name,
  routes: [`ANY /v1/${name}/{proxy+}`],
  memoryMb: 256,
  createsKeys: false,
  signs: false,
  ...flags,
});

/** The wiring does not depend on the code: no bundling for these stacks. */
const inlineCode = () => Code.fromInline('export const handler = async () => ({ statusCode: 204 });');

describe('every kind of function a topology can hold', () => {
  let kinds: Synth;
  beforeAll(() => {
    kinds = synth({
      functions: [
        spec('onboarding', { createsKeys: true }),
        spec('issuing', { signs: true, sendsTo: ['jobs'] }),
        spec('working', { signs: true, routes: [], consumes: { queue: 'jobs', batchSize: 10, maxConcurrency: 3 } }),
        spec('giving-up', { routes: [], consumes: { queue: 'jobs', deadLetters: true, batchSize: 1, maxConcurrency: 2 } }),
        spec('sweeping', { routes: [], sendsTo: ['jobs'], schedule: { everyMinutes: 15 } }),
        spec('reading', {}),
      ],
      code: inlineCode,
      publicUrl: 'https://exchange.example.eu',
    });
  });
  const ofType = (type: string) => Object.entries(kinds.resources).filter(([, resource]) => resource.Type === type);

  const kmsStatements = (name: string) => statementsOf(kinds, name).filter((statement) => actionsOf(statement).some((a) => a.startsWith('kms:')));
  const statementWith = (name: string, action: string) => kmsStatements(name).find((statement) => actionsOf(statement).includes(action))!;

  it("allows kms:CreateKey only for Ed25519 signing keys with the consortium's tag and the exchange's tag keys", () => {
    expect(statementWith('onboarding', 'kms:CreateKey').Condition).toEqual({
      StringEquals: {
        [`aws:RequestTag/${KMS_TAGS.consortium}`]: CONSORTIUM,
        'kms:KeySpec': 'ECC_NIST_EDWARDS25519',
        'kms:KeyUsage': 'SIGN_VERIFY',
      },
      'ForAllValues:StringEquals': { 'aws:TagKeys': [KMS_TAGS.consortium, KMS_TAGS.institution] },
    });
  });

  it("lets a key-creating function set only the consortium's tags, never on another consortium's key", () => {
    expect(statementWith('onboarding', 'kms:TagResource').Condition).toEqual({
      StringEquals: { [`aws:RequestTag/${KMS_TAGS.consortium}`]: CONSORTIUM },
      'ForAllValues:StringEquals': { 'aws:TagKeys': [KMS_TAGS.consortium, KMS_TAGS.institution] },
      StringEqualsIfExists: { [`aws:ResourceTag/${KMS_TAGS.consortium}`]: CONSORTIUM },
    });
  });

  it('requires the consortium tag on the key for every other key operation of a key-creating function', () => {
    const onKeys = kmsStatements('onboarding').filter((statement) => arnText(statement.Resource).endsWith(':key/*'));
    const tagged = onKeys.filter((statement) => statement.Condition?.StringEquals?.[`aws:ResourceTag/${KMS_TAGS.consortium}`] === CONSORTIUM);
    expect(tagged.flatMap(actionsOf).sort()).toEqual(['kms:CreateAlias', 'kms:GetPublicKey', 'kms:ScheduleKeyDeletion']);
  });

  it("limits aliases to the consortium's namespace, which is where KmsKeyVault puts them", () => {
    const aliasStatement = kmsStatements('onboarding').find((statement) => arnText(statement.Resource).includes(':alias/'))!;
    const pattern = arnText(aliasStatement.Resource);
    expect(pattern).toMatch(new RegExp(`:alias/cx/${CONSORTIUM}/\\*$`));
    const alias = kmsAliasName({ consortium: CONSORTIUM, institutionId: 'uni-a', keyId: 'key-1' });
    expect(globMatches(pattern.slice(pattern.indexOf(':alias/') + 1), alias)).toBe(true);
    expect(globMatches(pattern.slice(pattern.indexOf(':alias/') + 1), kmsAliasName({ consortium: 'other', institutionId: 'uni-a', keyId: 'key-1' }))).toBe(false);
  });

  it('gives a signing-only function kms:Sign and kms:GetPublicKey and nothing else in KMS', () => {
    expect([...kmsActionsOf(kinds, 'issuing')].sort()).toEqual(['kms:GetPublicKey', 'kms:Sign']);
  });

  it('lets a signing function sign only with Ed25519 over raw messages, with keys tagged with the consortium', () => {
    expect(statementWith('issuing', 'kms:Sign').Condition).toEqual({
      StringEquals: {
        [`aws:ResourceTag/${KMS_TAGS.consortium}`]: CONSORTIUM,
        'kms:SigningAlgorithm': 'ED25519_SHA_512',
        'kms:MessageType': 'RAW',
      },
    });
    expect(statementWith('issuing', 'kms:GetPublicKey').Condition).toEqual({
      StringEquals: { [`aws:ResourceTag/${KMS_TAGS.consortium}`]: CONSORTIUM },
    });
  });

  it('gives a function that neither signs nor creates keys no KMS permission', () => {
    expect(kmsStatements('reading')).toEqual([]);
  });

  it('passes the AwsSolutions checks for key-creating, signing, queue-fed and plain functions alike', () => {
    const report = new AwsSolutionsChecks(kinds.app).validateScope(kinds.stack);
    expect(report.violations.map((violation) => `${violation.severity} ${violation.ruleName}`)).toEqual([]);
  });

  it("gives a function that sends to a queue the queue's URL and the right to send to it", () => {
    const queueId = logicalId(kinds, kinds.stack.queues.get('jobs').node.defaultChild);
    expect(functionOf(kinds, 'issuing').properties.Environment.Variables.JOBS_QUEUE_URL).toEqual({ Ref: queueId });
    const send = statementsOf(kinds, 'issuing').find((statement) => actionsOf(statement).includes('sqs:SendMessage'));
    expect(send?.Resource).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
    expect(statementsOf(kinds, 'reading').flatMap(actionsOf).filter((action) => action.startsWith('sqs:'))).toEqual([]);
  });

  it("feeds a consuming function from its queue with the topology's batch size and concurrency, reporting failed messages one by one", () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping')
      .map(([, resource]) => resource.Properties)
      .filter((mapping) => mapping.FunctionName.Ref === functionOf(kinds, 'working').id);
    expect(mappings).toEqual([
      expect.objectContaining({
        FunctionName: { Ref: functionOf(kinds, 'working').id },
        EventSourceArn: { 'Fn::GetAtt': [logicalId(kinds, kinds.stack.queues.get('jobs').node.defaultChild), 'Arn'] },
        BatchSize: 10,
        ScalingConfig: { MaximumConcurrency: 3 },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      }),
    ]);
  });

  it('keeps a message invisible while its consumer may still be working on it, and parks messages that keep failing', () => {
    const queue = kinds.resources[logicalId(kinds, kinds.stack.queues.get('jobs').node.defaultChild)]!.Properties;
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(functionOf(kinds, 'working').properties.Timeout);
    expect(queue.RedrivePolicy.maxReceiveCount).toBeGreaterThan(1);
    expect(kinds.resources[queue.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0]]!.Type).toBe('AWS::SQS::Queue');
  });

  it("feeds a dead-letter consumer from its queue's dead-letter queue, which waits for it as long as the queue does", () => {
    const queue = kinds.resources[logicalId(kinds, kinds.stack.queues.get('jobs').node.defaultChild)]!.Properties;
    const deadLetterId = queue.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0];
    const mappings = ofType('AWS::Lambda::EventSourceMapping').map(([, resource]) => resource.Properties);
    expect(mappings.filter((mapping) => mapping.FunctionName.Ref === functionOf(kinds, 'giving-up').id)).toEqual([
      expect.objectContaining({ EventSourceArn: { 'Fn::GetAtt': [deadLetterId, 'Arn'] }, BatchSize: 1, FunctionResponseTypes: ['ReportBatchItemFailures'] }),
    ]);
    expect(kinds.resources[deadLetterId]!.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(functionOf(kinds, 'giving-up').properties.Timeout);
    expect(mappings).toHaveLength(2);
  });

  it('invokes a scheduled function on its schedule, and only that one', () => {
    const rules = ofType('AWS::Events::Rule').map(([, resource]) => resource.Properties);
    expect(rules).toEqual([
      expect.objectContaining({
        ScheduleExpression: 'rate(15 minutes)',
        State: 'ENABLED',
        Targets: [expect.objectContaining({ Arn: { 'Fn::GetAtt': [functionOf(kinds, 'sweeping').id, 'Arn'] } })],
      }),
    ]);
    const invokers = ofType('AWS::Lambda::Permission').filter(([, resource]) => resource.Properties.Principal === 'events.amazonaws.com');
    expect(invokers.map(([, resource]) => resource.Properties.FunctionName)).toEqual([{ 'Fn::GetAtt': [functionOf(kinds, 'sweeping').id, 'Arn'] }]);
  });

  it('routes nothing to a function that has no routes', () => {
    const routeKeys = ofType('AWS::ApiGatewayV2::Route').map(([, resource]) => resource.Properties.RouteKey);
    expect(routeKeys.sort()).toEqual(['ANY /v1/issuing/{proxy+}', 'ANY /v1/onboarding/{proxy+}', 'ANY /v1/reading/{proxy+}']);
  });

  it('uses the public URL it is given instead of the endpoint', () => {
    expect(functionOf(kinds, 'reading').properties.Environment.Variables.CX_PUBLIC_URL).toBe('https://exchange.example.eu');
  });
});

describe('mail settings', () => {
  const mailer = () => [
    spec('issuing', { sendsTo: ['notice'] }),
    spec('sending', { routes: [], consumes: { queue: 'notice', batchSize: 10, maxConcurrency: 3 }, mails: true }),
    spec('hearing', { routes: [], mailEvents: true }),
    spec('reading', {}),
  ];

  it("shares the account's sending rate among the sender's instances, and sends as notices@ a domain sender", () => {
    const mail = synth({ functions: mailer(), code: inlineCode, mailFrom: 'university.example.eu', mailRate: 30, claimDays: 10 });

    expect(functionOf(mail, 'sending').properties.Environment.Variables).toMatchObject({ CX_MAIL_RATE: '10', MAIL_FROM: 'notices@university.example.eu' });
    mail.template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'university.example.eu' });
    // the DKIM records the operator publishes for the domain
    expect(Object.keys(mail.template.toJSON().Outputs).filter((name) => name.startsWith('MailDkimRecord'))).toHaveLength(3);
  });

  it('tells the functions that write claim links how long they work, and no other', () => {
    const mail = synth({ functions: mailer(), code: inlineCode, claimDays: 10 });

    expect(functionOf(mail, 'issuing').properties.Environment.Variables.CX_CLAIM_DAYS).toBe('10');
    expect(functionOf(mail, 'reading').properties.Environment.Variables.CX_CLAIM_DAYS).toBeUndefined();
  });

  it('passes the AwsSolutions checks with a mailing function and an event consumer', () => {
    const mail = synth({ functions: mailer(), code: inlineCode });
    const report = new AwsSolutionsChecks(mail.app).validateScope(mail.stack);
    expect(report.violations.map((violation) => `${violation.severity} ${violation.ruleName}`)).toEqual([]);
  });

  it('refuses a sender that is neither an address nor a domain', () => {
    expect(() => synth({ functions: mailer(), code: inlineCode, mailFrom: 'notices' })).toThrow(/mailFrom "notices"/);
  });

  it('refuses a mailing function whose share of the rate is unknown (it consumes no queue)', () => {
    expect(() => synth({ functions: [spec('sending', { mails: true })], code: inlineCode })).toThrow(/share of the sending rate/);
  });
});

describe('stack settings', () => {
  it('refuses a consortium name that cannot be part of a KMS alias', () => {
    expect(() => synth({ consortium: 'EU Consortium', code: inlineCode })).toThrow(/consortium "EU Consortium"/);
  });

  it('refuses a queue that functions send to but no function consumes', () => {
    expect(() => synth({ functions: [spec('issuing', { sendsTo: ['nowhere'] })], code: inlineCode })).toThrow(/queue nowhere/);
  });
});
