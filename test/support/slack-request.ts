import { createHmac } from 'node:crypto';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';

export function sign(body: string, secret = SIGNING_SECRET, timestamp = Math.floor(Date.now() / 1000)) {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature };
}

export interface CommandFields {
  text: string;
  user_id?: string;
  channel_id?: string;
  team_id?: string;
  response_url: string;
  trigger_id?: string;
}

export function commandBody(fields: CommandFields): string {
  return new URLSearchParams({
    token: 'legacy',
    team_id: fields.team_id ?? 'T0ACME',
    team_domain: 'acme',
    channel_id: fields.channel_id ?? 'C0GENERAL',
    channel_name: 'general',
    user_id: fields.user_id ?? 'U0ADA',
    user_name: 'ada',
    command: '/asset-audit',
    text: fields.text,
    api_app_id: 'A0APP',
    is_enterprise_install: 'false',
    response_url: fields.response_url,
    trigger_id: fields.trigger_id ?? '1.2.abc',
  }).toString();
}

export function payloadBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** POSTs a form body to the app the way Slack does, signed unless told otherwise. */
export async function postToApp(
  appUrl: string,
  body: string,
  headers: Record<string, string> = sign(body),
): Promise<{ status: number; text: string; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${appUrl}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
  const text = await response.text();
  return { status: response.status, text, ms: performance.now() - started };
}
