import type { IncomingMessage, ServerResponse } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import { listen, readBody, sendJson, sleep, waitFor } from './http-util.js';

export interface SlackUser {
  id: string;
  team_id: string;
  name: string;
  deleted?: boolean;
  is_bot?: boolean;
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
  profile: { email?: string; real_name?: string; display_name?: string };
}

export interface ApiCall {
  method: string;
  params: Record<string, unknown>;
  token: string | undefined;
  at: number;
  /** Whether the fake answered ok. */
  ok?: boolean;
}

export interface ResponseUrlPost {
  path: string;
  body: {
    response_type?: string;
    text?: string;
    blocks?: Array<Record<string, unknown>>;
    replace_original?: boolean;
    [key: string]: unknown;
  };
  at: number;
}

export interface ScriptedApiReply {
  status?: number;
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
  delayMs?: number;
}

export const TEAM_ID = 'T0ACME';
export const BOT_TOKEN = 'xoxb-test-bot-token';
export const APP_TOKEN = 'xapp-test-app-token';

export function seedSlackUsers(): SlackUser[] {
  const user = (
    id: string,
    name: string,
    email: string | undefined,
    extra: Partial<SlackUser> = {},
  ): SlackUser => ({
    id,
    team_id: TEAM_ID,
    name,
    profile: { ...(email ? { email } : {}), real_name: name, display_name: name },
    ...extra,
  });
  return [
    user('U0ADA', 'ada', 'ada@example.com'),
    user('U0GRACE', 'grace', 'Grace@Example.COM'),
    user('U0ALAN', 'alan', 'alan@example.com'),
    user('U0KATE', 'katherine', 'katherine@example.com'),
    user('U0ALICE', 'alice', 'alice@example.com'),
    user('U0NOMAIL', 'nomail', undefined),
    user('U0GUEST', 'guest', 'guest@example.com', { is_restricted: true }),
    user('U0SINGLE', 'single', 'single@example.com', { is_restricted: true, is_ultra_restricted: true }),
    user('U0BOT', 'asset-audit', undefined, { is_bot: true }),
  ];
}

/**
 * A local Slack: the Web API methods the app calls (under /api/), a response_url sink
 * (under /response/), and a Socket Mode WebSocket endpoint.
 */
export class FakeSlack {
  readonly calls: ApiCall[] = [];
  readonly responses: ResponseUrlPost[] = [];
  users: SlackUser[] = seedSlackUsers();
  usergroups = new Map<string, string[]>();
  /** conversations.info answers; a channel not listed is a public channel the bot is in. */
  channels = new Map<
    string,
    { is_private?: boolean; is_member?: boolean; is_archived?: boolean; is_im?: boolean; missing?: boolean }
  >();
  /** chat.postMessage to these channels fails like this (`times` left; undefined = always). */
  postFailures = new Map<string, { error?: string; status?: number; retryAfter?: number; times?: number }>();
  /** Messages posted with chat.postMessage, by channel. */
  posted(channel: string): ApiCall[] {
    return this.callsTo('chat.postMessage').filter((c) => c.params.channel === channel && c.ok);
  }
  botToken = BOT_TOKEN;
  appToken = APP_TOKEN;
  url = '';
  private readonly scripted = new Map<string, ScriptedApiReply[]>();
  private closer: (() => Promise<void>) | undefined;
  private wss: WebSocketServer | undefined;
  private sockets: WebSocket[] = [];
  private acks = new Map<string, Record<string, unknown>>();
  private envelopeCount = 0;
  private responseCount = 0;

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  async start(): Promise<this> {
    const server = await listen((req, res) => this.handle(req, res));
    this.url = server.url;
    this.wss = new WebSocketServer({ noServer: true });
    server.server.on('upgrade', (req, socket, head) => {
      this.wss?.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
    this.closer = async () => {
      for (const ws of this.sockets) ws.terminate();
      this.wss?.close();
      await server.close();
    };
    return this;
  }

  async stop(): Promise<void> {
    await this.closer?.();
  }

  /** A fresh response_url for one request. */
  responseUrl(): string {
    this.responseCount += 1;
    return `${this.url}/response/${this.responseCount}`;
  }

  responsesTo(url: string): ResponseUrlPost[] {
    const path = new URL(url).pathname;
    return this.responses.filter((r) => r.path === path);
  }

  async waitForResponses(url: string, count = 1, timeoutMs = 5000): Promise<ResponseUrlPost[]> {
    return waitFor(
      () => {
        const got = this.responsesTo(url);
        return got.length >= count ? got : undefined;
      },
      timeoutMs,
      `${count} response(s) at ${url}`,
    );
  }

  callsTo(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** The next calls to `method` get these replies, in order. */
  script(method: string, ...replies: ScriptedApiReply[]): void {
    this.scripted.set(method, [...(this.scripted.get(method) ?? []), ...replies]);
  }

  // --- Socket Mode ---

  get socketConnected(): boolean {
    return this.sockets.some((ws) => ws.readyState === ws.OPEN);
  }

  /** Sends an envelope to the connected app and resolves with its ack. */
  async sendEnvelope(
    type: string,
    payload: Record<string, unknown>,
    timeoutMs = 3000,
  ): Promise<Record<string, unknown>> {
    const ws = await waitFor(
      () => this.sockets.find((s) => s.readyState === s.OPEN),
      timeoutMs,
      'a socket connection',
    );
    this.envelopeCount += 1;
    const envelopeId = `env-${this.envelopeCount}`;
    ws.send(
      JSON.stringify({
        envelope_id: envelopeId,
        type,
        payload,
        accepts_response_payload: true,
        retry_attempt: 0,
        retry_reason: '',
      }),
    );
    return waitFor(() => this.acks.get(envelopeId), timeoutMs, `ack of ${envelopeId}`);
  }

  private onSocket(ws: WebSocket): void {
    this.sockets.push(ws);
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { envelope_id?: string };
      if (message.envelope_id) this.acks.set(message.envelope_id, message as Record<string, unknown>);
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: 1,
        debug_info: { host: 'fake' },
        connection_info: { app_id: 'A0APP' },
      }),
    );
  }

  // --- HTTP ---

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = await readBody(req);
    if (url.pathname.startsWith('/response/')) {
      this.responses.push({ path: url.pathname, body: JSON.parse(raw), at: Date.now() });
      return sendJson(res, 200, 'ok');
    }
    const method = url.pathname.replace(/^\/api\//, '');
    const params = parseParams(raw, req.headers['content-type'], url.searchParams);
    const token =
      (req.headers.authorization ?? '').replace(/^Bearer /, '') || (params.token as string | undefined);
    const call: ApiCall = { method, params, token, at: Date.now() };
    this.calls.push(call);
    const script = this.scripted.get(method)?.shift();
    if (script) {
      if (script.delayMs) await sleep(script.delayMs);
      const body = script.body ?? { ok: true };
      call.ok = (script.status ?? 200) === 200 && body.ok === true;
      return sendJson(res, script.status ?? 200, body, script.headers);
    }
    if (method === 'apps.connections.open') {
      if (token !== this.appToken) return sendJson(res, 200, { ok: false, error: 'invalid_auth' });
      return sendJson(res, 200, { ok: true, url: `${this.url.replace('http', 'ws')}/socket` });
    }
    if (token !== this.botToken) return sendJson(res, 200, { ok: false, error: 'invalid_auth' });
    const failure = method === 'chat.postMessage' ? this.postFailures.get(String(params.channel)) : undefined;
    if (failure && (failure.times === undefined || failure.times > 0)) {
      if (failure.times !== undefined) failure.times -= 1;
      call.ok = false;
      if (failure.status === 429) {
        return sendJson(
          res,
          429,
          { ok: false, error: 'ratelimited' },
          { 'retry-after': String(failure.retryAfter ?? 1) },
        );
      }
      return sendJson(res, failure.status ?? 200, { ok: false, error: failure.error ?? 'internal_error' });
    }
    const answer = this.api(method, params);
    call.ok = answer.ok === true;
    sendJson(res, 200, answer);
  }

  private api(method: string, params: Record<string, unknown>): Record<string, unknown> {
    const findUser = (id: unknown) => this.users.find((u) => u.id === id);
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://acme.slack.com/',
          team: 'Acme',
          team_id: TEAM_ID,
          user: 'asset-audit',
          user_id: 'U0BOT',
          bot_id: 'B0BOT',
        };
      case 'users.info': {
        const user = findUser(params.user);
        return user ? { ok: true, user } : { ok: false, error: 'user_not_found' };
      }
      case 'users.lookupByEmail': {
        const email = String(params.email ?? '').toLowerCase();
        const user = this.users.find((u) => u.profile.email?.toLowerCase() === email && !u.deleted);
        return user ? { ok: true, user } : { ok: false, error: 'users_not_found' };
      }
      case 'users.list': {
        const limit = Math.max(1, Math.min(1000, Number(params.limit ?? 200)));
        const start = Number(params.cursor ? String(params.cursor).replace('c', '') : 0);
        const members = this.users.slice(start, start + limit);
        const next = start + limit < this.users.length ? `c${start + limit}` : '';
        return { ok: true, members, response_metadata: { next_cursor: next } };
      }
      case 'usergroups.users.list': {
        const users = this.usergroups.get(String(params.usergroup));
        return users ? { ok: true, users } : { ok: false, error: 'no_such_subteam' };
      }
      case 'chat.postMessage':
        return { ok: true, channel: params.channel, ts: `${Date.now() / 1000}` };
      case 'conversations.info': {
        const id = String(params.channel);
        const channel = this.channels.get(id) ?? {};
        if (channel.missing) return { ok: false, error: 'channel_not_found' };
        const im = channel.is_im ?? id.startsWith('D');
        return {
          ok: true,
          channel: {
            id,
            is_channel: !im && !channel.is_private,
            is_group: channel.is_private === true,
            is_im: im,
            is_private: channel.is_private === true,
            is_member: channel.is_member ?? true,
            is_archived: channel.is_archived === true,
          },
        };
      }
      case 'conversations.join': {
        const id = String(params.channel);
        const channel = this.channels.get(id) ?? {};
        if (channel.is_private) return { ok: false, error: 'method_not_supported_for_channel_type' };
        this.channels.set(id, { ...channel, is_member: true });
        return { ok: true, channel: { id } };
      }
      case 'views.open':
        return { ok: true, view: { id: `V${this.calls.length}` } };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

function parseParams(
  raw: string,
  contentType: string | undefined,
  query: URLSearchParams,
): Record<string, unknown> {
  const params: Record<string, unknown> = Object.fromEntries(query);
  if (!raw) return params;
  if (contentType?.includes('application/json'))
    return { ...params, ...(JSON.parse(raw) as Record<string, unknown>) };
  for (const [key, value] of new URLSearchParams(raw)) {
    params[key] = /^[[{]/.test(value) ? safeParse(value) : value;
  }
  return params;
}

function safeParse(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
