import type { Log } from '../log.js';
import type { Message } from './blocks/mrkdwn.js';

export type Reply = (message: Message) => Promise<void>;

/**
 * Sends the answer when it is ready; if it is not ready within `patienceMs`, first tells the
 * person it is on its way. `work` must settle (it carries its own deadline) and not reject.
 */
export async function respondPatiently(
  work: Promise<Message>,
  reply: Reply,
  options: { patienceMs: number; stillWorking: Message; log: Log },
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<'slow'>((resolve) => {
    timer = setTimeout(() => resolve('slow'), options.patienceMs);
  });
  const first = await Promise.race([work, slow]);
  clearTimeout(timer);
  if (first === 'slow') await send(reply, options.stillWorking, options.log);
  await send(reply, await work, options.log);
}

/** Two tries: a response_url can hiccup, and it is the only way back to the person. */
async function send(reply: Reply, message: Message, log: Log): Promise<void> {
  for (let attempt = 1; attempt <= 2; attempt += 1) {
    try {
      await reply(message);
      return;
    } catch (error) {
      if (attempt === 2) log.error('could not deliver a reply to Slack', { error });
      else await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
