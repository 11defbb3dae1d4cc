/**
 * What goes through the notice queue (SQS in AWS, in-process locally): a notice rendered
 * at the moment it was written, so that the link's raw token and the address exist only on
 * their way to the mail service and never in the table.
 */
import type { MailMessage } from '@cx/domain';

export interface NoticeMessage {
  noticeId: string;
  message: MailMessage;
}
