import { z } from 'zod';
import type { TrailEntry } from '../access/audit-trail.js';
import type { Requester } from '../access/policy.js';
import type { AssignmentChecker } from '../audit/assignment.js';
import { extractAssetIds, type MessageLike } from '../audit/extract-asset-ids.js';
import { askForAssetModal, assignmentReply } from './blocks/assignment-reply.js';
import { errorReply, textMessage } from './blocks/error-replies.js';
import type { Message } from './blocks/mrkdwn.js';
import { outcomeOf } from './outcome.js';
import { type Reply, respondPatiently } from './respond-patiently.js';
import type { AnsweringDeps } from './service-deps.js';

export const MAX_ASSETS_PER_CHECK = 5;

/** Who asks, where, and how (for the policy and the audit trail). */
export interface Asker {
  requester: Requester;
  channelId: string | undefined;
  via: 'command' | 'shortcut' | 'modal';
}

const metadataSchema = z.object({
  responseUrl: z.url({ protocol: /^https?$/ }),
  channelId: z.string().optional(),
});
export type ModalContext = z.infer<typeof metadataSchema>;

export interface AmIAssignedDeps extends AnsweringDeps {
  checker: AssignmentChecker;
}

/** "Am I assigned?" after the ack, for the shortcut, its modal and `/asset-audit me <id>`. */
export class AmIAssigned {
  constructor(private readonly deps: AmIAssignedDeps) {}

  /**
   * From a message: answer for the ids it names, or (when it names none) open the modal at once,
   * while the trigger id is still valid.
   */
  async fromMessage(
    input: { who: Asker; message: MessageLike; context: ModalContext },
    reply: Reply,
    openModal: (view: ReturnType<typeof askForAssetModal>) => Promise<void>,
  ): Promise<void> {
    const ids = extractAssetIds(input.message);
    if (ids.length === 0) {
      try {
        await openModal(askForAssetModal(JSON.stringify(input.context)));
      } catch (error) {
        this.deps.log.warn('could not open the asset modal', { error });
        await reply(
          textMessage(
            "That message doesn't name an asset (like `asset 12345` or `#12345`). Try `/asset-audit me 12345`.",
          ),
        );
      }
      return;
    }
    await this.answer(input.who, ids, reply);
  }

  async answer(who: Asker, assetIds: number[], reply: Reply): Promise<void> {
    const checked = assetIds.slice(0, MAX_ASSETS_PER_CHECK);
    const leftOut = assetIds.slice(MAX_ASSETS_PER_CHECK);
    const { gate } = this.deps;
    const trail: Omit<TrailEntry, 'outcome'> = {
      actor: who.requester.userId,
      action: 'self_check',
      assetIds: checked,
      channelId: who.channelId,
      via: who.via,
    };
    const refusal = await gate.admit(who.requester, 'self_check', checked, { trail });
    if (refusal) {
      await reply(this.deps.refusalReply(refusal));
      return;
    }
    const work = this.compute(who.requester.userId, checked, leftOut).then(({ message, outcome }) => {
      gate.record({ ...trail, outcome });
      return message;
    });
    await respondPatiently(work, reply, {
      patienceMs: this.deps.patienceMs ?? 2_500,
      stillWorking: textMessage(
        `:hourglass_flowing_sand: Checking ${checked.length > 1 ? 'those assets' : `asset ${checked[0]}`} in Connecteam; the answer will appear here shortly.`,
      ),
      log: this.deps.log,
    });
  }

  /** private_metadata comes back from Slack in a signed request, but is still checked. */
  parseContext(privateMetadata: string): ModalContext | undefined {
    try {
      const parsed = metadataSchema.safeParse(JSON.parse(privateMetadata));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  private async compute(
    userId: string,
    assetIds: number[],
    leftOut: number[],
  ): Promise<{ message: Message; outcome: string }> {
    const { checker, now, log } = this.deps;
    try {
      const report = await checker.check(userId, assetIds, now() + (this.deps.answerWithinMs ?? 20_000));
      const outcome = report.identity.kind === 'linked' ? 'answered' : `unlinked:${report.identity.kind}`;
      return { message: assignmentReply(report, now(), leftOut), outcome };
    } catch (error) {
      log.info('assignment check failed', { error });
      return {
        message: errorReply(error, assetIds.length === 1 ? assetIds[0] : undefined, now()),
        outcome: outcomeOf(error),
      };
    }
  }
}
