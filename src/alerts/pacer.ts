/** Slack allows about one message a second per channel: posts to one channel wait their turn. */
export class ChannelPacer {
  private readonly nextAt = new Map<string, number>();

  constructor(
    private readonly gapMs = 1_100,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Resolves when a message may be posted to `channel`, and books the slot. */
  async wait(channel: string): Promise<void> {
    const now = this.now();
    const at = Math.max(now, this.nextAt.get(channel) ?? 0);
    this.nextAt.set(channel, at + this.gapMs);
    if (at > now) await this.sleep(at - now);
  }

  /** Slack said to wait (429 Retry-After): nothing goes to that channel before then. */
  holdOff(channel: string, untilMs: number): void {
    this.nextAt.set(channel, Math.max(this.nextAt.get(channel) ?? 0, untilMs));
  }
}
