/** The SES v2 mailer: what SendEmail is asked, and what SES's refusals become. */
import { LimitExceededException, MessageRejected, SendEmailCommand, SendingPausedException, SESv2Client, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { DependencyError, RateLimitedError, type MailMessage } from '@cx/domain';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SesMailer } from './lambda-mail.js';

const ses = mockClient(SESv2Client);
afterEach(() => ses.reset());

const message: MailMessage = {
  id: 'ntc_a1B2-c3_D4',
  to: 'ana.student@example.eu',
  subject: 'Your credential from Université de Lyon',
  text: 'Open https://exchange.example.eu/claim/tok to claim it.',
  html: '<p>Open <a href="https://exchange.example.eu/claim/tok">your credential</a>.</p>',
  language: 'fr',
};

function mailer(): SesMailer {
  return new SesMailer(new SESv2Client({ region: 'eu-west-1' }), { from: 'notices@exchange.example.eu', configurationSet: 'cx-notices' });
}

const meta = { $metadata: {} };

describe('SesMailer', () => {
  it('sends plain text and HTML in UTF-8 from the stack sender, through its configuration set, tagged with the notice id', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-0001' });

    const sent = await mailer().send(message);

    expect(sent).toEqual({ providerMessageId: 'ses-0001' });
    expect(ses.commandCalls(SendEmailCommand)[0]!.args[0].input).toEqual({
      FromEmailAddress: 'notices@exchange.example.eu',
      ConfigurationSetName: 'cx-notices',
      Destination: { ToAddresses: ['ana.student@example.eu'] },
      Content: {
        Simple: {
          Subject: { Data: message.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: message.text, Charset: 'UTF-8' }, Html: { Data: message.html, Charset: 'UTF-8' } },
          Headers: [{ Name: 'Content-Language', Value: 'fr' }],
        },
      },
      EmailTags: [{ Name: 'notice', Value: 'ntc_a1B2-c3_D4' }],
    });
  });

  it('adds no headers to a message without a language', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-0002' });

    await mailer().send({ ...message, language: undefined });

    expect(ses.commandCalls(SendEmailCommand)[0]!.args[0].input.Content?.Simple?.Headers).toBeUndefined();
  });

  it('reports the maximum sending rate as rate limited', async () => {
    ses.on(SendEmailCommand).rejects(new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', ...meta }));

    const error = await mailer().send(message).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).cause).toBeInstanceOf(TooManyRequestsException);
  });

  it('reports the daily quota as rate limited, retried after minutes rather than seconds', async () => {
    ses.on(SendEmailCommand).rejects(new LimitExceededException({ message: 'Daily message quota exceeded.', ...meta }));

    const error = await mailer().send(message).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).extensions).toEqual({ retryAfterSeconds: 600 });
  });

  it.each([
    ['a rejected message', new MessageRejected({ message: 'Email address is not verified.', ...meta })],
    ['paused sending', new SendingPausedException({ message: 'Sending is paused for this account.', ...meta })],
  ])('reports %s as a dependency failure naming SES’s error', async (_, refusal) => {
    ses.on(SendEmailCommand).rejects(refusal);

    const error = await mailer().send(message).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DependencyError);
    expect((error as Error).message).toContain(refusal.name);
    expect((error as Error).cause).toBe(refusal);
  });

  it('reports an SES server failure as a dependency failure', async () => {
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('internal'), { name: 'InternalServiceErrorException', $metadata: { httpStatusCode: 500 } }));

    await expect(mailer().send(message)).rejects.toBeInstanceOf(DependencyError);
  });
});
