import type { StateStore } from '../store/state-store.js';
import type { Refusal } from './policy.js';

export interface PersonLimitOptions {
  perMinute: number;
  perDay: number;
  now?: () => number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * Per-person budget of uncached Connecteam look-ups, in fixed minute and UTC-day windows. The
 * counters live in the state store, so with Redis every instance shares them.
 */
export class PersonLimiter {
  private readonly now: () => number;

  constructor(
    private readonly state: StateStore,
    private readonly options: PersonLimitOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Takes one look-up from the person's budget, or says when they can go on. */
  async take(userId: string): Promise<Extract<Refusal, { kind: 'person_limit' }> | undefined> {
    const now = this.now();
    const minute = Math.floor(now / MINUTE);
    const day = Math.floor(now / DAY);
    const [inMinute, inDay] = await Promise.all([
      this.state.increment(`limit:${userId}:m:${minute}`, 1, 2 * MINUTE),
      this.state.increment(`limit:${userId}:d:${day}`, 1, DAY + MINUTE),
    ]);
    if (inDay > this.options.perDay) return { kind: 'person_limit', retryAt: (day + 1) * DAY, window: 'day' };
    if (inMinute > this.options.perMinute)
      return { kind: 'person_limit', retryAt: (minute + 1) * MINUTE, window: 'minute' };
    return undefined;
  }
}
