import type { webApi } from '@slack/bolt';
import { slackErrorCode } from './slack-people.js';

export type ChannelProblem = 'not_visible' | 'private_not_member' | 'direct_message' | 'archived';

/**
 * Can the bot post alerts in this channel? Public channels it joins (or posts to with
 * chat:write.public); private channels need the app invited; DMs can't receive alerts.
 */
export async function ensureCanPost(
  client: webApi.WebClient,
  channelId: string,
): Promise<ChannelProblem | undefined> {
  let channel: {
    is_im?: boolean;
    is_mpim?: boolean;
    is_private?: boolean;
    is_member?: boolean;
    is_archived?: boolean;
  };
  try {
    const answer = await client.conversations.info({ channel: channelId });
    channel = answer.channel ?? {};
  } catch (error) {
    if (
      ['channel_not_found', 'not_in_channel', 'method_not_supported_for_channel_type'].includes(
        slackErrorCode(error) ?? '',
      )
    ) {
      return channelId.startsWith('D') ? 'direct_message' : 'not_visible';
    }
    throw error;
  }
  if (channel.is_im || channel.is_mpim) return 'direct_message';
  if (channel.is_archived) return 'archived';
  if (channel.is_member) return undefined;
  if (channel.is_private) return 'private_not_member';
  try {
    await client.conversations.join({ channel: channelId });
  } catch {
    // chat:write.public still lets the app post in a public channel it could not join.
  }
  return undefined;
}
