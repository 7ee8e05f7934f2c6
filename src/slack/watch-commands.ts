import type { TrailEntry } from '../access/audit-trail.js';
import type { Requester } from '../access/policy.js';
import type { Subscriptions } from '../alerts/subscriptions.js';
import type { Watcher } from '../alerts/watcher.js';
import { errorReply } from './blocks/error-replies.js';
import type { Message } from './blocks/mrkdwn.js';
import {
  channelProblemReply,
  unwatchAnnouncement,
  watchAnnouncement,
  watchingReply,
  watchNotes,
} from './blocks/watch-replies.js';
import type { ChannelProblem } from './channel-access.js';
import type { Reply } from './respond-patiently.js';
import type { ServiceDeps } from './service-deps.js';

export interface WatchDeps extends ServiceDeps {
  subscriptions: Subscriptions;
  watcher: Watcher<Message>;
  canPost: (channelId: string) => Promise<ChannelProblem | undefined>;
}

export interface WatchAsker {
  requester: Requester;
  channelId: string;
  via: TrailEntry['via'];
}

/** `watch`, `unwatch` and `watching`: subscription changes announced in the channel, the rest private. */
export class WatchCommands {
  constructor(private readonly deps: WatchDeps) {}

  async watch(who: WatchAsker, assetIds: number[], reply: Reply, announce: Reply): Promise<void> {
    const { gate, subscriptions, watcher, now } = this.deps;
    const trail: Omit<TrailEntry, 'outcome'> = {
      actor: who.requester.userId,
      action: 'watch',
      assetIds,
      channelId: who.channelId,
      via: who.via,
    };
    // A first snapshot is always a fresh fetch, so each one counts against the person's limit.
    const refusal = await gate.admit(who.requester, 'watch', assetIds, { fresh: true, trail });
    if (refusal) {
      return reply(this.deps.refusalReply(refusal));
    }
    const problem = await this.deps.canPost(who.channelId);
    if (problem) {
      gate.record({ ...trail, outcome: `refused:channel_${problem}` });
      return reply(channelProblemReply(problem));
    }
    const added: number[] = [];
    const already: number[] = [];
    const failures: string[] = [];
    for (const assetId of assetIds) {
      const existing = await subscriptions.get(assetId, who.channelId);
      if (existing && !existing.paused) {
        already.push(assetId);
        continue;
      }
      try {
        // The first snapshot is taken now, so the first alert is a real change.
        const told = await watcher.firstSnapshot(assetId);
        const subscription = {
          assetId,
          channelId: who.channelId,
          createdBy: who.requester.userId,
          createdAt: now(),
          told,
          lastReadable: told,
        };
        if (await subscriptions.add(subscription)) added.push(assetId);
        else already.push(assetId);
      } catch (error) {
        failures.push(`Not watching asset ${assetId}: ${errorReply(error, assetId, now()).text}`);
      }
    }
    gate.record({
      ...trail,
      outcome: added.length > 0 ? 'watched' : failures.length > 0 ? 'failed' : 'already_watching',
    });
    if (added.length > 0) {
      const watched = (await subscriptions.watchedAssets()).length;
      await announce(watchAnnouncement(who.requester.userId, added, watcher.checkEveryMs(watched), watched));
    }
    const notes = watchNotes(already, [], failures);
    if (notes) await reply(notes);
  }

  async unwatch(who: WatchAsker, assetIds: number[], reply: Reply, announce: Reply): Promise<void> {
    const { gate, subscriptions } = this.deps;
    const trail: Omit<TrailEntry, 'outcome'> = {
      actor: who.requester.userId,
      action: 'unwatch',
      assetIds,
      channelId: who.channelId,
      via: who.via,
    };
    const refusal = await gate.admit(who.requester, 'unwatch', [], { trail });
    if (refusal) {
      return reply(this.deps.refusalReply(refusal));
    }
    const removed: number[] = [];
    const absent: number[] = [];
    for (const assetId of assetIds) {
      if (await subscriptions.remove(assetId, who.channelId)) removed.push(assetId);
      else absent.push(assetId);
    }
    gate.record({ ...trail, outcome: removed.length > 0 ? 'unwatched' : 'not_watching' });
    if (removed.length > 0) await announce(unwatchAnnouncement(who.requester.userId, removed));
    const notes = watchNotes([], absent, []);
    if (notes) await reply(notes);
  }

  async watching(who: WatchAsker, reply: Reply): Promise<void> {
    const { gate, subscriptions, watcher, now } = this.deps;
    const refusal = await gate.admit(who.requester, 'watch', []);
    if (refusal) return reply(this.deps.refusalReply(refusal));
    const rows = [];
    for (const assetId of await subscriptions.assetsOf(who.channelId)) {
      const subscription = await subscriptions.get(assetId, who.channelId);
      if (subscription) rows.push({ subscription, lastChecked: await subscriptions.lastChecked(assetId) });
    }
    const watched = (await subscriptions.watchedAssets()).length;
    await reply(watchingReply(rows, watcher.checkEveryMs(watched), now()));
  }
}
