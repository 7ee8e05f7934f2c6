import type { AssetAuditor } from '../audit/audit.js';
import type { Log } from '../log.js';
import type { AmIAssigned } from './am-i-assigned.js';
import { auditReply } from './blocks/audit-reply.js';
import { errorReply, invalidInputReply, stillWorkingReply, usageReply } from './blocks/error-replies.js';
import type { Message } from './blocks/mrkdwn.js';
import { parseCommand } from './command-text.js';
import { type Reply, respondPatiently } from './respond-patiently.js';

export interface AuditCommandDeps {
  auditor: AssetAuditor;
  amIAssigned: AmIAssigned;
  log: Log;
  now: () => number;
  /** How long to wait before saying the answer is on its way. */
  patienceMs?: number;
  /** How long Connecteam may take in all before we answer that it did not. */
  answerWithinMs?: number;
}

export interface CommandInput {
  text: string;
  userId: string;
  channelId: string;
}

/** `/asset-audit …` after the ack: parse, look up, answer privately. */
export class AuditCommand {
  constructor(private readonly deps: AuditCommandDeps) {}

  async run(input: CommandInput, reply: Reply): Promise<void> {
    const command = parseCommand(input.text);
    switch (command.kind) {
      case 'help':
        return reply(usageReply());
      case 'invalid':
        return reply(invalidInputReply(command.problem, command.input));
      case 'me':
        return this.deps.amIAssigned.answer(input.userId, [command.assetId], reply);
      case 'audit':
        return respondPatiently(this.audit(command.assetId), reply, {
          patienceMs: this.deps.patienceMs ?? 2_500,
          stillWorking: stillWorkingReply(command.assetId),
          log: this.deps.log,
        });
    }
  }

  private async audit(assetId: number): Promise<Message> {
    const { auditor, log, now } = this.deps;
    try {
      const audit = await auditor.audit(assetId, {
        deadline: now() + (this.deps.answerWithinMs ?? 20_000),
        mentionsWithinMs: 1_500,
      });
      return auditReply(audit, now());
    } catch (error) {
      log.info('audit failed', { assetId, error });
      return errorReply(error, assetId, now());
    }
  }
}
