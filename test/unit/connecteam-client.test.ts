import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnecteamClient } from '../../src/connecteam/client.js';
import {
  AccessDeniedError,
  AssetNotFoundError,
  BadApiKeyError,
  ConnecteamError,
  InvalidAssetIdError,
  RateLimitedError,
  UnavailableError,
  UnexpectedResponseError,
  ValidationError,
} from '../../src/connecteam/errors.js';
import { ConnecteamHttp, type HttpOptions } from '../../src/connecteam/http.js';
import { RateLimitTracker } from '../../src/connecteam/rate-limits.js';
import { createLog } from '../../src/log.js';
import { FakeConnecteam, type FakeUser, SEED_ASSET_ID } from '../support/fake-connecteam.js';

const log = createLog({ level: 'error', secrets: [], write: () => {} });
const ASSET_PATH = `/assets/v1/asset/${SEED_ASSET_ID}`;

let fake: FakeConnecteam;
let rateLimits: RateLimitTracker;
let http: ConnecteamHttp;
let client: ConnecteamClient;

function connect(options: Partial<HttpOptions> = {}): void {
  rateLimits = options.rateLimits ?? new RateLimitTracker();
  http = new ConnecteamHttp({
    baseUrl: fake.url,
    apiKey: fake.apiKey,
    rateLimits,
    log,
    backoffBaseMs: 5,
    ...options,
  });
  client = new ConnecteamClient(http, rateLimits);
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

beforeEach(async () => {
  fake = await new FakeConnecteam().start();
  connect();
});

afterEach(async () => {
  await http.close();
  await fake.stop();
});

describe('getAsset', () => {
  it('reads the seed asset and sends the API key', async () => {
    const asset = await client.getAsset(SEED_ASSET_ID);
    expect(asset).toEqual({
      assetId: SEED_ASSET_ID,
      adminIds: [9170357, 9170358],
      assignedUserIds: [9170359, 9170360, 9170361],
      smartGroups: ['sg-marketing', 'sg-sales'],
    });
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]?.apiKey).toBe('ct-test-key');
    expect(fake.calls[0]?.method).toBe('GET');
    expect(fake.calls[0]?.path).toBe(ASSET_PATH);
  });

  it('tolerates unknown fields, accepts numeric group ids and drops duplicates', async () => {
    fake.script(ASSET_PATH, {
      status: 200,
      body: {
        requestId: 'r1',
        somethingNew: { nested: [1, 2, 3] },
        data: {
          id: SEED_ASSET_ID,
          title: 'Time clock',
          permissions: [
            { userId: 1, deepPermission: { view: true }, role: 'owner' },
            { userId: 2 },
            { userId: 1 },
          ],
          assignments: { userIds: [3, 3, 4], smartGroups: ['sg-a', 7], everyone: false },
        },
      },
    });
    expect(await client.getAsset(SEED_ASSET_ID)).toEqual({
      assetId: SEED_ASSET_ID,
      adminIds: [1, 2],
      assignedUserIds: [3, 4],
      smartGroups: ['sg-a', '7'],
    });
  });

  it('404 is AssetNotFoundError for that asset, without retrying', async () => {
    const error = await failure(client.getAsset(99999));
    expect(error).toBeInstanceOf(AssetNotFoundError);
    expect((error as AssetNotFoundError).assetId).toBe(99999);
    expect(fake.callsTo('/assets/v1/asset/')).toHaveLength(1);
  });

  it('403 is AccessDeniedError carrying the asset id, without retrying', async () => {
    fake.script(ASSET_PATH, { status: 403, body: { detail: 'Forbidden' } });
    const error = await failure(client.getAsset(SEED_ASSET_ID));
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect((error as AccessDeniedError).assetId).toBe(SEED_ASSET_ID);
    expect((error as AccessDeniedError).staleAllowed).toBe(false);
    expect(fake.calls).toHaveLength(1);
  });

  it('401 is BadApiKeyError, without retrying', async () => {
    await http.close();
    connect({ apiKey: 'wrong-key' });
    const error = await failure(client.getAsset(SEED_ASSET_ID));
    expect(error).toBeInstanceOf(BadApiKeyError);
    expect((error as Error).message).not.toContain('wrong-key');
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]?.apiKey).toBe('wrong-key');
  });

  it('422 is ValidationError with the details Connecteam gave', async () => {
    fake.script(ASSET_PATH, {
      status: 422,
      body: { detail: [{ loc: ['path', 'assetId'], msg: 'value is not a valid integer', type: 'x' }] },
    });
    const error = await failure(client.getAsset(SEED_ASSET_ID));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details).toEqual(['path.assetId: value is not a valid integer']);
    expect(fake.calls).toHaveLength(1);
  });

  it('422 without a usable body still is a ValidationError', async () => {
    fake.script(ASSET_PATH, { status: 422, body: 'nope' });
    const error = await failure(client.getAsset(SEED_ASSET_ID));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details).toEqual(['invalid request']);
  });

  it('429 is RateLimitedError with retryAt from x-ratelimit-minute-reset (epoch seconds)', async () => {
    const resetSeconds = Math.floor(Date.now() / 1000) + 42;
    fake.script(ASSET_PATH, {
      status: 429,
      body: { detail: 'Too many requests' },
      headers: { 'x-ratelimit-minute-remaining': '0', 'x-ratelimit-minute-reset': String(resetSeconds) },
    });
    const error = await failure(client.getAsset(SEED_ASSET_ID));
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAt).toBe(resetSeconds * 1000);
    expect((error as RateLimitedError).staleAllowed).toBe(true);
    expect(fake.calls).toHaveLength(1);
  });

  it('after a 429 no request is sent until the reset', async () => {
    const resetSeconds = Math.floor(Date.now() / 1000) + 30;
    fake.script(ASSET_PATH, {
      status: 429,
      headers: { 'x-ratelimit-minute-reset': String(resetSeconds) },
    });
    await failure(client.getAsset(SEED_ASSET_ID));
    const second = await failure(client.getAsset(12346));
    expect(second).toBeInstanceOf(RateLimitedError);
    expect((second as RateLimitedError).retryAt).toBe(resetSeconds * 1000);
    expect(fake.calls).toHaveLength(1);
  });

  it('a 200 carrying {"detail":"Too many requests"} is RateLimitedError', async () => {
    const before = Date.now();
    fake.script(ASSET_PATH, { status: 200, body: { detail: 'Too many requests' } });
    const error = await failure(client.getAsset(SEED_ASSET_ID));
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAt).toBeGreaterThan(before);
    expect((error as RateLimitedError).retryAt).toBeLessThanOrEqual(before + 61_000);
  });

  it('a 200 carrying {"detail":"Asset not found"} is AssetNotFoundError', async () => {
    fake.script(ASSET_PATH, { status: 200, body: { detail: 'Asset not found' } });
    expect(await failure(client.getAsset(SEED_ASSET_ID))).toBeInstanceOf(AssetNotFoundError);
  });

  it('a 500 is retried, and the retry can succeed', async () => {
    fake.script(ASSET_PATH, { status: 500, body: { detail: 'boom' } });
    const asset = await client.getAsset(SEED_ASSET_ID);
    expect(asset.adminIds).toEqual([9170357, 9170358]);
    expect(fake.callsTo(ASSET_PATH)).toHaveLength(2);
  });

  it('503 three times is UnavailableError after exactly three attempts', async () => {
    fake.script(ASSET_PATH, { status: 503 }, 3);
    const error = await failure(client.getAsset(SEED_ASSET_ID));
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as UnavailableError).reason).toBe('HTTP 503');
    expect(fake.callsTo(ASSET_PATH)).toHaveLength(3);
  });

  it('a dropped connection is UnavailableError once retries are used up', async () => {
    fake.script(ASSET_PATH, { status: 200, drop: true }, 3);
    const error = await failure(client.getAsset(SEED_ASSET_ID));
    expect(error).toBeInstanceOf(UnavailableError);
    expect(fake.callsTo(ASSET_PATH)).toHaveLength(3);
  });

  it('a single dropped connection is retried', async () => {
    fake.script(ASSET_PATH, { status: 200, drop: true }, 1);
    const asset = await client.getAsset(SEED_ASSET_ID);
    expect(asset.assetId).toBe(SEED_ASSET_ID);
    expect(fake.callsTo(ASSET_PATH)).toHaveLength(2);
  });

  it('a 200 whose body is not JSON is UnexpectedResponseError, not retried', async () => {
    fake.script(ASSET_PATH, { status: 200, body: '{"data": {"permissions": [' });
    const error = await failure(client.getAsset(SEED_ASSET_ID));
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect((error as Error).message).not.toContain('permissions');
    expect(fake.calls).toHaveLength(1);
  });

  it('absent or null lists mean nobody', async () => {
    fake.script(ASSET_PATH, { status: 200, body: { data: { permissions: null } } });
    await expect(client.getAsset(SEED_ASSET_ID)).resolves.toEqual({
      assetId: SEED_ASSET_ID,
      adminIds: [],
      assignedUserIds: [],
      smartGroups: [],
    });
  });

  it('schema drift (permissions not a list) is a shape UnexpectedResponseError naming where', async () => {
    fake.script(ASSET_PATH, {
      status: 200,
      body: { data: { permissions: 'all', assignments: { userIds: [1], smartGroups: [] } } },
    });
    const error = await failure(client.getAsset(SEED_ASSET_ID));
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect((error as UnexpectedResponseError).reason).toContain('data.permissions');
    expect((error as UnexpectedResponseError).shape).toBe(true);
  });

  it('schema drift (userId as a string) is UnexpectedResponseError', async () => {
    fake.script(ASSET_PATH, {
      status: 200,
      body: { data: { permissions: [{ userId: '1' }], assignments: { userIds: [], smartGroups: [] } } },
    });
    expect(await failure(client.getAsset(SEED_ASSET_ID))).toBeInstanceOf(UnexpectedResponseError);
  });

  it('an unexpected status (418) is UnexpectedResponseError', async () => {
    fake.script(ASSET_PATH, { status: 418 });
    const error = await failure(client.getAsset(SEED_ASSET_ID));
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect(fake.calls).toHaveLength(1);
  });

  it('a server slower than the deadline is UnavailableError near the deadline, with no retry past it', async () => {
    fake.script(ASSET_PATH, { status: 200, delayMs: 3000 }, 5);
    const started = Date.now();
    const error = await failure(client.getAsset(SEED_ASSET_ID, { deadline: started + 300 }));
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as UnavailableError).reason).toMatch(/timed out/);
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(800);
    expect(fake.callsTo(ASSET_PATH)).toHaveLength(1);
  });

  it('a deadline already past sends nothing', async () => {
    const error = await failure(client.getAsset(SEED_ASSET_ID, { deadline: Date.now() - 1 }));
    expect(error).toBeInstanceOf(UnavailableError);
    expect(fake.calls).toHaveLength(0);
  });

  it('without a deadline, the default timeout bounds the call', async () => {
    await http.close();
    connect({ defaultTimeoutMs: 250 });
    fake.script(ASSET_PATH, { status: 200, delayMs: 3000 }, 5);
    const started = Date.now();
    expect(await failure(client.getAsset(SEED_ASSET_ID))).toBeInstanceOf(UnavailableError);
    expect(Date.now() - started).toBeLessThan(800);
  });

  it.each([0, -1, 1.5, Number.NaN, 2 ** 60, Number.POSITIVE_INFINITY])(
    'refuses asset id %s without calling Connecteam',
    async (assetId) => {
      const error = await failure(client.getAsset(assetId));
      expect(error).toBeInstanceOf(InvalidAssetIdError);
      expect(error).not.toBeInstanceOf(ConnecteamError);
      expect((error as InvalidAssetIdError).input).toBe(String(assetId));
      expect(fake.calls).toHaveLength(0);
    },
  );

  it('every Connecteam error message is free of the API key', async () => {
    fake.script(ASSET_PATH, { status: 500 }, 3);
    const error = await failure(client.getAsset(SEED_ASSET_ID));
    expect(JSON.stringify({ message: (error as Error).message, ...(error as object) })).not.toContain(
      fake.apiKey,
    );
  });
});

describe('getUsersByIds', () => {
  it('asks for 250 users in batches of at most 100 ids, archived included', async () => {
    const users = new Map<number, FakeUser>();
    for (let i = 0; i < 250; i += 1) {
      const userId = 5000 + i;
      users.set(userId, {
        userId,
        firstName: `First${i}`,
        lastName: `Last${i}`,
        email: `u${i}@example.com`,
        isArchived: i % 7 === 0,
        smartGroupsIds: [i % 3],
      });
    }
    fake.users = users;
    const ids = [...users.keys()];
    const result = await client.getUsersByIds(ids);
    expect(result).toHaveLength(250);
    expect(new Set(result.map((u) => u.userId))).toEqual(new Set(ids));
    expect(result.filter((u) => u.archived)).toHaveLength(ids.filter((_, i) => i % 7 === 0).length);
    const calls = fake.callsTo('/users/v1/users');
    expect(calls.length).toBeGreaterThanOrEqual(3);
    const asked = new Set<number>();
    for (const call of calls) {
      const batch = call.query.getAll('userIds').map(Number);
      expect(batch.length).toBeGreaterThan(0);
      expect(batch.length).toBeLessThanOrEqual(100);
      expect(call.query.get('userStatus')).toBe('all');
      expect(Number(call.query.get('limit'))).toBeLessThanOrEqual(100);
      for (const id of batch) asked.add(id);
    }
    expect(asked).toEqual(new Set(ids));
  });

  it('maps a user record into the domain model', async () => {
    const [user] = await client.getUsersByIds([9170360]);
    expect(user).toEqual({
      userId: 9170360,
      firstName: 'Katherine',
      lastName: 'Johnson',
      email: 'katherine@example.com',
      archived: true,
      smartGroupIds: [],
    });
  });

  it('leaves out ids Connecteam does not know', async () => {
    const users = await client.getUsersByIds([9170357, 424242]);
    expect(users.map((u) => u.userId)).toEqual([9170357]);
  });

  it('copes with null names and missing optional fields', async () => {
    fake.users = new Map([[7, { userId: 7, firstName: null, lastName: '  Doe ', email: null }]]);
    expect(await client.getUsersByIds([7])).toEqual([
      { userId: 7, firstName: '', lastName: 'Doe', email: undefined, archived: false, smartGroupIds: [] },
    ]);
  });

  it('sends nothing for an empty list', async () => {
    expect(await client.getUsersByIds([])).toEqual([]);
    expect(fake.calls).toHaveLength(0);
  });
});

describe('getSmartGroups', () => {
  it('accepts data.groups', async () => {
    const groups = await client.getSmartGroups();
    expect(groups).toEqual([
      { id: 'sg-marketing', name: 'Marketing' },
      { id: 'sg-sales', name: 'Sales' },
      { id: '501', name: 'Night shift' },
      { id: '502', name: 'Warehouse' },
    ]);
  });

  it('accepts data.smartGroups', async () => {
    fake.script('/users/v1/smart-groups', {
      status: 200,
      body: {
        data: {
          smartGroups: [
            { id: 9, name: ' Drivers ' },
            { id: 'x', name: '' },
          ],
        },
      },
    });
    expect(await client.getSmartGroups()).toEqual([
      { id: '9', name: 'Drivers' },
      { id: 'x', name: undefined },
    ]);
  });

  it('refuses a body with neither list', async () => {
    fake.script('/users/v1/smart-groups', { status: 200, body: { data: {} } });
    expect(await failure(client.getSmartGroups())).toBeInstanceOf(UnexpectedResponseError);
  });
});

describe('RateLimitTracker', () => {
  it('starts at the Expert plan, unmeasured and unblocked', () => {
    const tracker = new RateLimitTracker(() => 1_000_000);
    expect(tracker.snapshot()).toEqual({
      minute: { limit: 100, remaining: 100, resetAt: undefined },
      day: { limit: 10_000, remaining: 10_000, resetAt: undefined },
      measured: false,
      blockedUntil: 0,
    });
    expect(tracker.blockedUntil()).toBe(0);
  });

  it('reads the x-ratelimit-* headers of a real response', async () => {
    await client.getAsset(SEED_ASSET_ID);
    const snapshot = rateLimits.snapshot();
    expect(snapshot.measured).toBe(true);
    expect(snapshot.minute.limit).toBe(100);
    expect(snapshot.minute.remaining).toBe(99);
    expect(snapshot.day.remaining).toBe(9_999);
    expect(snapshot.minute.resetAt).toBe(Math.ceil((fake.quota.windowStart + 60_000) / 1000) * 1000);
    expect(snapshot.day.resetAt).toBeGreaterThan(Date.now());
  });

  it('reads resets as epoch seconds, epoch milliseconds or delta seconds', () => {
    const now = 1_700_000_000_000;
    const tracker = new RateLimitTracker(() => now);
    tracker.observe({ 'x-ratelimit-minute-reset': '1700000030' });
    expect(tracker.snapshot().minute.resetAt).toBe(1_700_000_030_000);
    tracker.observe({ 'x-ratelimit-minute-reset': '1700000045000' });
    expect(tracker.snapshot().minute.resetAt).toBe(1_700_000_045_000);
    tracker.observe({ 'x-ratelimit-minute-reset': '12' });
    expect(tracker.snapshot().minute.resetAt).toBe(now + 12_000);
  });

  it('ignores missing, blank and nonsense headers', () => {
    const tracker = new RateLimitTracker(() => 0);
    tracker.observe({ 'content-type': 'application/json', 'x-ratelimit-minute-limit': ' ' });
    expect(tracker.snapshot().measured).toBe(false);
    tracker.observe({ 'x-ratelimit-day-remaining': 'lots', 'x-ratelimit-minute-remaining': '-3' });
    expect(tracker.snapshot().measured).toBe(false);
    tracker.observe({ 'x-ratelimit-minute-remaining': ['7', '8'] });
    expect(tracker.snapshot().minute.remaining).toBe(7);
    expect(tracker.snapshot().day.remaining).toBe(10_000);
    expect(tracker.snapshot().measured).toBe(true);
  });

  it('blocks while a measured window is exhausted, until its reset', () => {
    let now = 1_700_000_000_000;
    const tracker = new RateLimitTracker(() => now);
    tracker.observe({ 'x-ratelimit-minute-remaining': '0', 'x-ratelimit-minute-reset': '1700000020' });
    expect(tracker.blockedUntil()).toBe(1_700_000_020_000);
    now = 1_700_000_020_000;
    expect(tracker.blockedUntil()).toBe(0);
  });

  it('after a limit, waits for the day reset when the day is spent, else the minute reset', () => {
    const now = 1_700_000_000_000;
    const tracker = new RateLimitTracker(() => now);
    tracker.observe({
      'x-ratelimit-minute-reset': '1700000030',
      'x-ratelimit-day-remaining': '0',
      'x-ratelimit-day-reset': '1700050000',
    });
    expect(tracker.retryAtAfterLimit()).toBe(1_700_050_000_000);
    expect(tracker.blockedUntil()).toBe(1_700_050_000_000);

    const minuteOnly = new RateLimitTracker(() => now);
    minuteOnly.observe({ 'x-ratelimit-minute-reset': '1700000030' });
    expect(minuteOnly.retryAtAfterLimit()).toBe(1_700_000_030_000);
  });

  it('waits a minute after a limit when no reset is known or the reset has passed', () => {
    const now = 1_700_000_000_000;
    const tracker = new RateLimitTracker(() => now);
    expect(tracker.retryAtAfterLimit()).toBe(now + 60_000);
    const past = new RateLimitTracker(() => now);
    past.observe({ 'x-ratelimit-minute-reset': '1699999990' });
    expect(past.retryAtAfterLimit()).toBe(now + 60_000);
  });

  it('after a limit, prefers Retry-After in seconds over the x-ratelimit resets', () => {
    const now = 1_700_000_000_000;
    const bare = new RateLimitTracker(() => now);
    expect(bare.retryAtAfterLimit('3')).toBe(now + 3_000);
    expect(bare.blockedUntil()).toBe(now + 3_000);
    const measured = new RateLimitTracker(() => now);
    measured.observe({ 'x-ratelimit-minute-reset': '1700000030' });
    expect(measured.retryAtAfterLimit(' 5 ')).toBe(now + 5_000);
    expect(new RateLimitTracker(() => now).retryAtAfterLimit(['4', '9'])).toBe(now + 4_000);
  });

  it('after a limit, reads Retry-After as an HTTP date', () => {
    const now = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT');
    const tracker = new RateLimitTracker(() => now);
    expect(tracker.retryAtAfterLimit('Wed, 21 Oct 2026 07:28:20 GMT')).toBe(now + 20_000);
  });

  it('after a limit, falls back to the headers when Retry-After is absent or unreadable', () => {
    const now = 1_700_000_000_000;
    for (const value of [undefined, '', 'soon', '-3', 'Thu, 99 Foo 2026 nonsense']) {
      const tracker = new RateLimitTracker(() => now);
      tracker.observe({ 'x-ratelimit-minute-reset': '1700000030' });
      expect(tracker.retryAtAfterLimit(value), String(value)).toBe(1_700_000_030_000);
      expect(new RateLimitTracker(() => now).retryAtAfterLimit(value)).toBe(now + 60_000);
    }
  });

  it('after a limit, a Retry-After of 0 or in the past still pauses a second', () => {
    const now = 1_700_000_000_000;
    expect(new RateLimitTracker(() => now).retryAtAfterLimit('0')).toBe(now + 1_000);
    expect(new RateLimitTracker(() => now).retryAtAfterLimit(new Date(now - 60_000).toUTCString())).toBe(
      now + 1_000,
    );
  });

  it('an HTTP call while blocked fails at once with the block time and sends nothing', async () => {
    const until = Date.now() + 45_000;
    const tracker = new RateLimitTracker();
    tracker.observe({ 'x-ratelimit-minute-remaining': '0', 'x-ratelimit-minute-reset': String(until) });
    await http.close();
    connect({ rateLimits: tracker });
    const error = await failure(client.getAsset(SEED_ASSET_ID));
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAt).toBe(until);
    expect(fake.calls).toHaveLength(0);
  });

  it('snapshot is a copy', () => {
    const tracker = new RateLimitTracker(() => 0);
    tracker.snapshot().minute.remaining = 0;
    expect(tracker.snapshot().minute.remaining).toBe(100);
  });
});
