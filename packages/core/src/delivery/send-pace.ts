/**
 * Keeps the notices a process sends under the mail service's sending rate (SES: the
 * account's maximum send rate, `CX_MAIL_RATE`). One pace is shared by every sender of the
 * process, so concurrent senders together stay under it: each `take` reserves the next free
 * slot, `1000 / perSecond` ms after the one before, and waits until it comes.
 */
import { sleepMs } from '@cx/domain';

export interface PaceTimer {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realTimer: PaceTimer = { now: () => performance.now(), sleep: sleepMs };

export class SendPace {
  private readonly intervalMs: number;
  /** When the next slot is free (the timer's milliseconds). */
  private nextSlot = Number.NEGATIVE_INFINITY;

  /**
   * @param perSecond messages per second, in total for the process (a positive number)
   * @param timer the clock and sleep to pace by (tests pass a fake one)
   */
  constructor(
    perSecond: number,
    private readonly timer: PaceTimer = realTimer,
  ) {
    if (!(perSecond > 0) || !Number.isFinite(perSecond)) throw new RangeError(`the sending rate must be a positive number of messages per second, not ${perSecond}`);
    this.intervalMs = 1000 / perSecond;
  }

  /** Resolves when the caller may send one message. */
  async take(): Promise<void> {
    const now = this.timer.now();
    // no burst: a pace idle for a while starts from now, not from the slots it missed
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + this.intervalMs;
    if (slot > now) await this.timer.sleep(slot - now);
  }
}
