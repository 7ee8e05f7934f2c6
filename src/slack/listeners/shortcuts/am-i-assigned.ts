import type { AllMiddlewareArgs, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { AmIAssigned } from '../../am-i-assigned.js';

export const AM_I_ASSIGNED = 'am_i_assigned';

const text = z.string().nullish().catch(undefined);
const payloadSchema = z.object({
  trigger_id: z.string(),
  response_url: z.string(),
  user: z.object({ id: z.string(), team_id: z.string().optional() }),
  team: z.object({ id: z.string() }).nullish(),
  enterprise: z.object({ id: z.string() }).nullish(),
  channel: z.object({ id: z.string() }).nullish(),
  message: z
    .object({
      text,
      blocks: z.array(z.unknown()).nullish().catch(undefined),
      attachments: z
        .array(
          z.object({
            text,
            fallback: text,
            pretext: text,
            title: text,
            fields: z
              .array(z.object({ title: text, value: text }))
              .nullish()
              .catch(undefined),
          }),
        )
        .nullish()
        .catch(undefined),
    })
    .catch({}),
});

export function amIAssignedShortcut(service: AmIAssigned) {
  return async ({
    shortcut,
    ack,
    respond,
    client,
    logger,
  }: SlackShortcutMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    const parsed = payloadSchema.safeParse(shortcut);
    if (!parsed.success) {
      logger.warn('message shortcut payload did not match the expected shape');
      return;
    }
    const { trigger_id, response_url, user, channel, message, team, enterprise } = parsed.data;
    const requester = { userId: user.id, teamId: user.team_id ?? team?.id, enterpriseId: enterprise?.id };
    await service.fromMessage(
      {
        who: { requester, channelId: channel?.id, via: 'shortcut' },
        message,
        context: { responseUrl: response_url, ...(channel ? { channelId: channel.id } : {}) },
      },
      async (reply) => {
        await respond({ response_type: 'ephemeral', ...reply });
      },
      async (view) => {
        await client.views.open({ trigger_id, view });
      },
    );
  };
}
