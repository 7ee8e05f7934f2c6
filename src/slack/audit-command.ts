import type { TrailEntry } from '../access/audit-trail.js';
import type { Requester } from '../access/policy.js';
import type { AssetAuditor } from '../audit/audit.js';
import type { AmIAssigned } from './am-i-assigned.js';
import { auditReply } from './blocks/audit-reply.js';
import { errorReply, invalidInputReply, stillWorkingReply, usageReply } from './blocks/error-replies.js';
import type { Message } from './blocks/mrkdwn.js';
import { watchButton } from './blocks/watch-replies.js';
import { parseCommand } from './command-text.js';
import { outcomeOf } from './outcome.js';
import { type Reply, respondPatiently } from './respond-patiently.js';
import type { AnsweringDeps } from './service-deps.js';
import type { WatchCommands } from './watch-commands.js';
import { parseWatchCommand, type WatchCommand } from './watch-text.js';

export interface AuditCommandDeps extends AnsweringDeps {
  auditor: AssetAuditor;
  watch: WatchCommands;
  amIAssigned: AmIAssigned;
}

export interface CommandInput {
  text: string;
  requester: Requester;
  channelId: string;
}

/** `/asset-audit …` after the ack: parse, ask the gate, look up, answer privately. */
export class AuditCommand {
  constructor(private readonly deps: AuditCommandDeps) {}

  /** `reply` answers privately; `announce` tells the whole channel (subscription changes). */
  async run(input: CommandInput, reply: Reply, announce: Reply): Promise<void> {
    const watch = parseWatchCommand(input.text);
    if (watch) return this.runWatch(input, watch, reply, announce);
    const command = parseCommand(input.text);
    switch (command.kind) {
      case 'help':
        return reply(usageReply());
      case 'invalid':
        return reply(invalidInputReply(command.problem, command.input));
      case 'me':
        return this.deps.amIAssigned.answer(
          { requester: input.requester, channelId: input.channelId, via: 'command' },
          [command.assetId],
          reply,
        );
      case 'audit':
        return this.audit(input, command.assetId, reply);
    }
  }

  private runWatch(input: CommandInput, command: WatchCommand, reply: Reply, announce: Reply): Promise<void> {
    const who = { requester: input.requester, channelId: input.channelId, via: 'command' as const };
    switch (command.kind) {
      case 'invalid':
        return reply(invalidInputReply(command.problem, command.input));
      case 'watching':
        return this.deps.watch.watching(who, reply);
      case 'watch':
        return this.deps.watch.watch(who, command.assetIds, reply, announce);
      case 'unwatch':
        return this.deps.watch.unwatch(who, command.assetIds, reply, announce);
    }
  }

  private async audit(input: CommandInput, assetId: number, reply: Reply): Promise<void> {
    const { gate, log } = this.deps;
    const trail: Omit<TrailEntry, 'outcome'> = {
      actor: input.requester.userId,
      action: 'audit',
      assetIds: [assetId],
      channelId: input.channelId,
      via: 'command',
    };
    const refusal = await gate.admit(input.requester, 'audit', [assetId], { trail });
    if (refusal) {
      return reply(this.deps.refusalReply(refusal));
    }
    const work = this.answer(assetId).then(({ message, outcome }) => {
      gate.record({ ...trail, outcome });
      return message;
    });
    return respondPatiently(work, reply, {
      patienceMs: this.deps.patienceMs ?? 2_500,
      stillWorking: stillWorkingReply(assetId),
      log,
    });
  }

  private async answer(assetId: number): Promise<{ message: Message; outcome: string }> {
    const { auditor, log, now } = this.deps;
    try {
      const audit = await auditor.audit(assetId, {
        deadline: now() + (this.deps.answerWithinMs ?? 20_000),
        mentionsWithinMs: 1_500,
      });
      return {
        message: auditReply(audit, now(), [watchButton(assetId)]),
        outcome: audit.source === 'stale' ? 'answered:stale' : 'answered',
      };
    } catch (error) {
      log.info('audit failed', { assetId, error });
      return { message: errorReply(error, assetId, now()), outcome: outcomeOf(error) };
    }
  }
}
