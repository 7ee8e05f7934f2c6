import { z } from 'zod';
import type { AssignmentChecker } from '../audit/assignment.js';
import { extractAssetIds, type MessageLike } from '../audit/extract-asset-ids.js';
import type { Log } from '../log.js';
import { askForAssetModal, assignmentReply } from './blocks/assignment-reply.js';
import { errorReply, textMessage } from './blocks/error-replies.js';
import type { Message } from './blocks/mrkdwn.js';
import { type Reply, respondPatiently } from './respond-patiently.js';

export const MAX_ASSETS_PER_CHECK = 5;

const metadataSchema = z.object({
  responseUrl: z.url({ protocol: /^https?$/ }),
  channelId: z.string().optional(),
});
export type ModalContext = z.infer<typeof metadataSchema>;

export interface AmIAssignedDeps {
  checker: AssignmentChecker;
  log: Log;
  now: () => number;
  patienceMs?: number;
  answerWithinMs?: number;
}

/** "Am I assigned?" after the ack, for the shortcut, its modal and `/asset-audit me <id>`. */
export class AmIAssigned {
  constructor(private readonly deps: AmIAssignedDeps) {}

  /**
   * From a message: answer for the ids it names, or (when it names none) open the modal at once,
   * while the trigger id is still valid.
   */
  async fromMessage(
    input: { userId: string; message: MessageLike; context: ModalContext },
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
    await this.answer(input.userId, ids, reply);
  }

  async answer(userId: string, assetIds: number[], reply: Reply): Promise<void> {
    const checked = assetIds.slice(0, MAX_ASSETS_PER_CHECK);
    const leftOut = assetIds.slice(MAX_ASSETS_PER_CHECK);
    await respondPatiently(this.compute(userId, checked, leftOut), reply, {
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

  private async compute(userId: string, assetIds: number[], leftOut: number[]): Promise<Message> {
    const { checker, now, log } = this.deps;
    try {
      const report = await checker.check(userId, assetIds, now() + (this.deps.answerWithinMs ?? 20_000));
      return assignmentReply(report, now(), leftOut);
    } catch (error) {
      log.info('assignment check failed', { error });
      return errorReply(error, assetIds.length === 1 ? assetIds[0] : undefined, now());
    }
  }
}
