import { describe, expect, it } from 'vitest';
import { checkEveryMs, leavesRoomForPeople, pollBudget } from '../../src/alerts/budget.js';
import type { QuotaSnapshot } from '../../src/connecteam/rate-limits.js';

const plan = (minute: number, day: number) => ({
  minute: { limit: minute, remaining: minute, resetAt: undefined },
  day: { limit: day, remaining: day, resetAt: undefined },
});

const EXPERT = plan(100, 10_000);
const ENTERPRISE = plan(200, 20_000);
const SMALL = plan(30, 1_000);

describe('pollBudget', () => {
  it.each([
    // name, quota, share, perMinute, perDay, spacingMs
    ['Expert', EXPERT, 0.5, 50, 5_000, 17_280],
    ['Expert', EXPERT, 1, 100, 10_000, 8_640],
    ['Expert', EXPERT, 0.1, 10, 1_000, 86_400],
    ['Enterprise', ENTERPRISE, 0.5, 100, 10_000, 8_640],
    ['Enterprise', ENTERPRISE, 1, 200, 20_000, 4_320],
    ['Enterprise', ENTERPRISE, 0.1, 20, 2_000, 43_200],
    ['small', SMALL, 0.5, 15, 500, 172_800],
    ['small', SMALL, 1, 30, 1_000, 86_400],
    ['small', SMALL, 0.1, 3, 100, 864_000],
  ])('%s plan at share %s', (_name, quota, share, perMinute, perDay, spacingMs) => {
    expect(pollBudget(quota, share)).toEqual({ perMinute, perDay, spacingMs });
  });

  it('Expert at 0.5: one poll every 17.28 s, which is 5,000 a day', () => {
    const budget = pollBudget(EXPERT, 0.5);
    expect(budget.spacingMs).toBe(17_280);
    expect(86_400_000 / budget.spacingMs).toBe(5_000);
  });

  it('the spacing keeps both allowances', () => {
    for (const quota of [EXPERT, ENTERPRISE, SMALL, plan(1000, 1_000_000)]) {
      for (const share of [0.1, 0.25, 0.5, 1]) {
        const b = pollBudget(quota, share);
        expect(60_000 / b.spacingMs).toBeLessThanOrEqual(b.perMinute);
        expect(86_400_000 / b.spacingMs).toBeLessThanOrEqual(b.perDay);
      }
    }
  });

  it('a minute-bound plan is spaced by its minute allowance', () => {
    // 10/min and a huge daily allowance: 6 s apart.
    expect(pollBudget(plan(20, 10_000_000), 0.5).spacingMs).toBe(6_000);
  });

  it('decimal shares are not cut by floating-point error (0.29 of 100 is 29, 0.57 of 10,000 is 5,700)', () => {
    expect(pollBudget(EXPERT, 0.29)).toMatchObject({ perMinute: 29, perDay: 2_900 });
    expect(pollBudget(EXPERT, 0.57)).toMatchObject({ perMinute: 57, perDay: 5_700 });
  });

  it('never allows less than one poll per window', () => {
    const b = pollBudget(plan(1, 1), 0.1);
    expect(b.perMinute).toBe(1);
    expect(b.perDay).toBe(1);
    expect(b.spacingMs).toBe(86_400_000);
  });
});

describe('checkEveryMs', () => {
  const expert = pollBudget(EXPERT, 0.5);
  const interval = 300_000;

  it.each([
    [0, 300_000],
    [1, 300_000],
    [17, 300_000],
    [18, 311_040],
    [100, 1_728_000],
    [10_000, 172_800_000],
  ])('%i assets at Expert 0.5 with a 5-minute interval: every %i ms', (assets, every) => {
    expect(checkEveryMs(assets, interval, expert)).toBe(every);
  });

  it('100 assets are each checked about every 29 minutes; 10,000 every 2 days', () => {
    expect(checkEveryMs(100, interval, expert) / 60_000).toBeCloseTo(28.8, 5);
    expect(checkEveryMs(10_000, interval, expert) / 86_400_000).toBe(2);
  });

  it('17 assets every 5 minutes is within the budget, 18 is not', () => {
    expect(17 * expert.spacingMs).toBeLessThanOrEqual(interval);
    expect(18 * expert.spacingMs).toBeGreaterThan(interval);
  });
});

describe('leavesRoomForPeople', () => {
  const NOW = 1_750_000_000_000;
  const quota = (
    minuteRemaining: number,
    dayRemaining: number,
    extra: Partial<QuotaSnapshot> = {},
    resets: { minute?: number; day?: number } = { minute: NOW + 30_000, day: NOW + 3_600_000 },
  ): QuotaSnapshot => ({
    minute: { limit: 100, remaining: minuteRemaining, resetAt: resets.minute },
    day: { limit: 10_000, remaining: dayRemaining, resetAt: resets.day },
    measured: true,
    blockedUntil: 0,
    ...extra,
  });

  it('always true before Connecteam sent any quota headers', () => {
    expect(leavesRoomForPeople(quota(0, 0, { measured: false }), 0.5, NOW)).toBe(true);
  });

  it('true while both windows have more than the people reserve left', () => {
    expect(leavesRoomForPeople(quota(100, 10_000), 0.5, NOW)).toBe(true);
    expect(leavesRoomForPeople(quota(51, 5_001), 0.5, NOW)).toBe(true);
  });

  it('false once the minute is down to the reserve (half of 100 at share 0.5)', () => {
    expect(leavesRoomForPeople(quota(50, 10_000), 0.5, NOW)).toBe(false);
    expect(leavesRoomForPeople(quota(0, 10_000), 0.5, NOW)).toBe(false);
  });

  it('false once the day is down to the reserve', () => {
    expect(leavesRoomForPeople(quota(100, 5_000), 0.5, NOW)).toBe(false);
  });

  it('the reserve follows the share', () => {
    expect(leavesRoomForPeople(quota(11, 10_000), 0.9, NOW)).toBe(true);
    expect(leavesRoomForPeople(quota(10, 10_000), 0.9, NOW)).toBe(false);
    expect(leavesRoomForPeople(quota(1, 1), 1, NOW)).toBe(true);
    expect(leavesRoomForPeople(quota(0, 1), 1, NOW)).toBe(false);
  });

  it('the reserve is exact for decimal shares (0.7 keeps 30 of 100 and 3,000 of 10,000 for people)', () => {
    expect(leavesRoomForPeople(quota(31, 10_000), 0.7, NOW)).toBe(true);
    expect(leavesRoomForPeople(quota(100, 3_001), 0.7, NOW)).toBe(true);
    expect(leavesRoomForPeople(quota(30, 10_000), 0.7, NOW)).toBe(false);
  });

  it('a window whose reset has passed counts as refilled', () => {
    expect(
      leavesRoomForPeople(quota(0, 10_000, {}, { minute: NOW - 1, day: NOW + 3_600_000 }), 0.5, NOW),
    ).toBe(true);
    expect(leavesRoomForPeople(quota(0, 10_000, {}, { minute: NOW, day: NOW + 3_600_000 }), 0.5, NOW)).toBe(
      true,
    );
    expect(leavesRoomForPeople(quota(100, 0, {}, { minute: NOW + 1, day: NOW - 1 }), 0.5, NOW)).toBe(true);
  });

  it('a passed minute reset does not excuse an exhausted day', () => {
    expect(leavesRoomForPeople(quota(0, 0, {}, { minute: NOW - 1, day: NOW + 3_600_000 }), 0.5, NOW)).toBe(
      false,
    );
  });

  it('without a known reset, only the remaining count decides', () => {
    expect(leavesRoomForPeople(quota(50, 10_000, {}, {}), 0.5, NOW)).toBe(false);
    expect(leavesRoomForPeople(quota(51, 10_000, {}, {}), 0.5, NOW)).toBe(true);
  });
});
