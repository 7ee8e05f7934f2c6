import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import KeyvRedis from '@keyv/redis';
import { createClient, type RedisClientType } from '@redis/client';
import Database from 'better-sqlite3';
import Keyv from 'keyv';
import type { StoreTarget } from '../config.js';
import type { Log } from '../log.js';
import { MemoryStateStore } from './memory-state.js';
import { RedisStateStore } from './redis-state.js';
import { SqliteKeyvStore } from './sqlite-keyv-store.js';
import { SqliteStateStore } from './sqlite-state.js';
import type { StateStore } from './state-store.js';
import { withTimeout } from './with-timeout.js';

/** The store named by STORE_URL could not be opened. */
export class StoreError extends Error {
  override name = 'StoreError';
}

export interface Stores {
  cache: Keyv;
  state: StateStore;
  close(): Promise<void>;
}

const CACHE_NAMESPACE = 'asset-audit-cache-v1';
const PURGE_EVERY_MS = 10 * 60_000;

/** Opens the cache (keyv) and the state store on one backend: memory, SQLite file or Redis. */
export async function openStores(target: StoreTarget, log: Log): Promise<Stores> {
  if (target.kind === 'memory') {
    return {
      cache: new Keyv({ namespace: CACHE_NAMESPACE }),
      state: new MemoryStateStore(),
      close: async () => {},
    };
  }
  if (target.kind === 'file') {
    let db: Database.Database;
    try {
      mkdirSync(dirname(target.path), { recursive: true });
      db = new Database(target.path);
    } catch (error) {
      throw new StoreError(`could not open the SQLite file ${target.path} (${(error as Error).message})`);
    }
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    const cacheStore = new SqliteKeyvStore(db);
    const state = new SqliteStateStore(db);
    const purge = setInterval(() => {
      cacheStore.purgeExpired();
      state.purgeExpired();
    }, PURGE_EVERY_MS);
    purge.unref();
    const cache = new Keyv({ store: cacheStore, namespace: CACHE_NAMESPACE });
    cache.on('error', (error) => log.warn('cache error', { error }));
    return {
      cache,
      state,
      close: async () => {
        clearInterval(purge);
        db.close();
      },
    };
  }
  const redis = createClient({
    url: target.url,
    // Commands fail at once while Redis is away, instead of queueing behind a dead connection.
    disableOfflineQueue: true,
    socket: { connectTimeout: 5000, reconnectStrategy: (retries) => Math.min(retries * 200, 3000) },
  }) as RedisClientType;
  let lastError = '';
  redis.on('error', (error: Error) => {
    if (error.message !== lastError) log.warn('redis error', { error: error.message });
    lastError = error.message;
  });
  try {
    await withTimeout(redis.connect(), 5_000, 'connecting to Redis');
  } catch (error) {
    redis.destroy();
    throw new StoreError(`could not connect to Redis (${lastError || (error as Error).message})`);
  }
  const cache = new Keyv({
    store: new KeyvRedis(redis, { namespace: CACHE_NAMESPACE }),
    namespace: CACHE_NAMESPACE,
  });
  cache.on('error', (error) => log.warn('cache error', { error }));
  return {
    cache,
    state: new RedisStateStore(redis),
    close: async () => {
      await redis.quit().catch(() => undefined);
    },
  };
}
