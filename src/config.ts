import { z } from 'zod';

export type StoreTarget =
  | { kind: 'memory' }
  | { kind: 'file'; path: string }
  | { kind: 'redis'; url: string };

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Config {
  slackBotToken: string;
  slackSigningSecret: string | undefined;
  slackAppToken: string | undefined;
  port: number;
  slackApiUrl: string;
  connecteamApiKey: string;
  connecteamBaseUrl: string;
  store: StoreTarget;
  cacheTtlSeconds: number;
  peopleCacheTtlSeconds: number;
  logLevel: LogLevel;
  /** Slack user id -> Connecteam user id, set by whoever runs the app; wins over email matching. */
  identityOverrides: Map<string, number>;
  /** Who may run audits and watches; undefined = every full member (never guests). */
  auditors: { users: Set<string>; groups: Set<string> } | undefined;
  auditorsContact: string | undefined;
  auditLogChannel: string | undefined;
  personLimits: { perMinute: number; perDay: number };
  watchIntervalSeconds: number;
  /** Share of Connecteam's per-minute and per-day quota that polling may use. */
  watchBudgetShare: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`asset-audit cannot start; fix the environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), schema);

const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { message: 'must be a whole number' })
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, { message: `must be at least ${min}` })
        .max(max, { message: `must be at most ${max}` }),
    );

const httpUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  },
  { message: 'must be an http:// or https:// URL' },
);

const storeUrl = z.string().refine((value) => /^(memory:\/\/|rediss?:\/\/.+|file:.+)$/.test(value), {
  message: 'must be memory://, redis://host:port, rediss://… or file:<path>',
});

const schema = z.object({
  SLACK_BOT_TOKEN: z.string({ message: 'is required (the bot token, xoxb-…)' }).startsWith('xoxb-', {
    message: 'must be a bot token starting with xoxb-',
  }),
  SLACK_SIGNING_SECRET: optional(z.string().optional()),
  SLACK_APP_TOKEN: optional(
    z.string().startsWith('xapp-', { message: 'must be an app-level token starting with xapp-' }).optional(),
  ),
  PORT: optional(integer(0, 65535).optional()),
  SLACK_API_URL: optional(httpUrl.optional()),
  CONNECTEAM_API_KEY: z.string({ message: 'is required (Connecteam → Settings → API keys)' }),
  CONNECTEAM_BASE_URL: optional(httpUrl.optional()),
  STORE_URL: optional(storeUrl.optional()),
  CACHE_TTL_SECONDS: optional(integer(1, 86_400).optional()),
  PEOPLE_CACHE_TTL_SECONDS: optional(integer(1, 86_400).optional()),
  IDENTITY_OVERRIDES: optional(
    z
      .string()
      .transform((value, ctx) => {
        const pairs = parseOverrides(value);
        if (typeof pairs === 'string') ctx.addIssue({ code: 'custom', message: pairs });
        return typeof pairs === 'string' ? new Map<string, number>() : pairs;
      })
      .optional(),
  ),
  AUDITORS: optional(
    z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((id) => id.trim())
          .filter(Boolean),
      )
      .pipe(
        z
          .array(
            z.string().regex(/^[UWS][A-Z0-9]{2,}$/, {
              message: 'must be comma-separated Slack user ids (U…, W…) or user-group ids (S…)',
            }),
          )
          .min(1, { message: 'is set but names nobody: list Slack user or user-group ids, or unset it' }),
      )
      .optional(),
  ),
  AUDITORS_CONTACT: optional(z.string().max(200, { message: 'must be at most 200 characters' }).optional()),
  AUDIT_LOG_CHANNEL: optional(
    z
      .string()
      .regex(/^[CG][A-Z0-9]{2,}$/, { message: 'must be a channel id such as C0123ABC' })
      .optional(),
  ),
  WATCH_INTERVAL_SECONDS: optional(integer(1, 7 * 86_400).optional()),
  WATCH_BUDGET_SHARE: optional(
    z
      .string()
      .regex(/^(0?\.\d+|1(\.0+)?)$/, { message: 'must be a number above 0 and at most 1, such as 0.5' })
      .transform(Number)
      .pipe(z.number().gt(0, { message: 'must be above 0' }).max(1))
      .optional(),
  ),
  PERSON_LIMIT_PER_MINUTE: optional(integer(1, 10_000).optional()),
  PERSON_LIMIT_PER_DAY: optional(integer(1, 1_000_000).optional()),
  LOG_LEVEL: optional(
    z
      .enum(['debug', 'info', 'warn', 'error'], { message: 'must be one of debug, info, warn, error' })
      .optional(),
  ),
});

/** Reads and validates the environment; every problem is reported at once, no value is echoed. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const nonEmpty = Object.fromEntries(
    Object.entries(env).map(([key, value]) => [
      key,
      value === undefined || value.trim() === '' ? undefined : value,
    ]),
  );
  const parsed = schema.safeParse(nonEmpty);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? 'environment');
        const message =
          issue.code === 'invalid_type' && nonEmpty[name] === undefined ? 'is required' : issue.message;
        return `${name} ${message}`;
      });
  // Checked apart from the schema so it is reported together with every other problem.
  if (!nonEmpty.SLACK_APP_TOKEN && !nonEmpty.SLACK_SIGNING_SECRET) {
    problems.push(
      'SLACK_SIGNING_SECRET is required in HTTP mode (set it, or set SLACK_APP_TOKEN for Socket Mode)',
    );
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError([...new Set(problems)]);
  const e = parsed.data;
  const apiUrl = e.SLACK_API_URL ?? 'https://slack.com/api/';
  const cacheTtl = e.CACHE_TTL_SECONDS ?? 60;
  return {
    slackBotToken: e.SLACK_BOT_TOKEN,
    slackSigningSecret: e.SLACK_SIGNING_SECRET,
    slackAppToken: e.SLACK_APP_TOKEN,
    port: e.PORT ?? 3000,
    slackApiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`,
    connecteamApiKey: e.CONNECTEAM_API_KEY,
    connecteamBaseUrl: (e.CONNECTEAM_BASE_URL ?? 'https://api.connecteam.com').replace(/\/+$/, ''),
    store: parseStore(e.STORE_URL),
    cacheTtlSeconds: cacheTtl,
    peopleCacheTtlSeconds: e.PEOPLE_CACHE_TTL_SECONDS ?? Math.max(cacheTtl, 900),
    logLevel: e.LOG_LEVEL ?? 'info',
    identityOverrides: e.IDENTITY_OVERRIDES ?? new Map(),
    auditors: e.AUDITORS?.length
      ? {
          users: new Set(e.AUDITORS.filter((id) => !id.startsWith('S'))),
          groups: new Set(e.AUDITORS.filter((id) => id.startsWith('S'))),
        }
      : undefined,
    auditorsContact: e.AUDITORS_CONTACT?.trim(),
    auditLogChannel: e.AUDIT_LOG_CHANNEL,
    personLimits: { perMinute: e.PERSON_LIMIT_PER_MINUTE ?? 20, perDay: e.PERSON_LIMIT_PER_DAY ?? 200 },
    watchIntervalSeconds: e.WATCH_INTERVAL_SECONDS ?? 300,
    watchBudgetShare: e.WATCH_BUDGET_SHARE ?? 0.5,
  };
}

function parseStore(url: string | undefined): StoreTarget {
  if (url === undefined) return { kind: 'file', path: 'data/asset-audit.sqlite' };
  if (url === 'memory://') return { kind: 'memory' };
  if (url.startsWith('file:')) return { kind: 'file', path: url.slice('file:'.length) };
  return { kind: 'redis', url };
}

/** The secret values in force, so the logger can scrub them from anything it prints. */
export function secretValues(config: Config): string[] {
  const redisPassword = config.store.kind === 'redis' ? safePassword(config.store.url) : undefined;
  return [
    config.slackBotToken,
    config.slackSigningSecret,
    config.slackAppToken,
    config.connecteamApiKey,
    redisPassword,
  ].filter((value): value is string => typeof value === 'string' && value.length >= 4);
}

function safePassword(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

/** `U123=9170357,W456=9170358`: one Slack person to one Connecteam person, both ways. */
function parseOverrides(value: string): Map<string, number> | string {
  const pairs = new Map<string, number>();
  const claimed = new Set<number>();
  const items = value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  for (const [index, item] of items.entries()) {
    const position = index + 1;
    const match = item.match(/^([UW][A-Z0-9]{2,})\s*=\s*(\d{1,15})$/);
    if (!match?.[1] || !match[2]) {
      // The item itself is not echoed: a misplaced secret must not reach the log.
      return `must be comma-separated slackUserId=connecteamUserId pairs (e.g. U012ABC=9170357); pair ${position} is not one`;
    }
    const connecteamId = Number(match[2]);
    if (pairs.has(match[1])) return `names Slack user ${match[1]} twice`;
    if (claimed.has(connecteamId)) return `links Connecteam user ${connecteamId} to two Slack users`;
    pairs.set(match[1], connecteamId);
    claimed.add(connecteamId);
  }
  return pairs;
}
