import type { App } from '@slack/bolt';
import type { AuditCommand } from '../audit-command.js';
import { assetAuditCommand } from './commands/asset-audit.js';

export interface ListenerDeps {
  auditCommand: AuditCommand;
}

export function registerListeners(app: App, deps: ListenerDeps): void {
  app.command('/asset-audit', assetAuditCommand(deps.auditCommand));
}
