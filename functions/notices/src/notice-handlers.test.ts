/** The notice functions' handlers over a real NoticeSender and the in-memory persistence, with a mailer stub. */
import type { SNSEvent, SQSEvent } from 'aws-lambda';
import { NoticeSender, SendPace, type NoticeMessage } from '@cx/core';
import { DependencyError, type Log, type MailMessage, type Mailer, type NoticeRecord, type Persistence } from '@cx/domain';
import { MemoryPersistence } from '@cx/memory-store';
import { describe, expect, it } from 'vitest';
import { mailEventHandler, noticeDeadLetters, noticeSenderHandler } from './notice-handlers.js';

const T0 = '2026-03-02T09:00:00.000Z';
const clock = { now: () => new Date(T0) };
const quietLog: Log = { info: () => {}, warn: () => {}, error: () => {}, withKeys: (_keys, work) => work() };

/** Accepts every message but those to `refused`, which fail as SES failing would. */
class StubMailer implements Mailer {
  readonly sent: MailMessage[] = [];
  constructor(private readonly refused = new Set<string>()) {}

  async send(message: MailMessage): Promise<{ providerMessageId: string }> {
    if (this.refused.has(message.to)) throw new DependencyError('SES failed; retry later');
    this.sent.push(message);
    return { providerMessageId: `ses-${this.sent.length}` };
  }
}

const notice = (id: string, fields: Partial<NoticeRecord> = {}): NoticeRecord => ({
  id,
  kind: 'claim',
  toHash: 'a'.repeat(64),
  institution: 'uni-a',
  credentialId: `cred-${id}`,
  state: 'queued',
  createdAt: T0,
  ...fields,
});

const noticeMessage = (noticeId: string, to = `${noticeId}@example.org`): NoticeMessage => ({
  noticeId,
  message: { id: noticeId, to, subject: 'Your credential', text: 'Claim it: https://exchange.test/claim/t0k3n', html: '<p><a href="https://exchange.test/claim/t0k3n">Claim it</a></p>' },
});

/** An SQS event of the notice queue carrying `messages`, one record each (message ids m-0, m-1, ...). */
const sqsEvent = (messages: NoticeMessage[], receiveCount = '1'): SQSEvent => ({
  Records: messages.map((message, i) => ({
    messageId: `m-${i}`,
    receiptHandle: `r-${i}`,
    body: JSON.stringify(message),
    attributes: { ApproximateReceiveCount: receiveCount, SentTimestamp: '0', SenderId: 'sender', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:notice',
    awsRegion: 'eu-west-1',
  })),
});

async function arrange(notices: NoticeRecord[], mailer: Mailer = new StubMailer()) {
  const store: Persistence = new MemoryPersistence();
  await store.commit(notices.map((record) => store.notices.create(record)));
  const pace = new SendPace(1_000);
  const sender = new NoticeSender({ store, mailer, clock, pace, log: quietLog });
  return { store, sender };
}

describe('the notice sender function', () => {
  it('sends every notice of a batch once, marks each sent and reports no failures', async () => {
    const mailer = new StubMailer();
    const { store, sender } = await arrange([notice('n-1'), notice('n-2'), notice('n-3')], mailer);

    const response = await noticeSenderHandler(sender, quietLog)(sqsEvent(['n-1', 'n-2', 'n-3'].map((id) => noticeMessage(id))));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(mailer.sent.map((message) => message.id).sort()).toEqual(['n-1', 'n-2', 'n-3']);
    for (const id of ['n-1', 'n-2', 'n-3']) expect((await store.notices.get(id, true))?.state).toBe('sent');
  });

  it('reports only the record whose notice could not be sent, for SQS to deliver again', async () => {
    const mailer = new StubMailer(new Set(['unlucky@example.org']));
    const { store, sender } = await arrange([notice('n-1'), notice('n-2')], mailer);

    const response = await noticeSenderHandler(sender, quietLog)(sqsEvent([noticeMessage('n-1'), noticeMessage('n-2', 'unlucky@example.org')]));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect((await store.notices.get('n-1', true))?.state).toBe('sent');
    expect((await store.notices.get('n-2', true))?.state).toBe('sending');
  });

  it('drops the message of a notice that was superseded, without sending it', async () => {
    const mailer = new StubMailer();
    const { sender } = await arrange([notice('n-1', { state: 'superseded' })], mailer);

    const response = await noticeSenderHandler(sender, quietLog)(sqsEvent([noticeMessage('n-1')]));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(mailer.sent).toEqual([]);
  });
});

describe('the notice dead-letter function', () => {
  it('marks a notice the queue gave up on failed, saying why', async () => {
    const { store, sender } = await arrange([notice('n-1', { state: 'sending', claimedAt: T0 })]);

    const response = await noticeDeadLetters(sender, quietLog)(sqsEvent([noticeMessage('n-1')], '2'));

    expect(response).toEqual({ batchItemFailures: [] });
    const failed = await store.notices.get('n-1', true);
    expect(failed).toMatchObject({ state: 'failed', eventAt: T0 });
    expect(failed?.failure).toContain('notice queue gave it up');
  });

  it('leaves a notice that was sent meanwhile as it is', async () => {
    const { store, sender } = await arrange([notice('n-1', { state: 'sent', sentAt: T0, providerMessageId: 'ses-1' })]);

    await noticeDeadLetters(sender, quietLog)(sqsEvent([noticeMessage('n-1')]));

    expect((await store.notices.get('n-1', true))?.state).toBe('sent');
  });
});

/** An SNS event carrying one SES event record per message (strings are sent as they are). */
const snsEvent = (...messages: unknown[]): SNSEvent => ({
  Records: messages.map((message, i) => ({
    EventSource: 'aws:sns',
    EventVersion: '1.0',
    EventSubscriptionArn: 'arn:aws:sns:eu-west-1:123456789012:mail-events:sub',
    Sns: {
      Type: 'Notification',
      MessageId: `sns-${i}`,
      TopicArn: 'arn:aws:sns:eu-west-1:123456789012:mail-events',
      Subject: 'Amazon SES Email Event Notification',
      Message: typeof message === 'string' ? message : JSON.stringify(message),
      Timestamp: T0,
      SignatureVersion: '1',
      Signature: '',
      SigningCertUrl: '',
      UnsubscribeUrl: '',
      MessageAttributes: {},
    },
  })),
});

/** SES's record of a message of notice `noticeId` (as event publishing through a configuration set sends it). */
const mail = (noticeId: string) => ({
  timestamp: '2026-03-02T09:00:01.000Z',
  messageId: 'ses-1',
  destination: ['ada@example.org'],
  tags: { 'ses:configuration-set': ['cx-notices'], notice: [noticeId] },
});

const permanentBounce = (noticeId: string) => ({
  eventType: 'Bounce',
  bounce: {
    bounceType: 'Permanent',
    bounceSubType: 'General',
    bouncedRecipients: [{ emailAddress: 'ada@example.org', action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }],
    timestamp: '2026-03-02T09:00:05.000Z',
  },
  mail: mail(noticeId),
});

const sent = (id: string) => notice(id, { state: 'sent', sentAt: T0, providerMessageId: 'ses-1' });

describe('the SES event function', () => {
  it('marks a notice bounced on a permanent bounce, with when and what the receiving server said', async () => {
    const { store } = await arrange([sent('n-1')]);

    await mailEventHandler(store.notices, clock, quietLog)(snsEvent(permanentBounce('n-1')));

    expect(await store.notices.get('n-1', true)).toMatchObject({
      state: 'bounced',
      eventAt: '2026-03-02T09:00:05.000Z',
      failure: 'permanent bounce (General): smtp; 550 5.1.1 user unknown',
    });
  });

  it('marks a notice complained when its recipient reports it', async () => {
    const { store } = await arrange([sent('n-1')]);
    const complaint = { eventType: 'Complaint', complaint: { complainedRecipients: [{ emailAddress: 'ada@example.org' }], timestamp: '2026-03-02T10:00:00.000Z', complaintFeedbackType: 'abuse' }, mail: mail('n-1') };

    await mailEventHandler(store.notices, clock, quietLog)(snsEvent(complaint));

    expect(await store.notices.get('n-1', true)).toMatchObject({ state: 'complained', eventAt: '2026-03-02T10:00:00.000Z', failure: 'the recipient reported it as unwanted (abuse)' });
  });

  it('marks a bounce that arrives before the sender marked the notice sent', async () => {
    const { store } = await arrange([notice('n-1', { state: 'sending', claimedAt: T0 })]);

    await mailEventHandler(store.notices, clock, quietLog)(snsEvent(permanentBounce('n-1')));

    expect((await store.notices.get('n-1', true))?.state).toBe('bounced');
  });

  it('leaves a notice sent on a transient bounce (a full mailbox, an out-of-office reply)', async () => {
    const { store } = await arrange([sent('n-1')]);
    const transient = { ...permanentBounce('n-1'), bounce: { ...permanentBounce('n-1').bounce, bounceType: 'Transient', bounceSubType: 'MailboxFull' } };

    await mailEventHandler(store.notices, clock, quietLog)(snsEvent(transient));

    expect((await store.notices.get('n-1', true))?.state).toBe('sent');
  });

  it('ignores what is not an SES event of a known notice and still handles the records after it', async () => {
    const { store } = await arrange([sent('n-1')]);
    const untagged = { ...permanentBounce('n-1'), mail: { ...mail('n-1'), tags: {} } };
    const delivery = { eventType: 'Delivery', delivery: { timestamp: T0 }, mail: mail('n-1') };

    await mailEventHandler(store.notices, clock, quietLog)(snsEvent('not json', untagged, delivery, permanentBounce('n-unknown'), { eventType: 'Bounce' }, permanentBounce('n-1')));

    expect((await store.notices.get('n-1', true))?.state).toBe('bounced');
  });
});
