import type { Cached, ReadThroughCache } from './cache.js';
import type { ConnecteamClient } from './client.js';
import type { ConnecteamError } from './errors.js';
import type { CallOptions } from './http.js';
import type { AssetAccess, ConnecteamUser, SmartGroup } from './model.js';

/** One users call asks for at most this many ids (keeps URLs short and calls few). */
const USERS_PER_CALL = 100;
const PARALLEL_USER_CALLS = 3;

export interface CacheTtls {
  assetMs: number;
  peopleMs: number;
}

export interface People {
  /** Known people by id; an id Connecteam did not return maps to null. */
  byId: Map<number, ConnecteamUser | null>;
  /** Oldest fetch time among the answers, and whether any was stale. */
  oldestFetchedAt: number | undefined;
  stale: boolean;
  /** Set when some ids could not be looked up at all. */
  failure?: ConnecteamError;
}

/** Connecteam through the cache: what the domain calls. */
export class CachedConnecteam {
  /** Told of every asset answer fetched from Connecteam itself (the watcher listens). */
  onFreshAsset: ((access: AssetAccess) => void) | undefined;

  constructor(
    private readonly client: ConnecteamClient,
    private readonly cache: ReadThroughCache,
    private readonly ttls: CacheTtls,
  ) {}

  asset(assetId: number, call: CallOptions & { fresh?: boolean } = {}): Promise<Cached<AssetAccess>> {
    return this.cache.get(`asset:${assetId}`, {
      freshForMs: this.ttls.assetMs,
      bypassFresh: call.fresh,
      load: async () => {
        const access = await this.client.getAsset(assetId, call);
        this.onFreshAsset?.(access);
        return access;
      },
    });
  }

  /** Whether asset(assetId) would be answered without an upstream call. */
  isAssetFresh(assetId: number): Promise<boolean> {
    return this.cache.isFresh(`asset:${assetId}`, this.ttls.assetMs);
  }

  /**
   * People by id, in batches of one users call each: every batch is cached and shared on its own,
   * so a failure part-way keeps what was already found.
   */
  async people(userIds: number[], call: CallOptions = {}): Promise<People> {
    const ids = [...new Set(userIds)];
    const byId = new Map<number, ConnecteamUser | null>();
    let oldestFetchedAt: number | undefined;
    let stale = false;
    let failure: ConnecteamError | undefined;
    const batches: number[][] = [];
    for (let i = 0; i < ids.length; i += USERS_PER_CALL) batches.push(ids.slice(i, i + USERS_PER_CALL));
    // A few calls at a time: quick for big assets, gentle on the shared quota; stop at a failure.
    for (let wave = 0; wave < batches.length && !failure; wave += PARALLEL_USER_CALLS) {
      const results = await Promise.all(
        batches.slice(wave, wave + PARALLEL_USER_CALLS).map((batch) => this.peopleBatch(batch, call)),
      );
      for (const result of results) {
        failure ??= result.failure;
        for (const [key, cached] of result.values) {
          byId.set(Number(key.slice('user:'.length)), cached.value);
          oldestFetchedAt = Math.min(oldestFetchedAt ?? cached.fetchedAt, cached.fetchedAt);
          stale ||= cached.source === 'stale';
        }
      }
    }
    // Names are missing only for ids with no answer at all (a stale answer still has the name).
    const missing = failure !== undefined && ids.some((id) => !byId.has(id));
    return { byId, oldestFetchedAt, stale, ...(missing && failure ? { failure } : {}) };
  }

  private peopleBatch(batch: number[], call: CallOptions) {
    return this.cache.getMany<ConnecteamUser>(
      batch.map((id) => `user:${id}`),
      {
        freshForMs: this.ttls.peopleMs,
        load: async (keys) => {
          const wanted = keys.map((key) => Number(key.slice('user:'.length)));
          const users = await this.client.getUsersByIds(wanted, call);
          return new Map(users.map((user) => [`user:${user.userId}`, user]));
        },
      },
    );
  }

  /** Connecteam accounts with this (lower-cased) email; an empty answer is believed for a minute. */
  async usersByEmail(email: string, call: CallOptions = {}): Promise<ConnecteamUser[]> {
    const cached = await this.cache.get<ConnecteamUser[] | null>(`user-email:${email}`, {
      freshForMs: this.ttls.peopleMs,
      nullFreshForMs: 60_000,
      load: async () => {
        const users = await this.client.getUsersByEmail(email, call);
        return users.length > 0 ? users : null;
      },
    });
    return cached.value ?? [];
  }

  smartGroups(call: CallOptions = {}): Promise<Cached<SmartGroup[]>> {
    return this.cache.get('smart-groups', {
      freshForMs: this.ttls.peopleMs,
      load: () => this.client.getSmartGroups(call),
    });
  }

  /** Group id -> name. Names are a nicety: on failure the ids are shown as they are. */
  async groupNames(call: CallOptions = {}): Promise<{ names: Map<string, string>; failure?: unknown }> {
    try {
      const groups = await this.smartGroups(call);
      return { names: new Map(groups.value.flatMap((g) => (g.name ? [[g.id, g.name] as const] : []))) };
    } catch (failure) {
      return { names: new Map(), failure };
    }
  }
}
