import type { AuditTrail, TrailEntry } from './audit-trail.js';
import type { PersonLimiter } from './person-limits.js';
import type { AccessPolicy, Action, Refusal, Requester } from './policy.js';

/**
 * The single door in front of every look-up: the policy (who may), the per-person limit (how
 * much, counting only uncached look-ups) and the audit trail (who did what).
 */
export class AccessGate {
  constructor(
    private readonly policy: AccessPolicy,
    private readonly limiter: PersonLimiter,
    private readonly trail: AuditTrail,
    private readonly isCached: (assetId: number) => Promise<boolean>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /**
   * Undefined when `requester` may do `action` on these assets now; otherwise why not. With
   * `fresh`, every asset counts against the person's limit (the look-up will skip the cache).
   */
  async admit(
    requester: Requester,
    action: Action,
    assetIds: number[],
    options: { fresh?: boolean; trail?: Omit<TrailEntry, 'outcome'> } = {},
  ): Promise<Refusal | undefined> {
    const refusal = await this.decide(requester, action, assetIds, options.fresh === true);
    // Refusals are on the trail too: who was turned away, from what, and why.
    if (refusal && options.trail) this.record({ ...options.trail, outcome: `refused:${refusal.kind}` });
    return refusal;
  }

  private async decide(
    requester: Requester,
    action: Action,
    assetIds: number[],
    fresh: boolean,
  ): Promise<Refusal | undefined> {
    try {
      const refusal = await this.policy.refusal(requester, action);
      if (refusal) return refusal;
      for (const assetId of assetIds) {
        if (!fresh && (await this.isCached(assetId))) continue;
        const limited = await this.limiter.take(requester.userId);
        if (limited) return limited;
      }
      return undefined;
    } catch (error) {
      // When we can't tell whether someone may, they may not (and they are told why).
      this.onError(error);
      return { kind: 'unverifiable' };
    }
  }

  record(entry: TrailEntry): void {
    this.trail.record(entry);
  }
}
