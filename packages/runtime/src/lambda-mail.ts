/**
 * The SES side of a Lambda function's dependencies: Amazon SES v2 behind the Mailer port.
 * Only the notice-sender function imports it (its topology entry `mails`), so no other
 * bundle carries the SES client.
 */
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { DependencyError, RateLimitedError, serviceFailureError, type MailMessage, type Mailer } from '@cx/domain';
import { requiredEnv } from './lambda.js';

export interface SesMailerOptions {
  /** The sender (`notices@university.eu`, or `Name <address>`), of an identity verified in SES. */
  from: string;
  /** The configuration set whose event destination reports bounces and complaints. */
  configurationSet: string;
}

/**
 * Seconds to wait after SES refused a message for the account's 24-hour quota: SES asks
 * for "up to 10 minutes" before sending again.
 */
const DAILY_QUOTA_RETRY_AFTER_SECONDS = 600;

/**
 * Sends each message with SendEmail (simple content, plain text and HTML, UTF-8), tagged
 * `notice=<message id>` so that SES's bounce and complaint events name the notice (notice
 * ids are base64url, which tag values allow).
 *
 * Throttling (`TooManyRequestsException`, "Maximum sending rate exceeded", and SES's
 * `LimitExceededException`, "Daily message quota exceeded") is a RateLimitedError: SES did
 * not take the message, so sending it again later is safe. Anything else, including a
 * message SES refused for good (`MessageRejected`, an unverified sender, sending paused for
 * the account), is a DependencyError.
 */
export class SesMailer implements Mailer {
  constructor(
    private readonly ses: SESv2Client,
    private readonly options: SesMailerOptions,
  ) {}

  async send(message: MailMessage): Promise<{ providerMessageId: string }> {
    const charset = 'UTF-8';
    const out = await this.ses
      .send(
        new SendEmailCommand({
          FromEmailAddress: this.options.from,
          ConfigurationSetName: this.options.configurationSet,
          Destination: { ToAddresses: [message.to] },
          Content: {
            Simple: {
              Subject: { Data: message.subject, Charset: charset },
              Body: { Text: { Data: message.text, Charset: charset }, Html: { Data: message.html, Charset: charset } },
              ...(message.language ? { Headers: [{ Name: 'Content-Language', Value: message.language }] } : {}),
            },
          },
          EmailTags: [{ Name: 'notice', Value: message.id }],
        }),
      )
      .catch((error: unknown) => {
        throw sesError(error);
      });
    if (!out.MessageId) throw new DependencyError(`SES accepted notice ${message.id} but returned no message id`);
    return { providerMessageId: out.MessageId };
  }
}

/** The domain error a failed SendEmail becomes (the Mailer port's contract). */
function sesError(error: unknown): Error {
  const name = typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : 'Error';
  if (name === 'LimitExceededException') {
    return new RateLimitedError('SES: the daily sending quota is used up; retry later', { retryAfterSeconds: DAILY_QUOTA_RETRY_AFTER_SECONDS }, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return serviceFailureError('SES', error) ?? new DependencyError(`SES did not send the message (${name}: ${message})`, {}, { cause: error });
}

/**
 * The mailer of the notice-sender function: SES from MAIL_FROM and MAIL_CONFIGURATION_SET,
 * which the stack sets. The SDK's own retries are off (`maxAttempts: 1`): the notice sender
 * paces every attempt and backs off on throttling itself, and an SDK retry after a timeout
 * could send a message SES had already taken.
 */
export function lambdaMailer(): Mailer {
  return new SesMailer(new SESv2Client({ maxAttempts: 1 }), {
    from: requiredEnv('MAIL_FROM'),
    configurationSet: requiredEnv('MAIL_CONFIGURATION_SET'),
  });
}
