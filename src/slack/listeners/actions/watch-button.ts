import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { checkAssetId } from '../../../audit/asset-id.js';
import type { WatchCommands } from '../../watch-commands.js';

const bodySchema = z.object({
  user: z.object({ id: z.string(), team_id: z.string().optional() }),
  team: z.object({ id: z.string() }).nullish(),
  enterprise: z.object({ id: z.string() }).nullish(),
  channel: z.object({ id: z.string() }),
  actions: z.array(z.object({ value: z.string() })).min(1),
});

/** "Watch for changes" under an audit: the same as `watch <id>` in that channel. */
export function watchButtonAction(watch: WatchCommands) {
  return async ({
    ack,
    body,
    respond,
    logger,
  }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await ack();
    const parsed = bodySchema.safeParse(body);
    const id = parsed.success ? checkAssetId(parsed.data.actions[0]?.value ?? '') : undefined;
    if (!parsed.success || !id?.ok) {
      logger.warn('watch button payload did not match the expected shape');
      return;
    }
    const { user, team, enterprise, channel } = parsed.data;
    const requester = { userId: user.id, teamId: user.team_id ?? team?.id, enterpriseId: enterprise?.id };
    await watch.watch(
      { requester, channelId: channel.id, via: 'button' },
      [id.assetId],
      async (message) => {
        await respond({ response_type: 'ephemeral', replace_original: false, ...message });
      },
      async (message) => {
        await respond({ response_type: 'in_channel', replace_original: false, ...message });
      },
    );
  };
}
