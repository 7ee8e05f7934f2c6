import type { Cached, ReadThroughCache } from './cache.js';
import type { ConnecteamClient } from './client.js';
import type { ConnecteamError } from './errors.js';
import type { CallOptions } from './http.js';
import type { AssetAccess, ConnecteamUser, SmartGroup } from './model.js';

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
  constructor(
    private readonly client: ConnecteamClient,
    private readonly cache: ReadThroughCache,
    private readonly ttls: CacheTtls,
  ) {}

  asset(assetId: number, call: CallOptions & { fresh?: boolean } = {}): Promise<Cached<AssetAccess>> {
    return this.cache.get(`asset:${assetId}`, {
      freshForMs: this.ttls.assetMs,
      bypassFresh: call.fresh,
      load: () => this.client.getAsset(assetId, call),
    });
  }

  /** Whether asset(assetId) would be answered without an upstream call. */
  isAssetFresh(assetId: number): Promise<boolean> {
    return this.cache.isFresh(`asset:${assetId}`, this.ttls.assetMs);
  }

  async people(userIds: number[], call: CallOptions = {}): Promise<People> {
    const { values, failure } = await this.cache.getMany<ConnecteamUser>(
      userIds.map((id) => `user:${id}`),
      {
        freshForMs: this.ttls.peopleMs,
        load: async (keys) => {
          const ids = keys.map((key) => Number(key.slice('user:'.length)));
          const users = await this.client.getUsersByIds(ids, call);
          return new Map(users.map((user) => [`user:${user.userId}`, user]));
        },
      },
    );
    const byId = new Map<number, ConnecteamUser | null>();
    let oldestFetchedAt: number | undefined;
    let stale = false;
    for (const [key, cached] of values) {
      byId.set(Number(key.slice('user:'.length)), cached.value);
      oldestFetchedAt = Math.min(oldestFetchedAt ?? cached.fetchedAt, cached.fetchedAt);
      stale ||= cached.source === 'stale';
    }
    return { byId, oldestFetchedAt, stale, ...(failure ? { failure } : {}) };
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
