import type Keyv from 'keyv';
import type { Log } from '../log.js';
import { withTimeout } from '../store/with-timeout.js';
import { AssetNotFoundError, ConnecteamError } from './errors.js';

/** A cache that does not answer quickly is treated as empty. */
const STORE_TIMEOUT_MS = 1_000;

/** How an answer was obtained, so replies can say how old it is. */
export interface Cached<T> {
  value: T;
  /** Epoch milliseconds when Connecteam gave us this value. */
  fetchedAt: number;
  source: 'upstream' | 'cache' | 'stale';
  /** Set when `source` is 'stale': why a fresh answer could not be had. */
  staleBecause?: ConnecteamError;
}

interface Entry<T> {
  at: number;
  value?: T;
  /** A cached 404: the asset id that was not found. */
  notFound?: number;
}

export interface ManyOptions<T> {
  freshForMs: number;
  load: (keys: string[]) => Promise<Map<string, T>>;
}

export interface ManyResult<T> {
  /** Every key that could be answered; `null` means Connecteam does not know it. */
  values: Map<string, Cached<T | null>>;
  /** Why some keys could not be loaded, if any could not. */
  failure?: ConnecteamError;
}

export interface CacheOptions {
  log: Log;
  now?: () => number;
  /** How long a stored entry may stand in when Connecteam is failing (default one day). */
  staleForMs?: number;
  /** How long a 404 is believed (default 30 s). */
  notFoundMs?: number;
}

export interface LoadOptions<T> {
  freshForMs: number;
  load: () => Promise<T>;
  /** Ignore a fresh entry (but still share in-flight calls and fall back to stale on failure). */
  bypassFresh?: boolean;
  /** Freshness of a cached `null` ("nobody"), usually shorter so new data shows up soon. */
  nullFreshForMs?: number;
}

/**
 * Read-through cache over keyv: TTL freshness, single-flight, negative caching of 404s and
 * stale-if-error. Entries live in the store for the stale window and carry their fetch time,
 * because keyv forgets whatever has expired.
 */
export class ReadThroughCache {
  private readonly inflight = new Map<string, Promise<Cached<unknown>>>();
  private readonly now: () => number;
  private readonly staleForMs: number;
  private readonly notFoundMs: number;

  constructor(
    private readonly keyv: Keyv,
    private readonly options: CacheOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.staleForMs = options.staleForMs ?? 86_400_000;
    this.notFoundMs = options.notFoundMs ?? 30_000;
  }

  async get<T>(key: string, options: LoadOptions<T>): Promise<Cached<T>> {
    const entry = await this.read<T>(key);
    if (entry && !options.bypassFresh) {
      const age = this.now() - entry.at;
      if (entry.notFound !== undefined && age < this.notFoundMs) throw new AssetNotFoundError(entry.notFound);
      const freshFor =
        entry.value === null ? (options.nullFreshForMs ?? options.freshForMs) : options.freshForMs;
      if (entry.notFound === undefined && age < freshFor) {
        return { value: entry.value as T, fetchedAt: entry.at, source: 'cache' };
      }
    }
    const running = this.inflight.get(key);
    if (running) return running as Promise<Cached<T>>;
    const flight = this.fetch(key, options, entry).finally(() => this.inflight.delete(key));
    this.inflight.set(key, flight);
    return flight;
  }

  /** True when a lookup of `key` would be answered from the store without calling Connecteam. */
  async isFresh(key: string, freshForMs: number): Promise<boolean> {
    const entry = await this.read<unknown>(key);
    if (!entry) return false;
    const age = this.now() - entry.at;
    return entry.notFound !== undefined ? age < this.notFoundMs : age < freshForMs;
  }

  /**
   * Many keys at once: fresh entries from the store, the rest loaded in one call (shared by
   * concurrent callers asking for the same set). Keys the loader does not return are cached as
   * null. When loading fails, stale entries stand in and the keys with none are left out.
   */
  async getMany<T>(keys: string[], options: ManyOptions<T>): Promise<ManyResult<T>> {
    const unique = [...new Set(keys)];
    const entries = await this.readMany<T | null>(unique);
    const values = new Map<string, Cached<T | null>>();
    const missing: string[] = [];
    unique.forEach((key, i) => {
      const entry = entries[i];
      if (entry && entry.notFound === undefined && this.now() - entry.at < options.freshForMs) {
        values.set(key, { value: entry.value ?? null, fetchedAt: entry.at, source: 'cache' });
      } else {
        missing.push(key);
      }
    });
    if (missing.length === 0) return { values };
    const flightKey = `many\u0000${[...missing].sort().join('\u0000')}`;
    let flight = this.inflight.get(flightKey) as Promise<Cached<Map<string, T>>> | undefined;
    if (!flight) {
      flight = this.loadMany(missing, options).finally(() => this.inflight.delete(flightKey));
      this.inflight.set(flightKey, flight);
    }
    try {
      const loaded = await flight;
      for (const key of missing) {
        values.set(key, {
          value: loaded.value.get(key) ?? null,
          fetchedAt: loaded.fetchedAt,
          source: 'upstream',
        });
      }
      return { values };
    } catch (error) {
      if (!(error instanceof ConnecteamError)) throw error;
      unique.forEach((key, i) => {
        const entry = entries[i];
        if (values.has(key) || !entry || entry.notFound !== undefined) return;
        if (error.staleAllowed && this.now() - entry.at < this.staleForMs) {
          values.set(key, {
            value: entry.value ?? null,
            fetchedAt: entry.at,
            source: 'stale',
            staleBecause: error,
          });
        }
      });
      return { values, failure: error };
    }
  }

  private async loadMany<T>(keys: string[], options: ManyOptions<T>): Promise<Cached<Map<string, T>>> {
    const loaded = await options.load(keys);
    const at = this.now();
    await Promise.all(
      keys.map((key) => this.write(key, { at, value: loaded.get(key) ?? null }, this.staleForMs)),
    );
    return { value: loaded, fetchedAt: at, source: 'upstream' };
  }

  private async readMany<T>(keys: string[]): Promise<Array<Entry<T> | undefined>> {
    try {
      const entries = await withTimeout(this.keyv.getMany<Entry<T>>(keys), STORE_TIMEOUT_MS, 'cache read');
      return entries.map((entry) => entry ?? undefined);
    } catch (error) {
      this.options.log.warn('cache read failed', { keys: keys.length, error });
      return keys.map(() => undefined);
    }
  }

  private async fetch<T>(
    key: string,
    options: LoadOptions<T>,
    previous: Entry<T> | undefined,
  ): Promise<Cached<T>> {
    try {
      const value = await options.load();
      const at = this.now();
      await this.write(key, { at, value }, this.staleForMs);
      return { value, fetchedAt: at, source: 'upstream' };
    } catch (error) {
      if (error instanceof AssetNotFoundError) {
        await this.write(key, { at: this.now(), notFound: error.assetId }, this.notFoundMs);
        throw error;
      }
      const usable =
        previous && previous.notFound === undefined && this.now() - previous.at < this.staleForMs;
      if (usable && error instanceof ConnecteamError && error.staleAllowed) {
        this.options.log.warn('serving stale cache entry', {
          key,
          ageMs: this.now() - previous.at,
          reason: error.kind,
        });
        return { value: previous.value as T, fetchedAt: previous.at, source: 'stale', staleBecause: error };
      }
      throw error;
    }
  }

  private async read<T>(key: string): Promise<Entry<T> | undefined> {
    try {
      return (await withTimeout(this.keyv.get<Entry<T>>(key), STORE_TIMEOUT_MS, 'cache read')) ?? undefined;
    } catch (error) {
      // A broken cache must not break answers: treat it as a miss.
      this.options.log.warn('cache read failed', { key, error });
      return undefined;
    }
  }

  private async write<T>(key: string, entry: Entry<T>, ttlMs: number): Promise<void> {
    try {
      await withTimeout(this.keyv.set(key, entry, ttlMs), STORE_TIMEOUT_MS, 'cache write');
    } catch (error) {
      this.options.log.warn('cache write failed', { key, error });
    }
  }
}
