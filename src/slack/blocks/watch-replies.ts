import type { KnownBlock } from '@slack/types';
import type { Subscription } from '../../alerts/subscriptions.js';
import type { ChannelProblem } from '../channel-access.js';
import { textMessage } from './error-replies.js';
import { durationText, type Message, plural, slackDate } from './mrkdwn.js';

export const WATCH_BUTTON = 'watch_asset';

/** The "Watch for changes" button under an audit. */
export function watchButton(assetId: number): KnownBlock {
  return {
    type: 'actions',
    elements: [
      {
        type: 'button',
        action_id: WATCH_BUTTON,
        value: String(assetId),
        text: { type: 'plain_text', text: 'Watch for changes' },
      },
    ],
  };
}

const ids = (assetIds: number[]) =>
  assetIds.length === 1 ? `asset ${assetIds[0]}` : `assets ${assetIds.join(', ')}`;

export function watchAnnouncement(
  actor: string,
  assetIds: number[],
  everyMs: number,
  watched: number,
): Message {
  return textMessage(
    `:eyes: <@${actor}> set this channel to watch ${ids(assetIds)}. I'll post here when admins, assigned people or smart groups change, or if an asset disappears or can't be read. Each watched asset is checked about every ${durationText(everyMs)} (${plural(watched, 'asset')} watched in all).`,
  );
}

export function unwatchAnnouncement(actor: string, assetIds: number[]): Message {
  return textMessage(`:see_no_evil: <@${actor}> stopped this channel watching ${ids(assetIds)}.`);
}

export function watchNotes(
  already: number[],
  notWatching: number[],
  failures: string[],
): Message | undefined {
  const lines = [
    ...(already.length > 0 ? [`This channel is already watching ${ids(already)}.`] : []),
    ...(notWatching.length > 0 ? [`This channel wasn't watching ${ids(notWatching)}.`] : []),
    ...failures,
  ];
  return lines.length > 0 ? textMessage(lines.join('\n')) : undefined;
}

export function channelProblemReply(problem: ChannelProblem): Message {
  switch (problem) {
    case 'private_not_member':
    case 'not_visible':
      return textMessage(
        ":lock: I can't post in this channel. If it is private, invite the app first (`/invite @asset-audit`), then run the watch again.",
      );
    case 'direct_message':
      return textMessage(
        ':speech_balloon: Alerts go to channels, not direct messages: run the watch in the channel that should be told.',
      );
    case 'archived':
      return textMessage(':file_cabinet: This channel is archived, so it cannot receive alerts.');
  }
}

export interface WatchingRow {
  subscription: Subscription;
  lastChecked: number | undefined;
}

/** `/asset-audit watching`: this channel's watches, how often they are checked, and their health. */
export function watchingReply(rows: WatchingRow[], everyMs: number, now: number): Message {
  if (rows.length === 0)
    return textMessage('This channel is not watching any asset. Start with `/asset-audit watch 12345`.');
  const lines = rows.slice(0, 60).map(({ subscription: s, lastChecked }) => {
    const checked = lastChecked
      ? `last checked ${slackDate(lastChecked)} (${durationText(now - lastChecked)} ago)`
      : 'not checked yet';
    const health = s.paused
      ? `:pause_button: paused (${s.paused.reason})`
      : s.outage
        ? `:warning: checks failing since ${slackDate(s.outage.since)} (${s.outage.kind})`
        : ':white_check_mark: healthy';
    return `• *Asset ${s.assetId}*: ${health}; ${checked}; watched by <@${s.createdBy}>`;
  });
  if (rows.length > 60) lines.push(`…and ${rows.length - 60} more`);
  return textMessage(
    `*This channel watches ${plural(rows.length, 'asset')}*, each checked about every ${durationText(everyMs)}:\n${lines.join('\n')}`,
  );
}
