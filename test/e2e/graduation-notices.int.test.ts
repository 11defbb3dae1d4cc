/**
 * Issue 12's notice criterion: a 2,000-item graduation run sends 2,000 notices, one per
 * credential, none twice and none lost.
 *
 * - Locally (`pnpm start`'s exchange over HTTP): each notice is a `.eml` file in the outbox,
 *   to its recipient, with a claim link whose token is the one the credential's delivery
 *   holds (hashed), and the link opens the claim page.
 * - The AWS path: the notice queue is an SQS stand-in (batches of 10, redelivery after a
 *   visibility timeout, a dead-letter queue, and an occasional duplicate delivery as standard
 *   queues make), holding the run's 2,000 notices when the notice function's handler starts
 *   on three "instances" (issuing here is slower than SES sends), each with
 *   its own NoticeSender and SesMailer over a mocked SES whose SendEmail is limited by a
 *   token bucket: the instances together ask for more than SES allows, so SES throttles.
 *   Every notice is accepted by SES exactly once (counted by its `notice` tag).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendEmailCommand, SESv2Client, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { credentialServices, emailLookupHash, NoticeSender, SendPace, type NoticeMessage } from '@cx/core';
import { hashSecret, systemClock, type JobQueue, type Log, type Persistence } from '@cx/domain';
import { startLocalExchange, type LocalExchange } from '@cx/local';
import { SesMailer } from '@cx/runtime/lambda-mail';
import { Store } from '@cx/store';
import { localClient } from '@cx/store/dynamodb-local';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { componentBody } from '../../functions/catalogue/src/fixtures.js';
import { issueBody } from '../../functions/credentials/src/fixtures.js';
import { noticeSenderHandler } from '../../functions/notices/src/notice-handlers.js';
import { readEml } from '../support/eml.js';
import { testExchange } from '../support/exchange.js';

type Json = Record<string, any>;

const ITEMS = 2_000;
const quietLog: Log = { info: () => {}, warn: () => {}, error: () => {}, withKeys: (_keys, work) => work() };

const emailOf = (run: string, i: number) => `${run}-${i}@example.org`;
const items = (run: string) => Array.from({ length: ITEMS }, (_, i) => issueBody({ recipient: { name: `Student ${i}`, email: emailOf(run, i) } }));

/** Runs `work` over 0..count-1, 16 at a time. */
async function eachIndex(count: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let i = next++; i < count; i = next++) await work(i);
    }),
  );
}

async function until(what: string, condition: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The credential issued to each recipient of a run (exactly one each, or the test fails), with its delivery. */
async function deliveriesOf(store: Persistence, institution: string, run: string) {
  const found: Array<{ credentialId: string; claimTokenHash: string; lastNoticeId?: string }> = new Array(ITEMS);
  await eachIndex(ITEMS, async (i) => {
    const credentials = await store.credentials.allForRecipient(institution, { kind: 'email', emailHash: emailLookupHash(emailOf(run, i)) });
    expect(credentials, emailOf(run, i)).toHaveLength(1);
    const delivery = await store.deliveries.get(institution, credentials[0]!.id, true);
    expect(delivery, `delivery of ${emailOf(run, i)}`).toBeDefined();
    found[i] = { credentialId: credentials[0]!.id, claimTokenHash: delivery!.claimTokenHash, lastNoticeId: delivery!.lastNoticeId };
  });
  return found;
}

describe('a 2,000-item graduation run under pnpm start', () => {
  let exchange: LocalExchange;
  let dataDir: string;
  let clean: Store;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cx-notices-'));
    const tableName = `notices-${randomUUID()}`;
    // well above 14/s, so that the test does not wait on the pace
    exchange = await startLocalExchange({ port: 0, dataDir, dynamoEndpoint: inject('dynamoEndpoint'), tableName, mailRate: 2_000 });
    clean = new Store({ tableName, client: localClient(inject('dynamoEndpoint')) });
  });

  afterAll(async () => {
    await exchange?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const send = async (method: string, path: string, key: string | undefined, body?: unknown, headers: Record<string, string> = {}) =>
    exchange.fetch(
      new Request(`${exchange.url}${path}`, {
        method,
        headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );

  it('writes one .eml per credential to the outbox, to its recipient, with a claim link of its delivery that opens', { timeout: 300_000 }, async () => {
    const onboarded = await send('POST', '/v1/institutions', exchange.generatedAdminKey, { id: 'uni-n', name: 'University N', country: 'NL', homepage: 'https://uni-n.example.edu' });
    expect(onboarded.status, await onboarded.clone().text()).toBe(201);
    const key = ((await onboarded.json()) as Json).apiKey as string;
    expect((await send('PUT', '/v1/institutions/uni-n/components/ML-1', key, componentBody())).status).toBe(201);

    const started = await send('POST', '/v1/institutions/uni-n/credential-batches', key, { items: items('n') }, { 'idempotency-key': 'graduation-notices' });
    expect(started.status, await started.clone().text()).toBe(202);
    const { id } = (await started.json()) as Json;
    let view: Json = {};
    await until(
      'the run is done',
      async () => {
        view = (await (await send('GET', `/v1/institutions/uni-n/credential-batches/${id}?limit=10`, key)).json()) as Json;
        return view.status === 'done' || view.status === 'done-with-errors';
      },
      150_000,
    );
    expect(view).toMatchObject({ status: 'done', issued: ITEMS, failed: 0 });
    const emlFiles = () => readdirSync(exchange.outboxDir).filter((name) => name.endsWith('.eml'));
    await until('every notice is in the outbox', () => emlFiles().length >= ITEMS, 60_000);

    const deliveries = await deliveriesOf(clean, 'uni-n', 'n');
    // every notice is marked sent, so nothing more is on its way to the outbox
    await eachIndex(ITEMS, async (i) => expect((await clean.notices.get(deliveries[i]!.lastNoticeId!, true))?.state).toBe('sent'));
    const files = readdirSync(exchange.outboxDir);
    expect(files.filter((name) => !name.endsWith('.eml')), 'temporary files left').toEqual([]);
    expect(files).toHaveLength(ITEMS);

    const claimLink = new RegExp(`${exchange.deps.publicUrl.replace(/[.:/]/g, '\\$&')}/claim/([A-Za-z0-9_-]{43})`);
    const byRecipient = new Map<string, { file: string; token: string }[]>();
    for (const file of files) {
      const { headers, parts } = readEml(join(exchange.outboxDir, file));
      const [text, html] = parts.map((part) => part.body);
      const token = claimLink.exec(text ?? '')?.[1];
      expect(token, `claim link in the text of ${file}`).toBeDefined();
      expect(html, `the same claim link in the HTML of ${file}`).toContain(`/claim/${token}`);
      byRecipient.set(headers.to!, [...(byRecipient.get(headers.to!) ?? []), { file, token: token! }]);
    }
    expect(byRecipient.size).toBe(ITEMS);
    expect([...byRecipient.values()].filter((notices) => notices.length > 1), 'recipients with more than one notice').toEqual([]);
    const mismatched = deliveries.filter((delivery, i) => {
      const [notice] = byRecipient.get(emailOf('n', i)) ?? [];
      return notice?.file !== `${delivery.lastNoticeId}.eml` || hashSecret(notice.token) !== delivery.claimTokenHash;
    });
    expect(mismatched, 'notices whose file or claim link is not their delivery’s').toEqual([]);

    for (const i of [0, 999, ITEMS - 1]) {
      const page = await send('GET', `/claim/${byRecipient.get(emailOf('n', i))![0]!.token}`, undefined);
      expect(page.status, `claim page of ${emailOf('n', i)}`).toBe(200);
    }
  });
});

/** A message on the simulated queue, with how often it was received. */
interface Envelope {
  messageId: string;
  body: string;
  receives: number;
}

/**
 * Amazon SQS as the notice queue behaves for this test: batches of up to 10, a record the
 * consumer reports failed comes back after the visibility timeout, a record received
 * `maxReceives` times goes to the dead-letter queue, and every `duplicateEvery`-th message
 * is delivered twice (standard queues deliver at least once).
 */
class SimulatedSqs implements JobQueue<NoticeMessage> {
  readonly deadLetters: Envelope[] = [];
  duplicates = 0;
  private readonly ready: Envelope[] = [];
  private outstanding = 0;
  private count = 0;

  constructor(private readonly options: { visibilityMs: number; maxReceives: number; duplicateEvery: number }) {}

  async send(messages: NoticeMessage[]): Promise<void> {
    for (const message of messages) {
      const body = JSON.stringify(message);
      this.ready.push({ messageId: `m-${this.count}`, body, receives: 0 });
      if (++this.count % this.options.duplicateEvery === 0) {
        this.duplicates++;
        this.ready.push({ messageId: `m-${this.count}-again`, body, receives: 0 });
      }
    }
  }

  receive(max: number): Envelope[] {
    const batch = this.ready.splice(0, max);
    for (const envelope of batch) envelope.receives++;
    this.outstanding += batch.length;
    return batch;
  }

  /** Deletes a record handled, or makes it visible again after the timeout (or dead-letters it). */
  settle(envelope: Envelope, handled: boolean): void {
    if (handled) {
      this.outstanding--;
    } else if (envelope.receives >= this.options.maxReceives) {
      this.outstanding--;
      this.deadLetters.push(envelope);
    } else {
      setTimeout(() => {
        this.outstanding--;
        this.ready.push(envelope);
      }, this.options.visibilityMs);
    }
  }

  get empty(): boolean {
    return this.ready.length === 0 && this.outstanding === 0;
  }
}

type SqsEvent = Parameters<ReturnType<typeof noticeSenderHandler>>[0];

const sqsEvent = (batch: Envelope[]): SqsEvent =>
  ({
    Records: batch.map((envelope) => ({
      messageId: envelope.messageId,
      receiptHandle: envelope.messageId,
      body: envelope.body,
      attributes: { ApproximateReceiveCount: String(envelope.receives), SentTimestamp: '0', SenderId: 'exchange', ApproximateFirstReceiveTimestamp: '0' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:notices',
      awsRegion: 'eu-west-1',
    })),
  }) as SqsEvent;

/** SES's maximum send rate: a bucket of `burst` tokens, refilled continuously at `perSecond`. */
class TokenBucket {
  private tokens: number;
  private last = performance.now();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }
}

describe('a 2,000-item graduation run in AWS, SES throttling', () => {
  /**
   * What the account allows, and what each of the three sender instances paces itself to
   * (together 7.5 times as much). SES's bucket holds little more than one instance's first
   * sends, so that it throttles however fast or slow this machine is that day (at 200/s, a
   * loaded CI machine never asked for more than SES allowed).
   */
  const SES_RATE = 40;
  const SES_BURST = 5;
  const INSTANCES = 3;
  const INSTANCE_RATE = 100;

  it('has SES accept every notice exactly once, none lost, though SES throttled', { timeout: 300_000 }, async () => {
    const cx = await testExchange();
    const { apiKey } = await cx.onboard('uni-s');
    expect((await cx.request('PUT', '/v1/institutions/uni-s/components/ML-1', { key: apiKey, body: componentBody() })).status).toBe(201);

    const accepted = new Map<string, number>();
    let throttled = 0;
    let messageIds = 0;
    const bucket = new TokenBucket(SES_RATE, SES_BURST);
    const ses = new SESv2Client({ region: 'eu-west-1', maxAttempts: 1 });
    const sesMock = mockClient(ses);
    sesMock.on(SendEmailCommand).callsFake(async (input: { EmailTags?: Array<{ Name?: string; Value?: string }> }) => {
      if (!bucket.take()) {
        throttled++;
        throw new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', $metadata: { httpStatusCode: 429 } });
      }
      const noticeId = input.EmailTags?.find((tag) => tag.Name === 'notice')?.Value ?? 'untagged';
      accepted.set(noticeId, (accepted.get(noticeId) ?? 0) + 1);
      return { MessageId: `ses-${++messageIds}` };
    });

    const sqs = new SimulatedSqs({ visibilityMs: 500, maxReceives: 5, duplicateEvery: 97 });
    // the credentials function: issues the run and sends its notices to the queue
    const issuing = credentialServices({ ...cx.deps, noticeQueue: sqs, log: quietLog });
    const instances = Array.from({ length: INSTANCES }, () =>
      noticeSenderHandler(
        new NoticeSender({ store: cx.deps.store, mailer: new SesMailer(ses, { from: 'notices@exchange.example.eu', configurationSet: 'notices' }), clock: systemClock, pace: new SendPace(INSTANCE_RATE), log: quietLog }),
        quietLog,
      ),
    );
    const batch = await issuing.batches.submit('uni-s', items('s'), { kind: 'institution', id: 'uni-s', keyId: 'test' });
    await until(
      'the run is done',
      async () => {
        const view = await issuing.batches.view('uni-s', batch.id);
        return view?.status === 'done' || view?.status === 'done-with-errors';
      },
      150_000,
    );
    expect(await issuing.batches.view('uni-s', batch.id)).toMatchObject({ status: 'done', issued: ITEMS, failed: 0 });

    // the senders start on the whole backlog: issuing here is slower than SES, which would
    // otherwise never be asked for more than it allows
    let polling = true;
    const pollers = instances.map(async (handler) => {
      while (polling) {
        const received = sqs.receive(10);
        if (received.length === 0) {
          await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        const { batchItemFailures } = await handler(sqsEvent(received));
        const failed = new Set(batchItemFailures.map((failure) => failure.itemIdentifier));
        for (const envelope of received) sqs.settle(envelope, !failed.has(envelope.messageId));
      }
    });
    try {
      await until('the notice queue is empty', () => sqs.empty, 120_000);
    } finally {
      polling = false;
      await Promise.all(pollers);
    }

    const deliveries = await deliveriesOf(cx.deps.store, 'uni-s', 's');
    expect(throttled, 'SendEmail calls SES throttled').toBeGreaterThan(0);
    expect(sqs.duplicates, 'messages SQS delivered twice').toBeGreaterThan(0);
    expect(sqs.deadLetters, 'dead-lettered notices').toEqual([]);
    expect(new Set(deliveries.map((delivery) => delivery.lastNoticeId)).size).toBe(ITEMS);
    expect([...accepted.keys()].sort()).toEqual(deliveries.map((delivery) => delivery.lastNoticeId!).sort());
    expect([...accepted.entries()].filter(([, times]) => times !== 1), 'notices SES accepted more than once').toEqual([]);
    const unsent: string[] = [];
    await eachIndex(ITEMS, async (i) => {
      const notice = await cx.deps.store.notices.get(deliveries[i]!.lastNoticeId!, true);
      if (notice?.state !== 'sent' || !notice.providerMessageId?.startsWith('ses-')) unsent.push(emailOf('s', i));
    });
    expect(unsent, 'notices not marked sent with their SES message id').toEqual([]);
  });
});
