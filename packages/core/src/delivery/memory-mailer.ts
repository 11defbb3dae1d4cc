/**
 * A Mailer that keeps what it was given, for tests: every accepted message in `messages`,
 * and throttling on demand (`throttleNext`), as SES does beyond the account's sending rate.
 */
import { RateLimitedError, type MailMessage, type Mailer } from '@cx/domain';

export class MemoryMailer implements Mailer {
  /** The messages accepted, in the order they were sent. */
  readonly messages: MailMessage[] = [];
  /** How many sends were refused with a RateLimitedError. */
  throttled = 0;
  private toThrottle = 0;

  /** Refuses the next `count` sends with a RateLimitedError (nothing is accepted meanwhile). */
  throttleNext(count: number): this {
    this.toThrottle += count;
    return this;
  }

  async send(message: MailMessage): Promise<{ providerMessageId: string }> {
    if (this.toThrottle > 0) {
      this.toThrottle--;
      this.throttled++;
      throw new RateLimitedError('Maximum sending rate exceeded (memory mailer)');
    }
    this.messages.push(structuredClone(message));
    return { providerMessageId: `memory-${this.messages.length}` };
  }
}
