/** What Connecteam last told us about the company's quota, from the `x-ratelimit-*` headers. */
export interface QuotaWindow {
  limit: number;
  remaining: number;
  /** Epoch milliseconds when the window resets, if known. */
  resetAt: number | undefined;
}

export interface QuotaSnapshot {
  minute: QuotaWindow;
  day: QuotaWindow;
  /** False until the first response with headers arrived: the figures are the Expert plan's. */
  measured: boolean;
  /** Epoch milliseconds until which Connecteam told us (with a 429) to stop. */
  blockedUntil: number;
}

type HeaderValue = string | string[] | undefined;

const EXPERT_PLAN = { minute: 100, day: 10_000 };

function readNumber(value: HeaderValue): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** Resets are documented as UTC epoch seconds; tolerate milliseconds and delta-seconds too. */
function readReset(value: HeaderValue, now: number): number | undefined {
  const n = readNumber(value);
  if (n === undefined) return undefined;
  if (n > 1e12) return n;
  if (n > 1e9) return n * 1000;
  return now + n * 1000;
}

/**
 * `Retry-After` as epoch ms: delta-seconds ("3") or an HTTP date. At least one second from now,
 * so "retry now" still means a pause rather than an immediate repeat; undefined when unreadable.
 */
function readRetryAfter(value: HeaderValue, now: number): number | undefined {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (raw === undefined || raw === '') return undefined;
  let at: number;
  if (/^\d+(\.\d+)?$/.test(raw)) at = now + Number(raw) * 1000;
  else if (/[a-z]/i.test(raw)) at = Date.parse(raw);
  else return undefined;
  if (!Number.isFinite(at)) return undefined;
  return Math.max(at, now + 1000);
}

export class RateLimitTracker {
  private state: QuotaSnapshot = {
    minute: { limit: EXPERT_PLAN.minute, remaining: EXPERT_PLAN.minute, resetAt: undefined },
    day: { limit: EXPERT_PLAN.day, remaining: EXPERT_PLAN.day, resetAt: undefined },
    measured: false,
    blockedUntil: 0,
  };

  constructor(private readonly now: () => number = Date.now) {}

  /** The plan's limits as last seen (perhaps by an earlier run), until headers say otherwise. */
  seed(limits: { minute: number; day: number }): void {
    if (this.state.measured) return;
    this.state.minute = { ...this.state.minute, limit: limits.minute, remaining: limits.minute };
    this.state.day = { ...this.state.day, limit: limits.day, remaining: limits.day };
  }

  snapshot(): QuotaSnapshot {
    return structuredClone(this.state);
  }

  observe(headers: Record<string, HeaderValue>): void {
    const now = this.now();
    for (const window of ['minute', 'day'] as const) {
      const limit = readNumber(headers[`x-ratelimit-${window}-limit`]);
      const remaining = readNumber(headers[`x-ratelimit-${window}-remaining`]);
      const resetAt = readReset(headers[`x-ratelimit-${window}-reset`], now);
      if (limit === undefined && remaining === undefined && resetAt === undefined) continue;
      const current = this.state[window];
      this.state[window] = {
        limit: limit ?? current.limit,
        remaining: remaining ?? current.remaining,
        resetAt: resetAt ?? current.resetAt,
      };
      this.state.measured = true;
    }
  }

  /**
   * When a 429 (or its 200 look-alike) arrives: the time to wait for. A `Retry-After` header
   * (delta-seconds or an HTTP date) wins when present and readable; else the `x-ratelimit-*` resets.
   */
  retryAtAfterLimit(retryAfter?: HeaderValue): number {
    const now = this.now();
    const { minute, day } = this.state;
    const candidates: number[] = [];
    const told = readRetryAfter(retryAfter, now);
    if (told !== undefined) candidates.push(told);
    if (day.remaining === 0 && day.resetAt !== undefined) candidates.push(day.resetAt);
    if (minute.resetAt !== undefined) candidates.push(minute.resetAt);
    const retryAt = candidates.find((t) => t > now) ?? now + 60_000;
    this.state.blockedUntil = Math.max(this.state.blockedUntil, retryAt);
    return retryAt;
  }

  /** Epoch ms until which no request should be sent, or 0 when the quota allows one now. */
  blockedUntil(): number {
    const now = this.now();
    if (this.state.blockedUntil > now) return this.state.blockedUntil;
    for (const window of [this.state.day, this.state.minute]) {
      if (
        this.state.measured &&
        window.remaining === 0 &&
        window.resetAt !== undefined &&
        window.resetAt > now
      ) {
        return window.resetAt;
      }
    }
    return 0;
  }
}
