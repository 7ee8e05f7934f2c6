import type { CachedConnecteam } from '../connecteam/cached-client.js';
import type { ConnecteamError } from '../connecteam/errors.js';
import { type ConnecteamUser, fullName } from '../connecteam/model.js';
import type { Log } from '../log.js';
import type { IdentityResolver } from './identity.js';

export interface PersonRef {
  userId: number;
  /** Undefined when Connecteam has no name for this id (or could not be asked). */
  name: string | undefined;
  archived: boolean;
  /** Slack user id, when the person could be matched to someone in the workspace. */
  slackUserId?: string;
}

export interface GroupRef {
  /** The identifier as the asset lists it. */
  key: string;
  name: string | undefined;
}

export interface AssetAudit {
  assetId: number;
  admins: PersonRef[];
  assignees: PersonRef[];
  groups: GroupRef[];
  /** When Connecteam gave us the asset, and how we got it. */
  fetchedAt: number;
  source: 'upstream' | 'cache' | 'stale';
  staleBecause?: ConnecteamError;
  /** Some names or group names could not be loaded; those are shown by id. */
  namesIncomplete: boolean;
}

export interface AuditOptions {
  deadline?: number;
  /** Match people to Slack users for mentions, spending at most this long on it. */
  mentionsWithinMs?: number;
}

const NAMES_LOOKED_UP = 600;

/** "Who can reach asset N": the asset's access lists, with people and groups named. */
export class AssetAuditor {
  constructor(
    private readonly connecteam: CachedConnecteam,
    private readonly log: Log,
    private readonly identity?: IdentityResolver,
    private readonly now: () => number = Date.now,
  ) {}

  async audit(assetId: number, options: AuditOptions = {}): Promise<AssetAudit> {
    const asset = await this.connecteam.asset(assetId, options);
    const { adminIds, assignedUserIds, smartGroups } = asset.value;
    const [people, groups] = await Promise.all([
      // Names for as many people as a reply can show; beyond that they would be cut anyway.
      this.connecteam.people([...adminIds, ...assignedUserIds].slice(0, NAMES_LOOKED_UP), options),
      smartGroups.length > 0
        ? this.connecteam.groupNames(options)
        : Promise.resolve({ names: new Map<string, string>() }),
    ]);
    if (people.failure) this.log.warn('names unavailable', { assetId, reason: people.failure.kind });
    if ('failure' in groups)
      this.log.warn('smart group names unavailable', { assetId, error: groups.failure });
    const slackIds = await this.slackIds(people.byId, options);
    const person = (userId: number): PersonRef => {
      const ref = toPersonRef(userId, people.byId.get(userId));
      const slackUserId = slackIds.get(userId);
      return slackUserId ? { ...ref, slackUserId } : ref;
    };
    return {
      assetId,
      admins: sortPeople(adminIds.map(person)),
      assignees: sortPeople(assignedUserIds.map(person)),
      groups: smartGroups.map((key) => ({ key, name: groups.names.get(key) })),
      fetchedAt: asset.fetchedAt,
      source: asset.source,
      ...(asset.staleBecause ? { staleBecause: asset.staleBecause } : {}),
      namesIncomplete: people.failure !== undefined || 'failure' in groups,
    };
  }

  /** Mentions are a nicety too: whoever is not matched in time is shown by name only. */
  private async slackIds(
    byId: Map<number, ConnecteamUser | null>,
    options: AuditOptions,
  ): Promise<Map<number, string>> {
    if (!this.identity || options.mentionsWithinMs === undefined) return new Map();
    const users = [...byId.values()].filter((user): user is ConnecteamUser => user !== null);
    const deadline = Math.min(
      options.deadline ?? Number.POSITIVE_INFINITY,
      this.now() + options.mentionsWithinMs,
    );
    try {
      return await this.identity.slackIdsFor(users, deadline);
    } catch (error) {
      this.log.warn('Slack matching unavailable', { error });
      return new Map();
    }
  }
}

function toPersonRef(userId: number, user: ConnecteamUser | null | undefined): PersonRef {
  const name = user ? fullName(user) : '';
  return { userId, name: name || undefined, archived: user?.archived ?? false };
}

function sortPeople(people: PersonRef[]): PersonRef[] {
  return [...people].sort((a, b) => {
    if (a.name && b.name) return a.name.localeCompare(b.name) || a.userId - b.userId;
    if (a.name) return -1;
    if (b.name) return 1;
    return a.userId - b.userId;
  });
}
