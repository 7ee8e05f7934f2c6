import { randomUUID } from 'node:crypto';
import { createClient, type RedisClientType } from '@redis/client';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe } from 'vitest';
import { MemoryStateStore } from '../../src/store/memory-state.js';
import { RedisStateStore } from '../../src/store/redis-state.js';
import { SqliteStateStore } from '../../src/store/sqlite-state.js';
import type { StateStore } from '../../src/store/state-store.js';
import { withTimeout } from '../../src/store/with-timeout.js';

/** A store under test, and a way to let `ms` milliseconds pass for it. */
export interface StoreSubject {
  store: StateStore;
  /** A fake clock jumps; real Redis sleeps. */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export type Suite = (name: string, open: () => Promise<StoreSubject>) => void;

/**
 * Runs `suite` over every state backend: memory and SQLite with fake clocks, and the real Redis
 * at 127.0.0.1:6379 under a prefix of this run's own (deleted afterwards). `redisExtras` may add
 * tests that need the Redis client itself.
 */
export function eachStateBackend(
  label: string,
  suite: Suite,
  redisExtras?: (redis: () => RedisClientType, prefix: string) => void,
): void {
  suite('MemoryStateStore', async () => {
    let clock = 1_750_000_000_000;
    return {
      store: new MemoryStateStore(() => clock),
      advance: async (ms) => {
        clock += ms;
      },
      close: async () => {},
    };
  });
  suite('SqliteStateStore', async () => {
    let clock = 1_750_000_000_000;
    const db = new Database(':memory:');
    return {
      store: new SqliteStateStore(db, () => clock),
      advance: async (ms) => {
        clock += ms;
      },
      close: async () => {
        db.close();
      },
    };
  });
  describe('on Redis', () => {
    const prefix = `asset-audit-test:${label}:${randomUUID()}:`;
    let redis: RedisClientType;
    let n = 0;
    beforeAll(async () => {
      redis = createClient({
        url: 'redis://127.0.0.1:6379',
        socket: { reconnectStrategy: false },
      }) as RedisClientType;
      redis.on('error', () => {});
      await withTimeout(redis.connect(), 3_000, 'connecting to Redis').catch((error: Error) => {
        throw new Error(
          `Redis is not answering at 127.0.0.1:6379 (${error.message}); start redis-server or run bash .ci/run`,
        );
      });
    });
    afterAll(async () => {
      const keys: string[] = [];
      for await (const batch of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) keys.push(...batch);
      if (keys.length > 0) await redis.del(keys);
      await redis.quit();
    });
    suite('RedisStateStore', async () => {
      n += 1;
      return { store: new RedisStateStore(redis, `${prefix}${n}:`), advance: sleep, close: async () => {} };
    });
    redisExtras?.(() => redis, prefix);
  });
}
