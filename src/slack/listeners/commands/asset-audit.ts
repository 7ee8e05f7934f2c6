import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { AuditCommand } from '../../audit-command.js';

const commandSchema = z.object({
  text: z.string().catch(''),
  user_id: z.string(),
  channel_id: z.string(),
  team_id: z.string().optional(),
  enterprise_id: z.string().optional(),
});

export function assetAuditCommand(command: AuditCommand) {
  return async ({ command: body, ack, respond, logger }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    const parsed = commandSchema.safeParse(body);
    if (!parsed.success) {
      logger.warn('slash command payload did not match the expected shape');
      return;
    }
    const { text, user_id, channel_id, team_id, enterprise_id } = parsed.data;
    const requester = { userId: user_id, teamId: team_id, enterpriseId: enterprise_id || undefined };
    await command.run(
      { text, requester, channelId: channel_id },
      async (message) => {
        await respond({ response_type: 'ephemeral', ...message });
      },
      async (message) => {
        await respond({ response_type: 'in_channel', ...message });
      },
    );
  };
}
