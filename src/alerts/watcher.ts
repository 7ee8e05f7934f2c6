import { type Change, diffSnapshots, type Snapshot, snapshotOf } from '../audit/diff.js';
import type { CachedConnecteam } from '../connecteam/cached-client.js';
import {
  AccessDeniedError,
  AssetNotFoundError,
  type ConnecteamError,
  isConnecteamError,
  UnavailableError,
} from '../connecteam/errors.js';
import { type AssetAccess, fullName } from '../connecteam/model.js';
import type { RateLimitTracker } from '../connecteam/rate-limits.js';
import type { Log } from '../log.js';
import type { StateStore } from '../store/state-store.js';
import type { AlertPort, AlertRenderer, Names } from './alert-port.js';
import { checkEveryMs, leavesRoomForPeople, pollBudget } from './budget.js';
import { Lease } from './lock.js';
import type { ChannelPacer } from './pacer.js';
import type { Subscription, Subscriptions } from './subscriptions.js';

export interface WatcherOptions<M> {
  subscriptions: Subscriptions;
  connecteam: CachedConnecteam;
  rateLimits: RateLimitTracker;
  /** Counts Connecteam requests, so the watcher can pay for what it really spent. */
  requestCount: () => number;
  state: StateStore;
  port: AlertPort<M>;
  render: AlertRenderer<M>;
  pacer: ChannelPacer;
  log: Log;
  intervalMs: number;
  share: number;
  now?: () => number;
}

const LOCK_KEY = 'watcher-lock';
const LIMITS_KEY = 'connecteam-limits';
/** Longer than one post may take (5 s time-out, no retries) plus the renewal before it. */
const MIN_LEASE_MS = 12_000;
const RELOAD_EVERY_MS = 15_000;

type Outcome = { snapshot: Snapshot } | { outage: ConnecteamError };

/**
 * Polls watched assets within the quota share, compares each with what every watching channel
 * was last told, and posts what changed. One instance polls at a time (a lease in the state
 * store); a channel's record advances only after its post succeeded or failed for good.
 */
export class Watcher<M> {
  private readonly now: () => number;
  private readonly lease: Lease;
  private holding = false;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private lastChecked = new Map<number, number>();
  private reloadedAt = 0;
  private nextPollAt = 0;
  private loggedEveryMs = 0;
  private renewedAt = 0;
  private readonly offered: Array<{ assetId: number; snapshot: Snapshot; at: number }> = [];
  private savedLimits = '';

  constructor(private readonly o: WatcherOptions<M>) {
    this.now = o.now ?? Date.now;
    // Taken over within two intervals if the holder dies, never slower than 30 s, and never
    // shorter than a post can take after the renewal just before it (see SlackAlertPort).
    this.lease = new Lease(o.state, LOCK_KEY, Math.min(30_000, Math.max(MIN_LEASE_MS, 2 * o.intervalMs)));
  }

  /** How often each asset is checked with `assets` watched: the interval, or what the budget needs. */
  checkEveryMs(assets: number): number {
    return checkEveryMs(assets, this.o.intervalMs, pollBudget(this.o.rateLimits.snapshot(), this.o.share));
  }

  start(): void {
    this.loop ??= this.run().catch((error: unknown) =>
      this.o.log.error('watcher stopped on an error', { error }),
    );
  }

  /** Finishes the check in flight, then releases the lease. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    if (this.holding) await this.lease.release().catch(() => false);
    this.holding = false;
  }

  /** The first snapshot of a newly watched asset: a fresh fetch; throws what Connecteam said. */
  async firstSnapshot(assetId: number): Promise<Snapshot> {
    const outcome = await this.fetch(assetId);
    if ('outage' in outcome) throw outcome.outage;
    if (outcome.snapshot.status === 'not_found') throw new AssetNotFoundError(assetId);
    if (outcome.snapshot.status === 'denied') throw new AccessDeniedError(assetId);
    await this.o.subscriptions.markChecked(assetId, this.now());
    await this.saveLimits();
    return outcome.snapshot;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      if (!this.holding) {
        this.holding = await this.lease.acquire().catch(() => false);
        if (!this.holding) {
          await this.sleep(this.lease.ttlMs / 4);
          continue;
        }
        this.renewedAt = this.now();
        this.reloadedAt = 0;
        await this.loadLimits();
        this.o.log.info('this instance now polls watched assets');
      }
      try {
        if (await this.stillHolding()) await this.tick();
      } catch (error) {
        // A store or network failure must not end polling for good: log it and try again.
        this.o.log.error('watcher tick failed', { error });
        await this.sleep(this.lease.ttlMs / 3);
      }
    }
  }

  /** Renews the lease when a third of it has gone; false once another instance has it. */
  private async stillHolding(renewNow = false): Promise<boolean> {
    if (!this.holding) return false;
    if (!renewNow && this.now() - this.renewedAt < this.lease.ttlMs / 3) return true;
    this.holding = await this.lease.renew().catch(() => false);
    this.renewedAt = this.now();
    if (!this.holding) this.o.log.warn('lost the polling lease; another instance polls now');
    return this.holding;
  }

  private async tick(): Promise<void> {
    const now = this.now();
    if (now - this.reloadedAt > this.reloadEveryMs()) await this.reload();
    const offered = this.offered.shift();
    if (offered) return this.useOffered(offered.assetId, offered.snapshot, offered.at);
    const quota = this.o.rateLimits.snapshot();
    const budget = pollBudget(quota, this.o.share);
    const blockedUntil = this.o.rateLimits.blockedUntil();
    if (blockedUntil > now) return this.sleep(Math.min(blockedUntil - now, this.lease.ttlMs / 3));
    if (now < this.nextPollAt) return this.sleep(Math.min(this.nextPollAt - now, this.lease.ttlMs / 3));
    if (!leavesRoomForPeople(quota, this.o.share, now)) return this.sleep(budget.spacingMs);
    const every = checkEveryMs(this.lastChecked.size, this.o.intervalMs, budget);
    if (every !== this.loggedEveryMs && this.lastChecked.size > 0) {
      if (every > this.o.intervalMs) {
        this.o.log.info('watch interval stretched by the quota', {
          assets: this.lastChecked.size,
          everyMs: every,
          intervalMs: this.o.intervalMs,
        });
      }
      this.loggedEveryMs = every;
    }
    const next = this.mostOverdue();
    if (next === undefined) return this.sleep(Math.min(this.reloadEveryMs(), this.lease.ttlMs / 3));
    const dueAt = next.lastChecked + every;
    if (dueAt > now) return this.sleep(Math.min(dueAt - now, this.lease.ttlMs / 3));
    const before = this.o.requestCount();
    await this.check(next.assetId);
    await this.saveLimits();
    const spent = Math.max(1, this.o.requestCount() - before);
    // Pay for every request the check made, spread evenly: no bursts. The quota is read again:
    // the check's own answer may have been the first to tell the plan's real limits.
    this.nextPollAt = this.now() + spent * pollBudget(this.o.rateLimits.snapshot(), this.o.share).spacingMs;
  }

  /** The plan's limits outlive a restart, so the budget is right before the first answer. */
  private async loadLimits(): Promise<void> {
    const saved = await this.o.state.get(LIMITS_KEY).catch(() => undefined);
    if (!saved) return;
    const limits = JSON.parse(saved) as { minute?: unknown; day?: unknown };
    if (typeof limits.minute === 'number' && typeof limits.day === 'number') {
      this.o.rateLimits.seed({ minute: limits.minute, day: limits.day });
    }
  }

  private async saveLimits(): Promise<void> {
    const quota = this.o.rateLimits.snapshot();
    if (!quota.measured) return;
    const limits = JSON.stringify({ minute: quota.minute.limit, day: quota.day.limit });
    if (limits !== this.savedLimits) {
      await this.o.state.set(LIMITS_KEY, limits).catch(() => undefined);
      this.savedLimits = limits;
    }
  }

  /** Subscriptions made on any instance are picked up this often. */
  private reloadEveryMs(): number {
    return Math.min(RELOAD_EVERY_MS, Math.max(1_000, this.o.intervalMs));
  }

  private mostOverdue(): { assetId: number; lastChecked: number } | undefined {
    let best: { assetId: number; lastChecked: number } | undefined;
    for (const [assetId, lastChecked] of this.lastChecked) {
      if (!best || lastChecked < best.lastChecked) best = { assetId, lastChecked };
    }
    return best;
  }

  private async reload(): Promise<void> {
    // Another instance may have learnt the plan's limits since (e.g. while taking a first snapshot).
    if (!this.o.rateLimits.snapshot().measured) await this.loadLimits();
    const assets = await this.o.subscriptions.watchedAssets();
    const next = new Map<number, number>();
    for (const assetId of assets) {
      next.set(
        assetId,
        this.lastChecked.get(assetId) ?? (await this.o.subscriptions.lastChecked(assetId)) ?? 0,
      );
    }
    this.lastChecked = next;
    this.reloadedAt = this.now();
  }

  /** One poll of one asset, and delivery to every channel watching it. */
  async check(assetId: number): Promise<void> {
    await this.deliverAll(assetId, await this.fetch(assetId), this.now());
  }

  /**
   * A fresh answer someone's audit just got from Connecteam: if this instance polls and the asset
   * is watched, it counts as the asset's check (no quota spent, alerts sooner). It is handled in
   * the polling loop, so it never races a poll of the same asset.
   */
  offer(assetId: number, access: AssetAccess): void {
    if (!this.holding || this.offered.length >= 1_000) return;
    this.offered.push({ assetId, snapshot: snapshotOf(access), at: this.now() });
    this.wake?.();
  }

  private async useOffered(assetId: number, snapshot: Snapshot, at: number): Promise<void> {
    // Only if it is newer than the asset's last check, and the asset is watched.
    const last = this.lastChecked.get(assetId);
    if (last !== undefined && last >= at) return;
    if (last === undefined && (await this.o.subscriptions.channelsOf(assetId)).length === 0) return;
    await this.deliverAll(assetId, { snapshot }, at);
  }

  private async deliverAll(assetId: number, outcome: Outcome, at: number): Promise<void> {
    this.lastChecked.set(assetId, at);
    await this.o.subscriptions.markChecked(assetId, at);
    for (const channelId of await this.o.subscriptions.channelsOf(assetId)) {
      try {
        await this.deliver(assetId, channelId, outcome);
      } catch (error) {
        this.o.log.error('alert delivery failed', { assetId, channelId, error });
      }
    }
  }

  private async fetch(assetId: number): Promise<Outcome> {
    try {
      const answer = await this.o.connecteam.asset(assetId, { fresh: true, deadline: this.now() + 15_000 });
      // A stale answer means Connecteam failed: that is an outage, not the asset's state.
      if (answer.source === 'stale')
        return { outage: answer.staleBecause ?? new UnavailableError('no fresh answer') };
      return { snapshot: snapshotOf(answer.value) };
    } catch (error) {
      if (error instanceof AssetNotFoundError) return { snapshot: { status: 'not_found' } };
      if (error instanceof AccessDeniedError) return { snapshot: { status: 'denied' } };
      if (isConnecteamError(error)) {
        this.o.log.warn('watch check failed', { assetId, reason: error.kind });
        return { outage: error };
      }
      this.o.log.error('watch check failed', { assetId, error });
      return { outage: new UnavailableError('internal error') };
    }
  }

  private async deliver(assetId: number, channelId: string, outcome: Outcome): Promise<void> {
    const record = await this.o.subscriptions.getRaw(assetId, channelId);
    if (!record || record.parsed.paused) return;
    const sub = record.parsed;
    if (sub.retryAfter !== undefined && sub.retryAfter > this.now()) return;
    let message: M;
    let next: Subscription;
    if ('outage' in outcome) {
      if (sub.outage) return; // Told once when it started; the next notice is when it ends.
      message = this.o.render.outage(sub, outcome.outage);
      next = { ...sub, outage: { kind: outcome.outage.kind, since: this.now() } };
    } else {
      const change = diffSnapshots(sub.told, outcome.snapshot, sub.lastReadable);
      if (!change && !sub.outage) return;
      message = this.o.render.change(sub, change, sub.outage !== undefined, await this.names(change));
      const { outage: _ended, ...rest } = sub;
      next = {
        ...rest,
        told: outcome.snapshot,
        lastReadable: outcome.snapshot.status === 'ok' ? outcome.snapshot : sub.lastReadable,
      };
    }
    await this.o.pacer.wait(channelId);
    // Only the lease holder posts, with a freshly renewed lease that outlasts the post: no other
    // instance can take over (and post the same change) while this post is in flight.
    if (!(await this.stillHolding(true))) return;
    const result = await this.o.port.post(channelId, message);
    if (result.ok) {
      const { retryAfter: _done, ...advanced } = next;
      await this.advance(record.raw, advanced);
      return;
    }
    if ('permanent' in result) {
      // Advance and pause: this channel can't be told anything until someone watches again.
      this.o.log.warn('alerts to a channel paused', { assetId, channelId, reason: result.permanent });
      await this.advance(record.raw, { ...next, paused: { reason: result.permanent, at: this.now() } });
      await this.o.port.tell(sub.createdBy, this.o.render.paused(sub, result.permanent));
      return;
    }
    const until = this.now() + result.retryAfterMs;
    this.o.pacer.holdOff(channelId, until);
    await this.advance(record.raw, { ...sub, retryAfter: until });
    this.checkAgainAt(assetId, until);
  }

  /**
   * A delivery to retry: check the asset again once Slack allows, rather than a whole check
   * period later (the record did not advance, so the change is found again).
   */
  private checkAgainAt(assetId: number, at: number): void {
    const every = this.checkEveryMs(this.lastChecked.size);
    const last = this.lastChecked.get(assetId);
    if (last !== undefined) this.lastChecked.set(assetId, Math.min(last, at - every));
  }

  private async advance(previousRaw: string, next: Subscription): Promise<void> {
    if (!(await this.o.subscriptions.advance(previousRaw, next))) {
      this.o.log.info('subscription changed meanwhile; not advanced', {
        assetId: next.assetId,
        channelId: next.channelId,
      });
    }
  }

  private async names(change: Change | undefined): Promise<Names> {
    const access = change?.kind === 'access' ? change : change?.kind === 'back' ? change.access : undefined;
    if (!access) return { people: new Map(), groups: new Map() };
    const ids = [
      ...access.admins.added,
      ...access.admins.removed,
      ...access.assignees.added,
      ...access.assignees.removed,
    ];
    const [people, groups] = await Promise.all([
      this.o.connecteam.people(ids),
      access.groups.added.length + access.groups.removed.length > 0
        ? this.o.connecteam.groupNames()
        : Promise.resolve({ names: new Map<string, string>() }),
    ]);
    const named = new Map<number, string>();
    for (const [id, user] of people.byId) {
      if (user && fullName(user)) named.set(id, fullName(user));
    }
    return { people: named, groups: groups.names };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(10, ms));
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
