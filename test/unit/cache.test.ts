import Database from 'better-sqlite3';
import Keyv from 'keyv';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReadThroughCache } from '../../src/connecteam/cache.js';
import {
  AccessDeniedError,
  AssetNotFoundError,
  BadApiKeyError,
  RateLimitedError,
  UnavailableError,
  UnexpectedResponseError,
  ValidationError,
} from '../../src/connecteam/errors.js';
import { createLog } from '../../src/log.js';
import { SqliteKeyvStore } from '../../src/store/sqlite-keyv-store.js';

const log = createLog({ level: 'error', secrets: [], write: () => {} });
const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);
const FRESH = 60_000;
const DAY = 86_400_000;

const at = (ms: number) => vi.setSystemTime(T0 + ms);

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0);
});

afterEach(() => {
  vi.useRealTimers();
});

/** The stale-if-error behaviour, for any keyv backend. */
function staleIfErrorSuite(makeKeyv: () => { keyv: Keyv; close?: () => void }) {
  let keyv: Keyv;
  let close: (() => void) | undefined;
  let cache: ReadThroughCache;

  beforeEach(() => {
    ({ keyv, close } = makeKeyv());
    cache = new ReadThroughCache(keyv, { log });
  });

  afterEach(() => close?.());

  it('serves the stale value with its original fetchedAt when Connecteam is unavailable', async () => {
    const first = await cache.get('asset:1', { freshForMs: FRESH, load: async () => ({ admins: [1, 2] }) });
    expect(first).toEqual({ value: { admins: [1, 2] }, fetchedAt: T0, source: 'upstream' });

    at(FRESH + 1);
    const outage = new UnavailableError('HTTP 503');
    const load = vi.fn(async () => {
      throw outage;
    });
    const stale = await cache.get('asset:1', { freshForMs: FRESH, load });
    expect(load).toHaveBeenCalledTimes(1);
    expect(stale.source).toBe('stale');
    expect(stale.value).toEqual({ admins: [1, 2] });
    expect(stale.fetchedAt).toBe(T0);
    expect(stale.staleBecause).toBe(outage);
  });

  it('throws the error once the entry is a day old', async () => {
    await cache.get('asset:1', { freshForMs: FRESH, load: async () => 'value' });
    at(DAY + 1);
    const outage = new UnavailableError('HTTP 503');
    const error = await failure(
      cache.get('asset:1', {
        freshForMs: FRESH,
        load: async () => {
          throw outage;
        },
      }),
    );
    expect(error).toBe(outage);
  });

  it('a fresh answer after an outage replaces the stale one', async () => {
    await cache.get('k', { freshForMs: FRESH, load: async () => 'old' });
    at(FRESH * 2);
    const renewed = await cache.get('k', { freshForMs: FRESH, load: async () => 'new' });
    expect(renewed).toEqual({ value: 'new', fetchedAt: T0 + FRESH * 2, source: 'upstream' });
    at(FRESH * 4);
    const stale = await cache.get('k', {
      freshForMs: FRESH,
      load: async () => {
        throw new UnavailableError('down');
      },
    });
    expect(stale.value).toBe('new');
    expect(stale.fetchedAt).toBe(T0 + FRESH * 2);
  });
}

describe('ReadThroughCache.get', () => {
  let cache: ReadThroughCache;

  beforeEach(() => {
    cache = new ReadThroughCache(new Keyv(), { log });
  });

  it('loads once, then answers from the cache while fresh', async () => {
    const load = vi.fn(async () => 'v1');
    expect(await cache.get('k', { freshForMs: FRESH, load })).toEqual({
      value: 'v1',
      fetchedAt: T0,
      source: 'upstream',
    });
    at(FRESH - 1);
    expect(await cache.get('k', { freshForMs: FRESH, load })).toEqual({
      value: 'v1',
      fetchedAt: T0,
      source: 'cache',
    });
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('reloads once the entry is no longer fresh', async () => {
    let n = 0;
    const load = vi.fn(async () => `v${++n}`);
    await cache.get('k', { freshForMs: FRESH, load });
    at(FRESH);
    const second = await cache.get('k', { freshForMs: FRESH, load });
    expect(second).toEqual({ value: 'v2', fetchedAt: T0 + FRESH, source: 'upstream' });
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('uses the injected clock when one is given', async () => {
    let clock = 5_000;
    const clocked = new ReadThroughCache(new Keyv(), { log, now: () => clock });
    const load = vi.fn(async () => 'x');
    expect((await clocked.get('k', { freshForMs: 1000, load })).fetchedAt).toBe(5_000);
    clock = 5_999;
    expect((await clocked.get('k', { freshForMs: 1000, load })).source).toBe('cache');
    clock = 6_000;
    expect((await clocked.get('k', { freshForMs: 1000, load })).source).toBe('upstream');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('shares one load among 20 concurrent callers', async () => {
    const gate = deferred<string>();
    const load = vi.fn(() => gate.promise);
    const calls = Array.from({ length: 20 }, () => cache.get('k', { freshForMs: FRESH, load }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    gate.resolve('shared');
    const results = await Promise.all(calls);
    expect(load).toHaveBeenCalledTimes(1);
    for (const result of results) expect(result.value).toBe('shared');
  });

  it('shares one failure among concurrent callers, and loads again afterwards', async () => {
    const outage = new UnavailableError('down');
    const load = vi.fn(async () => {
      throw outage;
    });
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => cache.get('k', { freshForMs: FRESH, load })),
    );
    expect(load).toHaveBeenCalledTimes(1);
    for (const result of results) expect(result).toEqual({ status: 'rejected', reason: outage });
    await failure(cache.get('k', { freshForMs: FRESH, load }));
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('keeps different keys apart', async () => {
    await cache.get('a', { freshForMs: FRESH, load: async () => 'A' });
    await cache.get('b', { freshForMs: FRESH, load: async () => 'B' });
    expect((await cache.get('a', { freshForMs: FRESH, load: async () => 'X' })).value).toBe('A');
    expect((await cache.get('b', { freshForMs: FRESH, load: async () => 'X' })).value).toBe('B');
  });

  it('believes a 404 for 30 seconds, then asks again', async () => {
    const load = vi.fn(async (): Promise<string> => {
      throw new AssetNotFoundError(77);
    });
    expect(await failure(cache.get('asset:77', { freshForMs: FRESH, load }))).toBeInstanceOf(
      AssetNotFoundError,
    );
    at(29_999);
    const cached = await failure(cache.get('asset:77', { freshForMs: FRESH, load }));
    expect(cached).toBeInstanceOf(AssetNotFoundError);
    expect((cached as AssetNotFoundError).assetId).toBe(77);
    expect(load).toHaveBeenCalledTimes(1);

    at(30_001);
    const found = await cache.get('asset:77', { freshForMs: FRESH, load: async () => 'created' });
    expect(found).toEqual({ value: 'created', fetchedAt: T0 + 30_001, source: 'upstream' });
  });

  it('a 404 replaces an older value instead of serving it stale', async () => {
    await cache.get('asset:5', { freshForMs: FRESH, load: async () => 'was there' });
    at(FRESH + 1);
    const gone = await failure(
      cache.get('asset:5', {
        freshForMs: FRESH,
        load: async () => {
          throw new AssetNotFoundError(5);
        },
      }),
    );
    expect(gone).toBeInstanceOf(AssetNotFoundError);
    at(FRESH + 2);
    const outage = new UnavailableError('down');
    const error = await failure(
      cache.get('asset:5', {
        freshForMs: FRESH,
        load: async () => {
          throw outage;
        },
      }),
    );
    expect(error).toBeInstanceOf(AssetNotFoundError);
  });

  it.each([
    ['RateLimitedError', () => new RateLimitedError(T0 + 120_000)],
    ['UnexpectedResponseError', () => new UnexpectedResponseError('drift')],
    ['UnavailableError', () => new UnavailableError('timed out')],
  ])('serves stale on %s', async (_name, make) => {
    await cache.get('k', { freshForMs: FRESH, load: async () => 'old' });
    at(FRESH * 10);
    const error = make();
    const result = await cache.get('k', {
      freshForMs: FRESH,
      load: async () => {
        throw error;
      },
    });
    expect(result).toEqual({ value: 'old', fetchedAt: T0, source: 'stale', staleBecause: error });
  });

  it.each([
    ['AccessDeniedError', () => new AccessDeniedError(1)],
    ['BadApiKeyError', () => new BadApiKeyError()],
    ['ValidationError', () => new ValidationError(['bad'])],
    ['a plain Error', () => new Error('bug')],
  ])('throws %s even with an old entry', async (_name, make) => {
    await cache.get('k', { freshForMs: FRESH, load: async () => 'old' });
    at(FRESH * 10);
    const error = make();
    expect(
      await failure(
        cache.get('k', {
          freshForMs: FRESH,
          load: async () => {
            throw error;
          },
        }),
      ),
    ).toBe(error);
  });

  it('bypassFresh reloads a fresh entry but still falls back to it on failure', async () => {
    await cache.get('k', { freshForMs: FRESH, load: async () => 'v1' });
    at(1_000);
    const reloaded = await cache.get('k', { freshForMs: FRESH, bypassFresh: true, load: async () => 'v2' });
    expect(reloaded).toEqual({ value: 'v2', fetchedAt: T0 + 1_000, source: 'upstream' });
    at(2_000);
    const fallback = await cache.get('k', {
      freshForMs: FRESH,
      bypassFresh: true,
      load: async () => {
        throw new UnavailableError('down');
      },
    });
    expect(fallback.source).toBe('stale');
    expect(fallback.value).toBe('v2');
  });

  it('treats a broken store as a miss and still answers', async () => {
    const broken = {
      get: async () => {
        throw new Error('store down');
      },
      set: async () => {
        throw new Error('store down');
      },
      getMany: async () => {
        throw new Error('store down');
      },
    } as unknown as Keyv;
    const resilient = new ReadThroughCache(broken, { log });
    expect(await resilient.get('k', { freshForMs: FRESH, load: async () => 'v' })).toEqual({
      value: 'v',
      fetchedAt: T0,
      source: 'upstream',
    });
    const many = await resilient.getMany(['a'], {
      freshForMs: FRESH,
      load: async () => new Map([['a', 1]]),
    });
    expect(many.values.get('a')?.value).toBe(1);
  });
});

describe('ReadThroughCache.getMany', () => {
  let cache: ReadThroughCache;

  beforeEach(() => {
    cache = new ReadThroughCache(new Keyv(), { log });
  });

  it('loads missing keys in one call and caches unknown keys as null', async () => {
    const load = vi.fn(
      async (keys: string[]) => new Map(keys.filter((k) => k !== 'user:404').map((k) => [k, `name-${k}`])),
    );
    const { values, failure: why } = await cache.getMany(['user:1', 'user:2', 'user:404', 'user:1'], {
      freshForMs: FRESH,
      load,
    });
    expect(why).toBeUndefined();
    expect(load).toHaveBeenCalledTimes(1);
    expect([...(load.mock.calls[0]?.[0] ?? [])].sort()).toEqual(['user:1', 'user:2', 'user:404']);
    expect(values.get('user:1')).toEqual({ value: 'name-user:1', fetchedAt: T0, source: 'upstream' });
    expect(values.get('user:404')).toEqual({ value: null, fetchedAt: T0, source: 'upstream' });
    expect(values.size).toBe(3);

    at(1_000);
    const again = await cache.getMany(['user:404'], { freshForMs: FRESH, load });
    expect(load).toHaveBeenCalledTimes(1);
    expect(again.values.get('user:404')).toEqual({ value: null, fetchedAt: T0, source: 'cache' });
  });

  it('does not reload fresh keys, and loads only the missing ones', async () => {
    await cache.getMany(['a', 'b'], {
      freshForMs: FRESH,
      load: async (keys) => new Map(keys.map((k) => [k, k])),
    });
    at(5_000);
    const load = vi.fn(async (keys: string[]) => new Map(keys.map((k) => [k, k.toUpperCase()])));
    const { values } = await cache.getMany(['a', 'b', 'c', 'd'], { freshForMs: FRESH, load });
    expect(load).toHaveBeenCalledTimes(1);
    expect([...(load.mock.calls[0]?.[0] ?? [])].sort()).toEqual(['c', 'd']);
    expect(values.get('a')).toEqual({ value: 'a', fetchedAt: T0, source: 'cache' });
    expect(values.get('c')).toEqual({ value: 'C', fetchedAt: T0 + 5_000, source: 'upstream' });
  });

  it('makes no call when every key is fresh', async () => {
    await cache.getMany(['a'], { freshForMs: FRESH, load: async () => new Map([['a', 1]]) });
    const load = vi.fn(async () => new Map<string, number>());
    const { values } = await cache.getMany(['a'], { freshForMs: FRESH, load });
    expect(load).not.toHaveBeenCalled();
    expect(values.get('a')?.source).toBe('cache');
  });

  it('reloads keys once they are no longer fresh', async () => {
    await cache.getMany(['a'], { freshForMs: FRESH, load: async () => new Map([['a', 1]]) });
    at(FRESH);
    const load = vi.fn(async () => new Map([['a', 2]]));
    const { values } = await cache.getMany(['a'], { freshForMs: FRESH, load });
    expect(load).toHaveBeenCalledTimes(1);
    expect(values.get('a')).toEqual({ value: 2, fetchedAt: T0 + FRESH, source: 'upstream' });
  });

  it('on failure returns fresh and stale values, leaves out the rest, and says why', async () => {
    await cache.getMany(['old', 'gone'], {
      freshForMs: FRESH,
      load: async () => new Map([['old', 'O']]),
    });
    at(FRESH + 10);
    await cache.getMany(['fresh'], { freshForMs: FRESH, load: async () => new Map([['fresh', 'F']]) });
    at(FRESH + 20);
    const outage = new UnavailableError('down');
    const { values, failure: why } = await cache.getMany(['fresh', 'old', 'gone', 'never'], {
      freshForMs: FRESH,
      load: async () => {
        throw outage;
      },
    });
    expect(why).toBe(outage);
    expect(values.get('fresh')).toEqual({ value: 'F', fetchedAt: T0 + FRESH + 10, source: 'cache' });
    expect(values.get('old')).toEqual({ value: 'O', fetchedAt: T0, source: 'stale', staleBecause: outage });
    expect(values.get('gone')).toEqual({ value: null, fetchedAt: T0, source: 'stale', staleBecause: outage });
    expect(values.has('never')).toBe(false);
  });

  it('on a failure that forbids stale answers, only fresh values are returned', async () => {
    await cache.getMany(['old'], { freshForMs: FRESH, load: async () => new Map([['old', 'O']]) });
    at(FRESH + 1);
    const denied = new BadApiKeyError();
    const { values, failure: why } = await cache.getMany(['old'], {
      freshForMs: FRESH,
      load: async () => {
        throw denied;
      },
    });
    expect(why).toBe(denied);
    expect(values.size).toBe(0);
  });

  it('rethrows errors that are not Connecteam errors', async () => {
    const bug = new TypeError('bug');
    expect(
      await failure(
        cache.getMany(['a'], {
          freshForMs: FRESH,
          load: async () => {
            throw bug;
          },
        }),
      ),
    ).toBe(bug);
  });

  it('shares one load among concurrent callers asking for the same keys', async () => {
    const gate = deferred<Map<string, number>>();
    const load = vi.fn(() => gate.promise);
    const calls = Array.from({ length: 10 }, () => cache.getMany(['x', 'y'], { freshForMs: FRESH, load }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    gate.resolve(
      new Map([
        ['x', 1],
        ['y', 2],
      ]),
    );
    const results = await Promise.all(calls);
    expect(load).toHaveBeenCalledTimes(1);
    for (const { values } of results) expect(values.get('y')?.value).toBe(2);
  });
});

describe('stale-if-error over the in-memory keyv', () => {
  staleIfErrorSuite(() => ({ keyv: new Keyv() }));
});

describe('stale-if-error over the SQLite keyv adapter', () => {
  staleIfErrorSuite(() => {
    const db = new Database(':memory:');
    return { keyv: new Keyv({ store: new SqliteKeyvStore(db) }), close: () => db.close() };
  });

  it('stores entries as rows that purgeExpired drops after the stale window', async () => {
    const db = new Database(':memory:');
    try {
      const store = new SqliteKeyvStore(db);
      const cache = new ReadThroughCache(new Keyv({ store }), { log });
      await cache.get('k', { freshForMs: FRESH, load: async () => ({ n: 1 }) });
      const count = () => (db.prepare('SELECT COUNT(*) AS n FROM cache').get() as { n: number }).n;
      expect(count()).toBe(1);
      expect(store.purgeExpired()).toBe(0);
      at(DAY + 1);
      expect(store.purgeExpired()).toBe(1);
      expect(count()).toBe(0);
    } finally {
      db.close();
    }
  });
});
