import { z } from 'zod';
import type { Snapshot } from '../audit/diff.js';
import type { StateStore } from '../store/state-store.js';

const snapshotSchema: z.ZodType<Snapshot> = z.union([
  z.object({
    status: z.literal('ok'),
    admins: z.array(z.number()),
    assignees: z.array(z.number()),
    groups: z.array(z.string()),
  }),
  z.object({ status: z.literal('not_found') }),
  z.object({ status: z.literal('denied') }),
]);

const subscriptionSchema = z.object({
  assetId: z.number().int().positive(),
  channelId: z.string(),
  createdBy: z.string(),
  createdAt: z.number(),
  /** The snapshot this channel was last told about (or that it started from). */
  told: snapshotSchema,
  /** The last readable snapshot told, so "it's back" can say what changed meanwhile. */
  lastReadable: snapshotSchema.optional(),
  /** Delivery to this channel failed for good: no more posts until someone watches again. */
  paused: z.object({ reason: z.string(), at: z.number() }).optional(),
  /** An outage (not about the asset) that this channel has been told about. */
  outage: z.object({ kind: z.string(), since: z.number() }).optional(),
  /** Slack asked us to wait before posting here again. */
  retryAfter: z.number().optional(),
});

export type Subscription = z.infer<typeof subscriptionSchema>;

const key = (assetId: number, channelId: string) => `sub:${assetId}:${channelId}`;
const ASSETS = 'subs:assets';
const assetChannels = (assetId: number) => `subs:asset:${assetId}`;
const channelAssets = (channelId: string) => `subs:channel:${channelId}`;
const checkedKey = (assetId: number) => `checked:${assetId}`;

/**
 * One subscription per (asset, channel) in the state store. Records only move forward with
 * compare-and-set, so two writers can never both deliver and advance the same change.
 */
export class Subscriptions {
  constructor(private readonly state: StateStore) {}

  /** Creates the subscription unless it exists; false means "already watching". */
  async add(subscription: Subscription): Promise<boolean> {
    const created = await this.state.setIfAbsent(
      key(subscription.assetId, subscription.channelId),
      JSON.stringify(subscription),
    );
    if (!created) {
      // Watching again replaces a paused subscription: new creator, new starting snapshot.
      const current = await this.getRaw(subscription.assetId, subscription.channelId);
      if (!current?.parsed.paused) return false;
      return this.state.compareAndSet(
        key(subscription.assetId, subscription.channelId),
        current.raw,
        JSON.stringify(subscription),
      );
    }
    await this.state.setAdd(assetChannels(subscription.assetId), subscription.channelId);
    await this.state.setAdd(channelAssets(subscription.channelId), String(subscription.assetId));
    await this.state.setAdd(ASSETS, String(subscription.assetId));
    return true;
  }

  async remove(assetId: number, channelId: string): Promise<boolean> {
    const existed = (await this.state.get(key(assetId, channelId))) !== undefined;
    await this.state.delete(key(assetId, channelId));
    await this.state.setRemove(assetChannels(assetId), channelId);
    await this.state.setRemove(channelAssets(channelId), String(assetId));
    if ((await this.state.setMembers(assetChannels(assetId))).length === 0)
      await this.state.setRemove(ASSETS, String(assetId));
    return existed;
  }

  async get(assetId: number, channelId: string): Promise<Subscription | undefined> {
    return (await this.getRaw(assetId, channelId))?.parsed;
  }

  /** The record with its stored text, for a later compare-and-set. */
  async getRaw(
    assetId: number,
    channelId: string,
  ): Promise<{ raw: string; parsed: Subscription } | undefined> {
    const raw = await this.state.get(key(assetId, channelId));
    if (raw === undefined) return undefined;
    const parsed = subscriptionSchema.safeParse(JSON.parse(raw));
    return parsed.success ? { raw, parsed: parsed.data } : undefined;
  }

  /** Replaces the record only if nobody changed it since `raw` was read. */
  async advance(previousRaw: string, next: Subscription): Promise<boolean> {
    return this.state.compareAndSet(key(next.assetId, next.channelId), previousRaw, JSON.stringify(next));
  }

  async watchedAssets(): Promise<number[]> {
    return (await this.state.setMembers(ASSETS))
      .map(Number)
      .filter((id) => Number.isSafeInteger(id) && id > 0);
  }

  async channelsOf(assetId: number): Promise<string[]> {
    return this.state.setMembers(assetChannels(assetId));
  }

  async assetsOf(channelId: string): Promise<number[]> {
    return (await this.state.setMembers(channelAssets(channelId))).map(Number).sort((a, b) => a - b);
  }

  async markChecked(assetId: number, at: number): Promise<void> {
    await this.state.set(checkedKey(assetId), String(at));
  }

  async lastChecked(assetId: number): Promise<number | undefined> {
    const raw = await this.state.get(checkedKey(assetId));
    return raw === undefined ? undefined : Number(raw);
  }
}
