import type { Message } from './blocks/mrkdwn.js';

/** POSTs an ephemeral message to a response_url (for when Bolt's respond() is not at hand). */
export async function postToResponseUrl(url: string, message: Message): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ response_type: 'ephemeral', ...message }),
    signal: AbortSignal.timeout(5_000),
  });
  if (!response.ok) throw new Error(`response_url answered HTTP ${response.status}`);
}
