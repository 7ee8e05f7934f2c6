import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, sendJson, sleep } from './http-util.js';

export interface FakeAsset {
  permissions: Array<{ userId: number; deepPermission?: Record<string, boolean> }>;
  assignments: { userIds: number[]; smartGroups: string[] };
}

export interface FakeUser {
  userId: number;
  firstName: string | null;
  lastName: string | null;
  email?: string | null;
  isArchived?: boolean;
  smartGroupsIds?: number[];
  userType?: string;
}

export interface FakeGroup {
  id: number | string;
  name: string;
}

export interface ScriptedReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
  /** Close the connection without answering. */
  drop?: boolean;
}

export interface Call {
  method: string;
  path: string;
  query: URLSearchParams;
  apiKey: string | undefined;
  at: number;
}

export const SEED_ASSET_ID = 12345;

/** The seed page's example, plus a few people and groups the tests need. */
export function seedData() {
  const assets = new Map<number, FakeAsset>([
    [
      12345,
      {
        permissions: [{ userId: 9170357 }, { userId: 9170358 }],
        assignments: { userIds: [9170359, 9170360, 9170361], smartGroups: ['sg-marketing', 'sg-sales'] },
      },
    ],
    [
      12346,
      {
        permissions: [{ userId: 9170357, deepPermission: { view: true } }],
        assignments: { userIds: [], smartGroups: ['501', 'sg-unknown'] },
      },
    ],
  ]);
  const users = new Map<number, FakeUser>(
    (
      [
        [9170357, 'Ada', 'Lovelace', 'ada@example.com', false, []],
        [9170358, 'Grace', 'Hopper', 'grace@example.com', false, []],
        [9170359, 'Alan', 'Turing', 'alan@example.com', false, [501]],
        [9170360, 'Katherine', 'Johnson', 'katherine@example.com', true, []],
        [9170361, 'Edsger', 'Dijkstra', 'edsger@example.com', false, [502]],
      ] as const
    ).map(([userId, firstName, lastName, email, isArchived, groups]) => [
      userId,
      { userId, firstName, lastName, email, isArchived, smartGroupsIds: [...groups], userType: 'user' },
    ]),
  );
  const groups: FakeGroup[] = [
    { id: 'sg-marketing', name: 'Marketing' },
    { id: 'sg-sales', name: 'Sales' },
    { id: 501, name: 'Night shift' },
    { id: 502, name: 'Warehouse' },
  ];
  return { assets, users, groups };
}

/**
 * A local Connecteam that speaks the documented wire format: X-API-KEY auth, the asset, users
 * and smart-group calls, x-ratelimit-* headers, and scripted faults.
 */
export class FakeConnecteam {
  readonly calls: Call[] = [];
  assets: Map<number, FakeAsset | ScriptedReply>;
  users: Map<number, FakeUser>;
  groups: FakeGroup[];
  apiKey = 'ct-test-key';
  latencyMs = 0;
  /** Replies used (and removed) before normal handling, by path prefix. */
  readonly scripted: Array<{ path: string; reply: ScriptedReply; times: number }> = [];
  /** Expert plan by default; `remaining` goes down with every request. */
  quota = { minuteLimit: 100, dayLimit: 10_000, minuteUsed: 0, dayUsed: 0, windowStart: Date.now() };
  url = '';
  private closer: (() => Promise<void>) | undefined;

  constructor() {
    const seed = seedData();
    this.assets = seed.assets;
    this.users = seed.users;
    this.groups = seed.groups;
  }

  async start(): Promise<this> {
    const server = await listen((req, res) => this.handle(req, res));
    this.url = server.url;
    this.closer = server.close;
    return this;
  }

  async stop(): Promise<void> {
    await this.closer?.();
  }

  /** The next `times` requests whose path starts with `path` get `reply`. */
  script(path: string, reply: ScriptedReply, times = 1): void {
    this.scripted.push({ path, reply, times });
  }

  callsTo(prefix: string): Call[] {
    return this.calls.filter((call) => call.path.startsWith(prefix));
  }

  private rateHeaders(): Record<string, string> {
    const now = Date.now();
    if (now - this.quota.windowStart >= 60_000) {
      this.quota.windowStart = now;
      this.quota.minuteUsed = 0;
    }
    this.quota.minuteUsed += 1;
    this.quota.dayUsed += 1;
    return {
      'x-ratelimit-minute-limit': String(this.quota.minuteLimit),
      'x-ratelimit-minute-remaining': String(Math.max(0, this.quota.minuteLimit - this.quota.minuteUsed)),
      'x-ratelimit-minute-reset': String(Math.ceil((this.quota.windowStart + 60_000) / 1000)),
      'x-ratelimit-day-limit': String(this.quota.dayLimit),
      'x-ratelimit-day-remaining': String(Math.max(0, this.quota.dayLimit - this.quota.dayUsed)),
      'x-ratelimit-day-reset': String(Math.ceil(now / 86_400_000 + 1) * 86_400),
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const apiKey = req.headers['x-api-key'] as string | undefined;
    this.calls.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      apiKey,
      at: Date.now(),
    });
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    const headers = this.rateHeaders();
    const script = this.scripted.find((s) => url.pathname.startsWith(s.path) && s.times > 0);
    if (script) {
      script.times -= 1;
      return this.reply(res, script.reply, headers);
    }
    if (apiKey !== this.apiKey) return sendJson(res, 401, { detail: 'Unauthorized' }, headers);
    const asset = url.pathname.match(/^\/assets\/v1\/asset\/([^/]+)$/);
    if (asset) {
      if (!/^\d+$/.test(asset[1] ?? '')) {
        return sendJson(
          res,
          422,
          {
            detail: [
              { loc: ['path', 'assetId'], msg: 'value is not a valid integer', type: 'type_error.integer' },
            ],
          },
          headers,
        );
      }
      const found = this.assets.get(Number(asset[1]));
      if (!found) return sendJson(res, 404, { detail: 'Asset not found' }, headers);
      if ('status' in found) return this.reply(res, found, headers);
      return sendJson(res, 200, { requestId: `req-${this.calls.length}`, data: found }, headers);
    }
    if (url.pathname === '/users/v1/users') return this.listUsers(url.searchParams, res, headers);
    if (url.pathname === '/users/v1/smart-groups') {
      return sendJson(
        res,
        200,
        { requestId: 'g', data: { groups: this.groups.map((g) => ({ ...g, numberOfUsers: 0 })) } },
        headers,
      );
    }
    if (url.pathname === '/me')
      return sendJson(res, 200, { data: { companyName: 'Acme', companyId: 'c1' } }, headers);
    sendJson(res, 404, { detail: 'Not Found' }, headers);
  }

  private listUsers(query: URLSearchParams, res: ServerResponse, headers: Record<string, string>): void {
    const limit = Math.min(500, Number(query.get('limit') ?? 10));
    const offset = Number(query.get('offset') ?? 0);
    const status = query.get('userStatus') ?? 'active';
    const ids = query.getAll('userIds').map(Number);
    const emails = query.getAll('emailAddresses').map((e) => e.toLowerCase());
    let users = [...this.users.values()];
    if (ids.length > 0) users = users.filter((u) => ids.includes(u.userId));
    if (emails.length > 0) users = users.filter((u) => u.email && emails.includes(u.email.toLowerCase()));
    if (status === 'active') users = users.filter((u) => !u.isArchived);
    if (status === 'archived') users = users.filter((u) => u.isArchived);
    const page = users.slice(offset, offset + limit);
    sendJson(res, 200, { requestId: 'u', data: { users: page }, paging: { offset } }, headers);
  }

  private reply(res: ServerResponse, reply: ScriptedReply, headers: Record<string, string>): void {
    const send = () => {
      if (reply.drop) {
        res.socket?.destroy();
        return;
      }
      sendJson(res, reply.status, reply.body ?? {}, { ...headers, ...reply.headers });
    };
    if (reply.delayMs) setTimeout(send, reply.delayMs);
    else send();
  }
}
