import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { AuditCommand } from '../../audit-command.js';

export function assetAuditCommand(command: AuditCommand) {
  return async ({ command: body, ack, respond }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    await command.run(
      { text: body.text, userId: body.user_id, channelId: body.channel_id },
      async (message) => {
        await respond({ response_type: 'ephemeral', ...message });
      },
    );
  };
}
