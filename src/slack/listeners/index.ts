import type { App } from '@slack/bolt';
import type { AmIAssigned } from '../am-i-assigned.js';
import type { AuditCommand } from '../audit-command.js';
import { AM_I_ASSIGNED_MODAL } from '../blocks/assignment-reply.js';
import { WATCH_BUTTON } from '../blocks/watch-replies.js';
import type { WatchCommands } from '../watch-commands.js';
import { watchButtonAction } from './actions/watch-button.js';
import { assetAuditCommand } from './commands/asset-audit.js';
import { AM_I_ASSIGNED, amIAssignedShortcut } from './shortcuts/am-i-assigned.js';
import { amIAssignedModal } from './views/am-i-assigned-modal.js';

export interface ListenerDeps {
  auditCommand: AuditCommand;
  amIAssigned: AmIAssigned;
  watch: WatchCommands;
}

export function registerListeners(app: App, deps: ListenerDeps): void {
  app.command('/asset-audit', assetAuditCommand(deps.auditCommand));
  app.shortcut({ callback_id: AM_I_ASSIGNED, type: 'message_action' }, amIAssignedShortcut(deps.amIAssigned));
  app.view({ callback_id: AM_I_ASSIGNED_MODAL, type: 'view_submission' }, amIAssignedModal(deps.amIAssigned));
  app.action({ action_id: WATCH_BUTTON, type: 'block_actions' }, watchButtonAction(deps.watch));
}
