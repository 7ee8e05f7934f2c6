import type { MessageLike } from '../../src/audit/extract-asset-ids.js';

/** A message_action payload as Slack sends it for a message shortcut. */
export function messageShortcut(options: {
  userId: string;
  responseUrl: string;
  message: MessageLike & Record<string, unknown>;
  channelId?: string;
  triggerId?: string;
}) {
  return {
    type: 'message_action',
    callback_id: 'am_i_assigned',
    trigger_id: options.triggerId ?? `trigger-${Math.random().toString(36).slice(2)}`,
    response_url: options.responseUrl,
    action_ts: '1700000000.000200',
    message_ts: '1700000000.000100',
    team: { id: 'T0ACME', domain: 'acme' },
    user: { id: options.userId, name: options.userId.toLowerCase(), team_id: 'T0ACME' },
    channel: { id: options.channelId ?? 'C0GENERAL', name: 'general' },
    token: 'legacy',
    message: { type: 'message', ts: '1700000000.000100', ...options.message },
  };
}

/** A view_submission payload for a modal with one plain_text_input. */
export function viewSubmission(options: {
  userId: string;
  callbackId: string;
  privateMetadata: string;
  blockId: string;
  actionId: string;
  value: string;
}) {
  return {
    type: 'view_submission',
    team: { id: 'T0ACME', domain: 'acme' },
    user: { id: options.userId, name: options.userId.toLowerCase(), team_id: 'T0ACME' },
    api_app_id: 'A0APP',
    token: 'legacy',
    trigger_id: 'trigger-view',
    view: {
      id: 'V0MODAL',
      type: 'modal',
      callback_id: options.callbackId,
      private_metadata: options.privateMetadata,
      team_id: 'T0ACME',
      state: {
        values: {
          [options.blockId]: { [options.actionId]: { type: 'plain_text_input', value: options.value } },
        },
      },
      hash: '1.abc',
    },
    response_urls: [],
  };
}
