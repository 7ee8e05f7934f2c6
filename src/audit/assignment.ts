import type { CachedConnecteam } from '../connecteam/cached-client.js';
import type { ConnecteamError } from '../connecteam/errors.js';
import type { GroupRef } from './audit.js';
import type { Identity, IdentityResolver } from './identity.js';

export interface AssignmentStatus {
  assetId: number;
  admin: boolean;
  direct: boolean;
  /** Smart groups of the asset the person belongs to, named where Connecteam knows the name. */
  viaGroups: GroupRef[];
  fetchedAt: number;
  source: 'upstream' | 'cache' | 'stale';
  staleBecause?: ConnecteamError;
}

export type AssetAnswer = { assetId: number; status: AssignmentStatus } | { assetId: number; error: unknown };

export interface AssignmentReport {
  identity: Identity;
  answers: AssetAnswer[];
}

/** "Am I assigned?": only the asking person's own status, never anyone else's. */
export class AssignmentChecker {
  constructor(
    private readonly connecteam: CachedConnecteam,
    private readonly identity: IdentityResolver,
  ) {}

  async check(slackUserId: string, assetIds: number[], deadline: number): Promise<AssignmentReport> {
    const identity = await this.identity.connecteamUserFor(slackUserId, { deadline });
    if (identity.kind !== 'linked') return { identity, answers: [] };
    const answers = await Promise.all(assetIds.map((assetId) => this.one(identity, assetId, deadline)));
    return { identity, answers };
  }

  private async one(
    identity: Extract<Identity, { kind: 'linked' }>,
    assetId: number,
    deadline: number,
  ): Promise<AssetAnswer> {
    try {
      const asset = await this.connecteam.asset(assetId, { deadline });
      const { userId, smartGroupIds } = identity.user;
      const mine = new Set(smartGroupIds.map(String));
      const groupKeys = asset.value.smartGroups.filter((key) => mine.has(key));
      const { names } =
        groupKeys.length > 0 ? await this.connecteam.groupNames({ deadline }) : { names: new Map() };
      return {
        assetId,
        status: {
          assetId,
          admin: asset.value.adminIds.includes(userId),
          direct: asset.value.assignedUserIds.includes(userId),
          viaGroups: groupKeys.map((key) => ({ key, name: names.get(key) })),
          fetchedAt: asset.fetchedAt,
          source: asset.source,
          ...(asset.staleBecause ? { staleBecause: asset.staleBecause } : {}),
        },
      };
    } catch (error) {
      return { assetId, error };
    }
  }
}
