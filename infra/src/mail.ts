/**
 * Notices in AWS: the SES sender identity, a configuration set whose bounce and complaint
 * events go to an encrypted SNS topic, and, from the topology's flags, the right to send
 * (`mails`: SendEmail on that identity and configuration set only, with the sender, the
 * configuration set and the function's share of the sending rate in its environment) and
 * the subscription of the event consumer (`mailEvents`).
 */
import { CfnOutput, Fn, Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { ConfigurationSet, ConfigurationSetTlsPolicy, EmailIdentity, EmailSendingEvent, EventDestination, Identity, SuppressionReasons } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { ExchangeFunction } from './functions.js';

/** The sending rate of a new SES account out of the sandbox (messages per second). */
export const DEFAULT_MAIL_RATE = 14;

/** The local part notices are sent from when the sender is a whole domain. */
const DOMAIN_SENDER = 'notices';

/** What SES is told to send from, for `mailFrom` given as an address (`notices@uni.eu`) or a domain (`uni.eu`). */
export function senderOf(mailFrom: string): { identity: Identity; fromAddress: string; domain: boolean } {
  return mailFrom.includes('@')
    ? { identity: Identity.email(mailFrom), fromAddress: mailFrom, domain: false }
    : { identity: Identity.domain(mailFrom), fromAddress: `${DOMAIN_SENDER}@${mailFrom}`, domain: true };
}

const ADDRESS = /^[^\s@<>]+@[a-z0-9-]+(\.[a-z0-9-]+)+$/i;
const DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i;

export interface ExchangeMailProps {
  /** The address (`notices@university.eu`) or domain (`university.eu`) notices are sent from. */
  mailFrom: string;
  /** The account's SES sending rate, messages per second (DEFAULT_MAIL_RATE unless told otherwise). */
  mailRate?: number;
  functions: readonly ExchangeFunction[];
}

export class ExchangeMail extends Construct {
  readonly identity: EmailIdentity;
  readonly configurationSet: ConfigurationSet;
  /** Where SES publishes the configuration set's bounce and complaint events. */
  readonly events: Topic;
  /** The address notices are sent from (MAIL_FROM). */
  readonly fromAddress: string;

  constructor(scope: Construct, id: string, props: ExchangeMailProps) {
    super(scope, id);
    if (!ADDRESS.test(props.mailFrom) && !DOMAIN.test(props.mailFrom)) {
      throw new Error(`mailFrom "${props.mailFrom}" must be an email address or a domain`);
    }
    const mailRate = props.mailRate ?? DEFAULT_MAIL_RATE;
    if (!(mailRate > 0) || !Number.isFinite(mailRate)) throw new Error(`mailRate must be a positive number of messages per second, got ${mailRate}`);

    const stack = Stack.of(this);
    this.configurationSet = new ConfigurationSet(this, 'Notices', {
      // a notice carries a claim or sign-in link, which is as good as a password: never in clear text
      tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE,
      reputationMetrics: true,
      // addresses that bounced or complained are not written to again
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    const sender = senderOf(props.mailFrom);
    this.fromAddress = sender.fromAddress;
    this.identity = new EmailIdentity(this, 'Sender', { identity: sender.identity, configurationSet: this.configurationSet });

    const configurationSetArn = stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: this.configurationSet.configurationSetName });
    // SES publishes to an encrypted topic only with a customer managed key it may use
    const key = new Key(this, 'EventsKey', { description: 'Encrypts the SES bounce and complaint events of the consortium exchange', enableKeyRotation: true });
    key.addToResourcePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('ses.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account, 'aws:SourceArn': configurationSetArn } },
      }),
    );
    this.events = new Topic(this, 'Events', { masterKey: key, enforceSSL: true });
    this.configurationSet.addEventDestination('ToTopic', {
      destination: EventDestination.snsTopic(this.events),
      // deliveries change nothing: a notice is `sent` once SES accepted it
      events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
    });

    for (const fn of props.functions) {
      if (fn.spec.mails) this.allowSending(fn, configurationSetArn, mailRate);
      if (fn.spec.mailEvents) this.events.addSubscription(new LambdaSubscription(fn.fn));
    }

    new CfnOutput(stack, 'MailIdentity', {
      description: 'SES identity notices are sent from: verify it (an address gets a link; a domain needs its DKIM records) and leave the SES sandbox before students are written to',
      value: this.identity.emailIdentityName,
    });
    if (sender.domain) {
      // SES verifies a domain by its Easy DKIM records, which the stack cannot publish in a zone it does not know
      this.identity.dkimRecords.forEach((record, i) => {
        new CfnOutput(stack, `MailDkimRecord${i + 1}`, {
          description: `DNS record ${i + 1} of 3 the sender domain must publish (CNAME) before SES sends from it`,
          value: Fn.join(' CNAME ', [record.name, record.value]),
        });
      });
    }
  }

  private allowSending(fn: ExchangeFunction, configurationSetArn: string, mailRate: number): void {
    const concurrency = fn.spec.consumes?.maxConcurrency;
    if (!concurrency) throw new Error(`function ${fn.spec.name} mails but consumes no queue with a maxConcurrency, so its share of the sending rate is unknown`);
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'SendNotices',
        effect: Effect.ALLOW,
        actions: ['ses:SendEmail'],
        resources: [this.identity.emailIdentityArn, configurationSetArn],
        conditions: { StringEquals: { 'ses:FromAddress': this.fromAddress } },
      }),
    );
    fn.fn.addEnvironment('MAIL_FROM', this.fromAddress);
    fn.fn.addEnvironment('MAIL_CONFIGURATION_SET', this.configurationSet.configurationSetName);
    // every instance paces itself: together they keep to the account's rate
    fn.fn.addEnvironment('CX_MAIL_RATE', String(mailRate / concurrency));
  }
}
