import type { QuotaSnapshot } from '../connecteam/rate-limits.js';

export interface PollBudget {
  /** Polls allowed per minute and per day at the configured share. */
  perMinute: number;
  perDay: number;
  /** Shortest gap between two polls so that neither allowance is exceeded. */
  spacingMs: number;
}

/** floor(limit × share), without losing a unit to floating point (0.29 × 100 = 28.999…). */
function shareOf(limit: number, share: number): number {
  return Math.floor(Math.round(limit * share * 1e6) / 1e6);
}

/**
 * The watcher's share of the company's quota: at most `share` of the per-minute and per-day
 * limits, spread evenly. Expert plan at 0.5: 50 a minute, 5,000 a day, one poll every 17.28 s.
 */
export function pollBudget(quota: Pick<QuotaSnapshot, 'minute' | 'day'>, share: number): PollBudget {
  const perMinute = Math.max(1, shareOf(quota.minute.limit, share));
  const perDay = Math.max(1, shareOf(quota.day.limit, share));
  return { perMinute, perDay, spacingMs: Math.ceil(Math.max(60_000 / perMinute, 86_400_000 / perDay)) };
}

/** How often each of `assets` watched assets can be checked: the interval, or longer if the budget needs. */
export function checkEveryMs(assets: number, intervalMs: number, budget: PollBudget): number {
  return Math.max(intervalMs, Math.max(1, assets) * budget.spacingMs);
}

/**
 * Whether the company still has room in this minute for a poll while keeping the rest of the
 * quota for people's interactive audits (known only once Connecteam has sent its headers).
 */
export function leavesRoomForPeople(quota: QuotaSnapshot, share: number, now: number): boolean {
  if (!quota.measured) return true;
  const reserve = (window: QuotaSnapshot['minute']) =>
    window.resetAt !== undefined && window.resetAt <= now
      ? true
      : window.remaining > window.limit - shareOf(window.limit, share);
  return reserve(quota.minute) && reserve(quota.day);
}
