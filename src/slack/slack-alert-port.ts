import type { webApi } from '@slack/bolt';
import type { AlertPort, PostResult } from '../alerts/alert-port.js';
import type { Message } from './blocks/mrkdwn.js';
import { slackErrorCode } from './slack-people.js';

/** Errors after which posting to that channel can't work until someone acts. */
const PERMANENT = new Set([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'restricted_action',
  'restricted_action_read_only_channel',
  'ekm_access_denied',
  'team_access_not_granted',
  'cannot_dm_bot',
  'user_disabled',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'missing_scope',
  // Our own mistakes in a message: retrying the same message can't help.
  'msg_blocks_too_long',
  'invalid_blocks',
  'too_many_attachments',
]);

/**
 * chat.postMessage for alerts, with Slack's errors sorted into "for good" and "try later". The
 * client must not retry by itself (a post has to end well within the watcher's lease); the watcher
 * retries on its own schedule.
 */
export class SlackAlertPort implements AlertPort<Message> {
  constructor(private readonly client: webApi.WebClient) {}

  async post(channel: string, message: Message): Promise<PostResult> {
    try {
      await this.client.chat.postMessage({
        channel,
        text: message.text,
        blocks: message.blocks,
        unfurl_links: false,
        unfurl_media: false,
      });
      return { ok: true };
    } catch (error) {
      const retryAfter = (error as { retryAfter?: number }).retryAfter;
      if (typeof retryAfter === 'number') return { ok: false, retryAfterMs: Math.max(1, retryAfter) * 1000 };
      const code = slackErrorCode(error);
      if (code && PERMANENT.has(code)) return { ok: false, permanent: code };
      // 5xx, time-outs, unknown errors: try again with the next check.
      return { ok: false, retryAfterMs: 30_000 };
    }
  }

  tell(userId: string, message: Message): Promise<PostResult> {
    // Posting to a user id writes in the app's DM with them.
    return this.post(userId, message);
  }
}
