import { describe, expect, it } from 'vitest';
import { type Config, ConfigError, loadConfig, secretValues } from '../../src/config.js';

const BOT = 'xoxb-111-222-bottokenvalue';
const SIGNING = 'signing-secret-value-0123';
const APP = 'xapp-1-A111-apptokenvalue';
const KEY = 'connecteam-api-key-value';

/** The smallest environment that starts in HTTP mode. */
const httpEnv = (extra: Record<string, string | undefined> = {}) => ({
  SLACK_BOT_TOKEN: BOT,
  SLACK_SIGNING_SECRET: SIGNING,
  CONNECTEAM_API_KEY: KEY,
  ...extra,
});

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('loadConfig accepted an environment it should have refused');
}

const problemFor = (error: ConfigError, name: string) =>
  error.problems.filter((p) => p.startsWith(`${name} `));

describe('loadConfig defaults', () => {
  it('fills every optional setting with its documented default', () => {
    const config = loadConfig(httpEnv());
    expect(config).toEqual<Config>({
      slackBotToken: BOT,
      slackSigningSecret: SIGNING,
      slackAppToken: undefined,
      port: 3000,
      slackApiUrl: 'https://slack.com/api/',
      connecteamApiKey: KEY,
      connecteamBaseUrl: 'https://api.connecteam.com',
      store: { kind: 'file', path: 'data/asset-audit.sqlite' },
      cacheTtlSeconds: 60,
      peopleCacheTtlSeconds: 900,
      logLevel: 'info',
      identityOverrides: new Map(),
      auditors: undefined,
      auditorsContact: undefined,
      auditLogChannel: undefined,
      personLimits: { perMinute: 20, perDay: 200 },
      watchIntervalSeconds: 300,
      watchBudgetShare: 0.5,
    });
  });

  it('puts the default file store under data/', () => {
    const { store } = loadConfig(httpEnv());
    expect(store.kind).toBe('file');
    expect(store.kind === 'file' && store.path.startsWith('data/')).toBe(true);
  });

  it('treats empty and blank strings as unset', () => {
    const config = loadConfig(
      httpEnv({
        PORT: '',
        SLACK_API_URL: '   ',
        CONNECTEAM_BASE_URL: '',
        STORE_URL: '',
        CACHE_TTL_SECONDS: ' ',
        PEOPLE_CACHE_TTL_SECONDS: '',
        LOG_LEVEL: '',
        SLACK_APP_TOKEN: '',
      }),
    );
    expect(config.port).toBe(3000);
    expect(config.slackApiUrl).toBe('https://slack.com/api/');
    expect(config.connecteamBaseUrl).toBe('https://api.connecteam.com');
    expect(config.store).toEqual({ kind: 'file', path: 'data/asset-audit.sqlite' });
    expect(config.cacheTtlSeconds).toBe(60);
    expect(config.logLevel).toBe('info');
    expect(config.slackAppToken).toBeUndefined();
  });

  it('treats an empty required value as missing', () => {
    const error = configError(httpEnv({ SLACK_BOT_TOKEN: '', CONNECTEAM_API_KEY: '  ' }));
    expect(problemFor(error, 'SLACK_BOT_TOKEN')).toEqual(['SLACK_BOT_TOKEN is required']);
    expect(problemFor(error, 'CONNECTEAM_API_KEY')).toEqual(['CONNECTEAM_API_KEY is required']);
  });

  it('reads explicit values', () => {
    const config = loadConfig(
      httpEnv({
        PORT: '8080',
        SLACK_API_URL: 'http://127.0.0.1:9999/api',
        CONNECTEAM_BASE_URL: 'http://127.0.0.1:7777///',
        CACHE_TTL_SECONDS: '120',
        PEOPLE_CACHE_TTL_SECONDS: '30',
        LOG_LEVEL: 'debug',
      }),
    );
    expect(config.port).toBe(8080);
    expect(config.slackApiUrl).toBe('http://127.0.0.1:9999/api/');
    expect(config.connecteamBaseUrl).toBe('http://127.0.0.1:7777');
    expect(config.cacheTtlSeconds).toBe(120);
    expect(config.peopleCacheTtlSeconds).toBe(30);
    expect(config.logLevel).toBe('debug');
  });

  it('keeps people cached at least as long as assets when no people TTL is given', () => {
    expect(loadConfig(httpEnv({ CACHE_TTL_SECONDS: '3600' })).peopleCacheTtlSeconds).toBe(3600);
    expect(loadConfig(httpEnv({ CACHE_TTL_SECONDS: '10' })).peopleCacheTtlSeconds).toBe(900);
  });

  it('accepts port 0 and 65535 but not 65536', () => {
    expect(loadConfig(httpEnv({ PORT: '0' })).port).toBe(0);
    expect(loadConfig(httpEnv({ PORT: '65535' })).port).toBe(65535);
    expect(problemFor(configError(httpEnv({ PORT: '65536' })), 'PORT')).toHaveLength(1);
  });
});

describe('STORE_URL', () => {
  it('memory:// is the in-process store', () => {
    expect(loadConfig(httpEnv({ STORE_URL: 'memory://' })).store).toEqual({ kind: 'memory' });
  });

  it('redis:// and rediss:// are Redis, URL kept whole', () => {
    expect(loadConfig(httpEnv({ STORE_URL: 'redis://localhost:6379/2' })).store).toEqual({
      kind: 'redis',
      url: 'redis://localhost:6379/2',
    });
    expect(loadConfig(httpEnv({ STORE_URL: 'rediss://cache.example.com:6380' })).store).toEqual({
      kind: 'redis',
      url: 'rediss://cache.example.com:6380',
    });
  });

  it('file:<path> is a SQLite file at that path', () => {
    expect(loadConfig(httpEnv({ STORE_URL: 'file:/var/lib/asset-audit/state.db' })).store).toEqual({
      kind: 'file',
      path: '/var/lib/asset-audit/state.db',
    });
    expect(loadConfig(httpEnv({ STORE_URL: 'file:relative.sqlite' })).store).toEqual({
      kind: 'file',
      path: 'relative.sqlite',
    });
  });

  it.each(['postgres://db', 'redis://', 'file:', 'memory', 'http://example.com'])('refuses %s', (url) => {
    expect(problemFor(configError(httpEnv({ STORE_URL: url })), 'STORE_URL')).toHaveLength(1);
  });
});

describe('Slack mode', () => {
  it('requires the signing secret in HTTP mode', () => {
    const error = configError(httpEnv({ SLACK_SIGNING_SECRET: undefined }));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^SLACK_SIGNING_SECRET is required in HTTP mode/);
  });

  it('treats an empty signing secret as missing in HTTP mode', () => {
    const error = configError(httpEnv({ SLACK_SIGNING_SECRET: '' }));
    expect(problemFor(error, 'SLACK_SIGNING_SECRET')).toHaveLength(1);
  });

  it('does not require the signing secret in Socket Mode', () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: APP, CONNECTEAM_API_KEY: KEY });
    expect(config.slackAppToken).toBe(APP);
    expect(config.slackSigningSecret).toBeUndefined();
  });

  it('refuses a bot token without the xoxb- prefix', () => {
    const error = configError(httpEnv({ SLACK_BOT_TOKEN: 'xoxp-user-token' }));
    expect(error.problems).toEqual(['SLACK_BOT_TOKEN must be a bot token starting with xoxb-']);
  });

  it('refuses an app token without the xapp- prefix', () => {
    const error = configError(httpEnv({ SLACK_APP_TOKEN: 'xoxb-not-an-app-token' }));
    expect(problemFor(error, 'SLACK_APP_TOKEN')).toEqual([
      'SLACK_APP_TOKEN must be an app-level token starting with xapp-',
    ]);
  });
});

describe('ConfigError', () => {
  it('reports every problem at once', () => {
    const error = configError({
      SLACK_SIGNING_SECRET: SIGNING,
      CONNECTEAM_API_KEY: KEY,
      LOG_LEVEL: 'verbose',
      PORT: 'eighty',
    });
    expect(error.problems).toHaveLength(3);
    expect(problemFor(error, 'SLACK_BOT_TOKEN')).toEqual(['SLACK_BOT_TOKEN is required']);
    expect(problemFor(error, 'LOG_LEVEL')).toHaveLength(1);
    expect(problemFor(error, 'PORT')).toEqual(['PORT must be a whole number']);
    for (const problem of error.problems) expect(error.message).toContain(problem);
    expect(error.name).toBe('ConfigError');
  });

  it('reports the missing signing secret together with the other problems', () => {
    // An empty environment: bot token, API key and (HTTP mode) signing secret are all missing.
    const error = configError({});
    expect(problemFor(error, 'SLACK_BOT_TOKEN')).toHaveLength(1);
    expect(problemFor(error, 'CONNECTEAM_API_KEY')).toHaveLength(1);
    expect(problemFor(error, 'SLACK_SIGNING_SECRET')).toHaveLength(1);
  });

  it('reports bad numbers and URLs by name', () => {
    const error = configError(
      httpEnv({
        PORT: '-1',
        CACHE_TTL_SECONDS: '0',
        PEOPLE_CACHE_TTL_SECONDS: '86401',
        SLACK_API_URL: 'ftp://slack.com/api',
        CONNECTEAM_BASE_URL: 'not a url',
      }),
    );
    for (const name of [
      'PORT',
      'CACHE_TTL_SECONDS',
      'PEOPLE_CACHE_TTL_SECONDS',
      'SLACK_API_URL',
      'CONNECTEAM_BASE_URL',
    ]) {
      expect(problemFor(error, name), name).toHaveLength(1);
    }
    expect(problemFor(error, 'CACHE_TTL_SECONDS')).toEqual(['CACHE_TTL_SECONDS must be at least 1']);
    expect(problemFor(error, 'PEOPLE_CACHE_TTL_SECONDS')).toEqual([
      'PEOPLE_CACHE_TTL_SECONDS must be at most 86400',
    ]);
  });

  it('never echoes a secret value, even a malformed one', () => {
    const error = configError({
      SLACK_BOT_TOKEN: 'not-a-token-SECRET123',
      SLACK_APP_TOKEN: 'xoxp-APPSECRET456',
      CONNECTEAM_API_KEY: 'KEYSECRET789',
      SLACK_SIGNING_SECRET: 'SIGNSECRET000',
      STORE_URL: 'postgres://user:PASSSECRET111@db',
      LOG_LEVEL: 'LOGSECRET222',
      PORT: 'PORTSECRET333',
    });
    expect(error.problems.length).toBeGreaterThanOrEqual(4);
    const everything = `${error.message}\n${error.problems.join('\n')}\n${JSON.stringify(error)}\n${String(error)}`;
    for (const secret of [
      'SECRET123',
      'APPSECRET456',
      'KEYSECRET789',
      'SIGNSECRET000',
      'PASSSECRET111',
      'LOGSECRET222',
      'PORTSECRET333',
    ]) {
      expect(everything).not.toContain(secret);
    }
  });
});

describe('secretValues', () => {
  it('lists the tokens, the API key and the signing secret', () => {
    const values = secretValues(loadConfig(httpEnv()));
    expect(values).toEqual(expect.arrayContaining([BOT, SIGNING, KEY]));
    expect(values).toHaveLength(3);
  });

  it('includes the app token in Socket Mode', () => {
    const values = secretValues(
      loadConfig({ SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: APP, CONNECTEAM_API_KEY: KEY }),
    );
    expect(values).toEqual(expect.arrayContaining([BOT, APP, KEY]));
  });

  it('includes the Redis password from STORE_URL, decoded', () => {
    const values = secretValues(
      loadConfig(httpEnv({ STORE_URL: 'redis://default:p%40ss-w0rd-xyz@redis.internal:6379/0' })),
    );
    expect(values).toContain('p@ss-w0rd-xyz');
  });

  it('has no Redis entry when the URL has no password', () => {
    const values = secretValues(loadConfig(httpEnv({ STORE_URL: 'redis://redis.internal:6379' })));
    expect(values).toHaveLength(3);
  });

  it('never lists a value too short to scrub safely', () => {
    const values = secretValues(loadConfig(httpEnv({ STORE_URL: 'redis://:ab@redis.internal:6379' })));
    expect(values).not.toContain('ab');
    expect(values.every((v) => v.length >= 4)).toBe(true);
  });
});

describe('access and watch settings', () => {
  const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', CONNECTEAM_API_KEY: 'k' };
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig({ ...base, ...env });
      return [];
    } catch (error) {
      return (error as ConfigError).problems;
    }
  };

  it('AUDITORS that names nobody is an error, not an open door', () => {
    expect(problems({ AUDITORS: ' , ' }).join()).toContain('AUDITORS is set but names nobody');
  });

  it('a malformed IDENTITY_OVERRIDES pair is reported by position, never echoed', () => {
    const found = problems({ IDENTITY_OVERRIDES: 'U0ADA=1,xoxb-secret-1234=2' }).join('\n');
    expect(found).toContain('IDENTITY_OVERRIDES');
    expect(found).toContain('pair 2 is not one');
    expect(found).not.toContain('secret-1234');
  });

  it.each(['0', '2', 'abc', '-0.5'])('WATCH_BUDGET_SHARE=%s is refused', (value) => {
    expect(problems({ WATCH_BUDGET_SHARE: value }).join()).toContain('WATCH_BUDGET_SHARE');
  });

  it('reads WATCH_INTERVAL_SECONDS and WATCH_BUDGET_SHARE', () => {
    const config = loadConfig({ ...base, WATCH_INTERVAL_SECONDS: '1', WATCH_BUDGET_SHARE: '0.25' });
    expect(config.watchIntervalSeconds).toBe(1);
    expect(config.watchBudgetShare).toBe(0.25);
  });
});
