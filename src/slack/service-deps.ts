import type { AccessGate } from '../access/gate.js';
import type { Refusal } from '../access/policy.js';
import type { Log } from '../log.js';
import type { Message } from './blocks/mrkdwn.js';

/** What every Slack-side service needs: the door, the words for a refusal, a log and a clock. */
export interface ServiceDeps {
  gate: AccessGate;
  refusalReply: (refusal: Refusal) => Message;
  log: Log;
  now: () => number;
}

/** Services that may wait on Connecteam and answer later. */
export interface AnsweringDeps extends ServiceDeps {
  /** How long to wait before saying the answer is on its way. */
  patienceMs?: number;
  /** How long Connecteam may take in all before we answer that it did not. */
  answerWithinMs?: number;
}
