import type { webApi } from '@slack/bolt';
import type Keyv from 'keyv';
import { z } from 'zod';
import { normalizeEmail, type SlackPeople, type SlackProfile } from '../audit/identity.js';
import type { Log } from '../log.js';
import { withTimeout } from '../store/with-timeout.js';

const STORE_TIMEOUT_MS = 1_000;

const userSchema = z.object({
  id: z.string(),
  team_id: z.string().optional(),
  deleted: z.boolean().optional(),
  is_bot: z.boolean().optional(),
  is_restricted: z.boolean().optional(),
  is_ultra_restricted: z.boolean().optional(),
  profile: z.object({ email: z.string().optional() }).partial().optional(),
});
type SlackUserRecord = z.infer<typeof userSchema>;

const listSchema = z.object({
  members: z.array(z.unknown()),
  response_metadata: z.object({ next_cursor: z.string().optional() }).partial().optional(),
});

export interface SlackPeopleOptions {
  log: Log;
  now?: () => number;
  profileTtlMs: number;
  /** How often the workspace directory is reloaded in the background. */
  directoryRefreshMs?: number;
  /** users.lookupByEmail is Tier 3 (about 50 a minute): stay under it. */
  lookupsPerMinute?: number;
}

interface Directory {
  at: number;
  /** [lower-cased email, Slack user id] */
  entries: Array<[string, string]>;
}

/**
 * Slack people over the Web API: users.info for a profile, and email -> Slack id through a cached
 * copy of the workspace directory (users.list, reloaded in the background) or, until that copy
 * exists, users.lookupByEmail within its rate tier. Every answer is cached in keyv.
 */
export class SlackPeopleDirectory implements SlackPeople {
  private directory: Map<string, string> | undefined;
  private directoryAt = 0;
  private loading: Promise<void> | undefined;
  private readonly lookups: number[] = [];
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: webApi.WebClient,
    private readonly cache: Keyv,
    private readonly options: SlackPeopleOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Loads the directory now (from the cache if recent) and keeps it fresh. */
  start(): void {
    void this.refresh();
    const every = this.options.directoryRefreshMs ?? 3_600_000;
    this.timer = setInterval(() => void this.refresh(), every);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async profile(slackUserId: string): Promise<SlackProfile | undefined> {
    const key = `slack-profile:${slackUserId}`;
    const cached = await this.cacheGet<SlackProfile | null>(key);
    if (cached !== undefined) return cached ?? undefined;
    let user: SlackUserRecord | undefined;
    try {
      const answer = await this.client.users.info({ user: slackUserId });
      user = userSchema.parse(answer.user);
    } catch (error) {
      if (slackErrorCode(error) !== 'user_not_found') throw error;
    }
    const profile = user ? toProfile(user) : null;
    await this.cacheSet(key, profile, profile ? this.options.profileTtlMs : 60_000);
    return profile ?? undefined;
  }

  /** Members of a Slack user group (for AUDITORS), cached for five minutes. */
  async usergroupMembers(groupId: string): Promise<string[]> {
    const key = `slack-usergroup:${groupId}`;
    const cached = await this.cacheGet<string[]>(key);
    if (cached) return cached;
    const answer = await this.client.usergroups.users.list({ usergroup: groupId });
    const members = z.array(z.string()).catch([]).parse(answer.users);
    await this.cacheSet(key, members, 300_000);
    return members;
  }

  async findByEmails(emails: string[], deadline: number): Promise<Map<string, string>> {
    const wanted = [...new Set(emails.map(normalizeEmail))];
    const found = new Map<string, string>();
    if (!this.directory) void this.refresh();
    const directory = this.directory;
    if (directory) {
      // A fresh copy of the whole workspace: whoever is not in it is not in Slack.
      for (const email of wanted) {
        const id = directory.get(email);
        if (id) found.set(email, id);
      }
      return found;
    }
    const cached = await withTimeout(
      this.cache.getMany<string | null>(wanted.map((email) => `slack-email:${email}`)),
      STORE_TIMEOUT_MS,
      'cache read',
    ).catch(() => wanted.map(() => undefined));
    const missing: string[] = [];
    wanted.forEach((email, i) => {
      const hit = cached[i];
      if (typeof hit === 'string') found.set(email, hit);
      else if (hit === undefined) missing.push(email);
    });
    await this.lookUpEach(missing, deadline, found);
    return found;
  }

  private async lookUpEach(emails: string[], deadline: number, found: Map<string, string>): Promise<void> {
    const queue = [...emails];
    const worker = async () => {
      for (let email = queue.shift(); email !== undefined; email = queue.shift()) {
        if (this.now() >= deadline || !this.takeLookup()) return;
        const id = await this.lookUpOne(email, deadline);
        if (id) found.set(email, id);
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
  }

  private async lookUpOne(email: string, deadline: number): Promise<string | undefined> {
    const call = this.client.users.lookupByEmail({ email }).then(
      (answer) => {
        const user = userSchema.safeParse(answer.user);
        return user.success && !user.data.deleted && !user.data.is_bot ? user.data.id : null;
      },
      (error: unknown) => {
        if (slackErrorCode(error) === 'users_not_found') return null;
        this.options.log.debug('users.lookupByEmail failed', {
          reason: slackErrorCode(error) ?? String(error),
        });
        return undefined;
      },
    );
    const late = new Promise<undefined>((resolve) => {
      setTimeout(() => resolve(undefined), Math.max(0, deadline - this.now())).unref();
    });
    // An answer that comes after the deadline is still cached for next time.
    void call.then((id) => {
      if (id !== undefined)
        void this.cacheSet(`slack-email:${email}`, id, id ? this.options.profileTtlMs : 3_600_000);
    });
    return (await Promise.race([call, late])) ?? undefined;
  }

  private takeLookup(): boolean {
    const now = this.now();
    while (this.lookups.length > 0 && (this.lookups[0] ?? 0) <= now - 60_000) this.lookups.shift();
    if (this.lookups.length >= (this.options.lookupsPerMinute ?? 40)) return false;
    this.lookups.push(now);
    return true;
  }

  /** Reloads the directory unless a load is running or the copy is recent. */
  private refresh(): Promise<void> {
    const every = this.options.directoryRefreshMs ?? 3_600_000;
    if (this.loading || (this.directory && this.now() - this.directoryAt < every / 2))
      return this.loading ?? Promise.resolve();
    this.loading = this.loadDirectory()
      .catch((error: unknown) =>
        this.options.log.warn('Slack directory load failed', {
          reason: slackErrorCode(error) ?? String(error),
        }),
      )
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  private async loadDirectory(): Promise<void> {
    const every = this.options.directoryRefreshMs ?? 3_600_000;
    const saved = await this.cacheGet<Directory>('slack-directory');
    if (saved && this.now() - saved.at < every) {
      this.use(saved);
      return;
    }
    const entries: Array<[string, string]> = [];
    let cursor: string | undefined;
    do {
      const page = listSchema.parse(
        await this.withRateLimitWait(() =>
          this.client.users.list({ limit: 200, ...(cursor ? { cursor } : {}) }),
        ),
      );
      for (const member of page.members) {
        const user = userSchema.safeParse(member);
        if (!user.success || user.data.deleted || user.data.is_bot || !user.data.profile?.email) continue;
        entries.push([normalizeEmail(user.data.profile.email), user.data.id]);
      }
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    const directory = { at: this.now(), entries };
    await this.cacheSet('slack-directory', directory, every * 2);
    this.use(directory);
    this.options.log.info('Slack directory loaded', { people: entries.length });
  }

  /** The cache is an optimisation: when it fails or hangs, we ask Slack instead. */
  private async cacheGet<T>(key: string): Promise<T | undefined> {
    try {
      return await withTimeout(this.cache.get<T>(key), STORE_TIMEOUT_MS, 'cache read');
    } catch (error) {
      this.options.log.warn('cache read failed', { key, error });
      return undefined;
    }
  }

  private async cacheSet(key: string, value: unknown, ttlMs: number): Promise<void> {
    try {
      await withTimeout(this.cache.set(key, value, ttlMs), STORE_TIMEOUT_MS, 'cache write');
    } catch (error) {
      this.options.log.warn('cache write failed', { key, error });
    }
  }

  private use(directory: Directory): void {
    this.directory = new Map(directory.entries);
    this.directoryAt = directory.at;
  }

  /** users.list is Tier 2: a background load waits out a 429 instead of failing. */
  private async withRateLimitWait<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await call();
      } catch (error) {
        const retryAfter = (error as { retryAfter?: number }).retryAfter;
        if (retryAfter === undefined || attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
      }
    }
  }
}

function toProfile(user: SlackUserRecord): SlackProfile {
  return {
    slackUserId: user.id,
    teamId: user.team_id,
    email: user.profile?.email || undefined,
    guest: user.is_restricted === true || user.is_ultra_restricted === true,
    deleted: user.deleted === true,
    bot: user.is_bot === true,
  };
}

export function slackErrorCode(error: unknown): string | undefined {
  return (error as { data?: { error?: string } } | undefined)?.data?.error;
}
