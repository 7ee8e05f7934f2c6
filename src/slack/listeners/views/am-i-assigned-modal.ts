import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { AmIAssigned } from '../../am-i-assigned.js';
import { ASSET_INPUT_ACTION, ASSET_INPUT_BLOCK } from '../../blocks/assignment-reply.js';
import { readAssetId } from '../../command-text.js';
import { postToResponseUrl } from '../../response-url.js';

export function amIAssignedModal(service: AmIAssigned) {
  return async ({
    ack,
    body,
    view,
    logger,
  }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const value = view.state.values[ASSET_INPUT_BLOCK]?.[ASSET_INPUT_ACTION]?.value ?? '';
    const id = readAssetId(value.trim());
    if (!id.ok) {
      await ack({
        response_action: 'errors',
        errors: {
          [ASSET_INPUT_BLOCK]: `Can't use that: ${id.problem}. Type the asset's number, like 12345.`,
        },
      });
      return;
    }
    const context = service.parseContext(view.private_metadata);
    if (!context) {
      await ack({
        response_action: 'errors',
        errors: { [ASSET_INPUT_BLOCK]: 'This form has expired; run the shortcut again.' },
      });
      return;
    }
    await ack();
    const requester = {
      userId: body.user.id,
      teamId: body.user.team_id ?? body.team?.id,
      enterpriseId: body.enterprise?.id,
    };
    const who = { requester, channelId: context.channelId, via: 'modal' } as const;
    await service.answer(who, [id.assetId], async (message) => {
      await postToResponseUrl(context.responseUrl, message);
    });
    logger.debug('answered a modal submission');
  };
}
