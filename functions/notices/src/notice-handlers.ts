/**
 * The notice functions, as handlers over the notice sender and the notice repository: the
 * sender (one SQS message per notice), the dead-letter consumer (a notice SQS gave up on is
 * marked failed) and the SES event consumer (bounces and complaints, through SNS, mark the
 * notice they name). The Lambda entry files only build the dependencies once and hand them in.
 */
import type { SNSEvent, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { NoticeMessage, NoticeSender } from '@cx/core';
import { consoleLog, type Clock, type Log, type NoticeRepository, type NoticeState } from '@cx/domain';

/**
 * Handles every record at once (the sender's pace, shared by the process, spaces the sends),
 * reporting those that failed so that only they come back (partial batch response).
 */
async function eachRecord(event: SQSEvent, handle: (message: NoticeMessage, record: SQSRecord) => Promise<void>, failed: string, log: Log): Promise<SQSBatchResponse> {
  const outcomes = await Promise.allSettled(event.Records.map((record) => handle(JSON.parse(record.body) as NoticeMessage, record)));
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  outcomes.forEach((outcome, i) => {
    if (outcome.status === 'fulfilled') return;
    const record = event.Records[i]!;
    log.error(failed, { messageId: record.messageId, error: outcome.reason });
    failures.push({ itemIdentifier: record.messageId });
  });
  return { batchItemFailures: failures };
}

/** The sender: a notice that could not be sent yet (throttled past its budget, SES failing) comes back from SQS. */
export function noticeSenderHandler(sender: NoticeSender, log: Log = consoleLog): (event: SQSEvent) => Promise<SQSBatchResponse> {
  return (event) => eachRecord(event, (message) => sender.process(message), 'notice not sent; SQS will deliver it again', log);
}

/** The dead-letter consumer: the notice is marked failed (unless it was sent meanwhile). */
export function noticeDeadLetters(sender: NoticeSender, log: Log = consoleLog): (event: SQSEvent) => Promise<SQSBatchResponse> {
  return (event) =>
    eachRecord(
      event,
      (message, record) => {
        const receives = Number(record.attributes?.ApproximateReceiveCount ?? 0);
        return sender.giveUp(message, `not sent: the mail service kept refusing or failing, and the notice queue gave it up${receives ? ` (${receives} deliveries to the dead-letter consumer)` : ''}`);
      },
      'giving up a dead-lettered notice failed; SQS will deliver it again',
      log,
    );
}

/** What of an SES event record (event publishing through a configuration set) is read here. */
interface SesEvent {
  eventType?: string;
  mail?: { timestamp?: string; messageId?: string; tags?: Record<string, string[] | undefined> };
  bounce?: { bounceType?: string; bounceSubType?: string; timestamp?: string; bouncedRecipients?: Array<{ diagnosticCode?: string; status?: string }> };
  complaint?: { timestamp?: string; complaintFeedbackType?: string };
}

/** What a failure reason keeps of the mail service's words: enough to tell a mistyped address from a full mailbox. */
const REASON_CHARS = 300;

/** The state an SES event moves a notice to, with when and why; undefined for events that change nothing. */
function outcomeOf(event: SesEvent): { to: NoticeState; eventAt?: string; failure: string } | undefined {
  if (event.eventType === 'Bounce' && event.bounce?.bounceType === 'Permanent') {
    const recipient = event.bounce.bouncedRecipients?.[0];
    const said = recipient?.diagnosticCode ?? recipient?.status;
    return {
      to: 'bounced',
      eventAt: event.bounce.timestamp,
      failure: `permanent bounce (${event.bounce.bounceSubType ?? 'General'})${said ? `: ${said}` : ''}`.slice(0, REASON_CHARS),
    };
  }
  if (event.eventType === 'Complaint') {
    return { to: 'complained', eventAt: event.complaint?.timestamp, failure: `the recipient reported it as unwanted${event.complaint?.complaintFeedbackType ? ` (${event.complaint.complaintFeedbackType})` : ''}` };
  }
  return undefined;
}

/**
 * The SES event consumer. A permanent bounce (no such address, or SES's suppression list)
 * marks the notice `bounced` and a complaint marks it `complained`. Transient and
 * undetermined bounces are only logged: SES reports full mailboxes and out-of-office replies
 * that way, and the student may well have the message. A bounce can come before the sender
 * marked the notice sent, so `sending` notices are marked too (the sender then leaves them
 * as they are). Records that are not SES events of a notice are logged and ignored: a
 * failure here would only make SNS deliver the same record again. A store that fails
 * throws, and Lambda invokes again (asynchronous retries): marking a notice twice changes
 * nothing, as the second transition finds it no longer `sending` or `sent`.
 */
export function mailEventHandler(notices: Pick<NoticeRepository, 'transition'>, clock: Clock, log: Log = consoleLog): (event: SNSEvent) => Promise<void> {
  return async (event) => {
    for (const record of event.Records) {
      let ses: SesEvent;
      try {
        ses = JSON.parse(record.Sns.Message) as SesEvent;
      } catch {
        log.warn('mail event is not JSON; ignored', { snsMessageId: record.Sns.MessageId });
        continue;
      }
      const noticeId = ses?.mail?.tags?.notice?.[0];
      if (typeof noticeId !== 'string' || !noticeId) {
        log.warn('mail event names no notice; ignored', { snsMessageId: record.Sns.MessageId, eventType: ses?.eventType });
        continue;
      }
      const outcome = outcomeOf(ses);
      if (!outcome) {
        log.info('mail event changes no notice', { noticeId, eventType: ses.eventType, bounceType: ses.bounce?.bounceType });
        continue;
      }
      const eventAt = outcome.eventAt ?? ses.mail?.timestamp ?? clock.now().toISOString();
      const marked = await notices.transition(noticeId, ['sending', 'sent'], outcome.to, { eventAt, failure: outcome.failure });
      if (marked) log.warn(`notice ${outcome.to}`, { noticeId, providerMessageId: ses.mail?.messageId, failure: outcome.failure });
      else log.info('mail event for a notice that was not (or no longer) sent; ignored', { noticeId, eventType: ses.eventType });
    }
  };
}
