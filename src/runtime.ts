import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webApi } from '@slack/bolt';
import { AuditTrail } from './access/audit-trail.js';
import { AccessGate } from './access/gate.js';
import { PersonLimiter } from './access/person-limits.js';
import { AccessPolicy, type Refusal } from './access/policy.js';
import { ChannelPacer } from './alerts/pacer.js';
import { Subscriptions } from './alerts/subscriptions.js';
import { Watcher } from './alerts/watcher.js';
import { AssignmentChecker } from './audit/assignment.js';
import { AssetAuditor } from './audit/audit.js';
import { IdentityResolver } from './audit/identity.js';
import { type Config, secretValues } from './config.js';
import { ReadThroughCache } from './connecteam/cache.js';
import { CachedConnecteam } from './connecteam/cached-client.js';
import { ConnecteamClient } from './connecteam/client.js';
import { ConnecteamHttp } from './connecteam/http.js';
import { RateLimitTracker } from './connecteam/rate-limits.js';
import { createLog, type Log } from './log.js';
import { AmIAssigned } from './slack/am-i-assigned.js';
import { type BotIdentity, createSlackApp } from './slack/app.js';
import { AuditCommand } from './slack/audit-command.js';
import { alertRenderer } from './slack/blocks/alert-message.js';
import { refusalReply } from './slack/blocks/error-replies.js';
import type { Message } from './slack/blocks/mrkdwn.js';
import { boltLogger } from './slack/bolt-logger.js';
import { ensureCanPost } from './slack/channel-access.js';
import { SlackAlertPort } from './slack/slack-alert-port.js';
import { SlackPeopleDirectory } from './slack/slack-people.js';
import { WatchCommands } from './slack/watch-commands.js';
import { webClientOptions } from './slack/web-client-options.js';
import { openStores } from './store/open-stores.js';

export interface RunningApp {
  /** The HTTP port in HTTP mode (useful when PORT=0 picked one). */
  port: number | undefined;
  stop(): Promise<void>;
}

export interface RuntimeOptions {
  log?: Log;
  now?: () => number;
}

export class StartupError extends Error {
  override name = 'StartupError';
}

/** Wires config -> stores -> Connecteam -> domain -> Slack, and starts serving. */
export async function startApp(config: Config, options: RuntimeOptions = {}): Promise<RunningApp> {
  const log = options.log ?? createLog({ level: config.logLevel, secrets: secretValues(config) });
  const now = options.now ?? Date.now;
  const stores = await openStores(config.store, log).catch((error: unknown) => {
    throw new StartupError(`STORE_URL: ${(error as Error).message}`);
  });
  const rateLimits = new RateLimitTracker(now);
  const http = new ConnecteamHttp({
    baseUrl: config.connecteamBaseUrl,
    apiKey: config.connecteamApiKey,
    rateLimits,
    log,
    now,
  });
  const connecteam = new CachedConnecteam(
    new ConnecteamClient(http, rateLimits),
    new ReadThroughCache(stores.cache, { log, now }),
    { assetMs: config.cacheTtlSeconds * 1000, peopleMs: config.peopleCacheTtlSeconds * 1000 },
  );
  const slackClient = new webApi.WebClient(config.slackBotToken, {
    ...webClientOptions(config.slackApiUrl),
    logger: boltLogger(log),
  });
  const slackPeople = new SlackPeopleDirectory(slackClient, stores.cache, {
    log,
    now,
    profileTtlMs: config.peopleCacheTtlSeconds * 1000,
  });
  const identities = new IdentityResolver(slackPeople, connecteam, config.identityOverrides);
  const auditor = new AssetAuditor(connecteam, log, identities, now);

  let stopWatcher = async () => {};
  const closeAll = async () => {
    await stopWatcher();
    slackPeople.stop();
    await http.close().catch(() => undefined);
    await stores.close().catch(() => undefined);
  };
  let bot: BotIdentity;
  try {
    bot = await checkSlackToken(slackClient, config.slackApiUrl);
  } catch (error) {
    await closeAll();
    throw error;
  }
  const gate = new AccessGate(
    new AccessPolicy({
      home: { teamId: bot.teamId, enterpriseId: bot.enterpriseId },
      auditors: config.auditors,
      profile: (userId) => slackPeople.profile(userId),
      usergroupMembers: (groupId) => slackPeople.usergroupMembers(groupId),
      onLookupFailure: (what, error) => log.warn('access check: Slack look-up failed', { what, error }),
    }),
    new PersonLimiter(stores.state, { ...config.personLimits, now }),
    new AuditTrail(log, config.auditLogChannel, async (channel, text) => {
      await slackClient.chat.postMessage({ channel, text, unfurl_links: false });
    }),
    (assetId) => connecteam.isAssetFresh(assetId),
    (error) => log.error('access check failed', { error }),
  );
  const refusal = (r: Refusal) =>
    refusalReply(r, { contact: config.auditorsContact, limits: config.personLimits, now: now() });
  const amIAssigned = new AmIAssigned({
    checker: new AssignmentChecker(connecteam, identities),
    gate,
    refusalReply: refusal,
    log,
    now,
  });
  const subscriptions = new Subscriptions(stores.state);
  const watcher = new Watcher<Message>({
    subscriptions,
    connecteam,
    rateLimits,
    requestCount: () => http.requestCount,
    state: stores.state,
    port: new SlackAlertPort(
      new webApi.WebClient(config.slackBotToken, {
        ...webClientOptions(config.slackApiUrl),
        retryConfig: { retries: 0 },
        logger: boltLogger(log),
      }),
    ),
    render: alertRenderer,
    pacer: new ChannelPacer(),
    log: log.child({ component: 'watcher' }),
    intervalMs: config.watchIntervalSeconds * 1000,
    share: config.watchBudgetShare,
    now,
  });
  // A fresh answer fetched for someone's audit counts as a watched asset's check.
  connecteam.onFreshAsset = (access) => watcher.offer(access.assetId, access);
  const watch = new WatchCommands({
    subscriptions,
    watcher,
    gate,
    refusalReply: refusal,
    canPost: (channelId) => ensureCanPost(slackClient, channelId),
    log,
    now,
  });
  const auditCommand = new AuditCommand({
    auditor,
    amIAssigned,
    watch,
    gate,
    refusalReply: refusal,
    log,
    now,
  });
  const app = createSlackApp(config, bot, { auditCommand, amIAssigned, watch }, log);
  slackPeople.start();
  watcher.start();
  if (config.auditLogChannel) {
    const problem = await ensureCanPost(slackClient, config.auditLogChannel).catch(() => 'not_visible');
    if (problem) log.warn('AUDIT_LOG_CHANNEL: the app cannot post there; invite it', { problem });
  }
  stopWatcher = () => watcher.stop();

  let started: unknown;
  try {
    started = await app.start(config.port);
  } catch (error) {
    await closeAll();
    throw startFailure(error, config);
  }
  const port = config.slackAppToken ? undefined : ((started as Server).address() as AddressInfo).port;
  log.info('asset-audit is running', {
    mode: config.slackAppToken ? 'socket' : 'http',
    ...(port !== undefined ? { port } : {}),
    store: config.store.kind,
  });
  let stopping: Promise<void> | undefined;
  return {
    port,
    stop: () => {
      stopping ??= (async () => {
        await app.stop().catch((error: unknown) => log.warn('error while stopping Slack app', { error }));
        await closeAll();
        log.info('asset-audit stopped');
      })();
      return stopping;
    },
  };
}

/** Fails at start, with a clear reason, rather than on the first command; Bolt reuses the answer. */
async function checkSlackToken(client: webApi.WebClient, apiUrl: string): Promise<BotIdentity> {
  let answer: Awaited<ReturnType<typeof client.auth.test>>;
  try {
    answer = await client.auth.test();
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    if (code)
      throw new StartupError(
        `Slack refused SLACK_BOT_TOKEN (${code}); check the token in your app's settings.`,
      );
    throw new StartupError(
      `Could not reach Slack at ${apiUrl} to check SLACK_BOT_TOKEN: ${(error as Error).message}`,
    );
  }
  if (!answer.user_id || !answer.bot_id || !answer.team_id) {
    throw new StartupError(
      'Slack accepted SLACK_BOT_TOKEN but it is not a bot token (auth.test has no bot id).',
    );
  }
  return {
    botUserId: answer.user_id,
    botId: answer.bot_id,
    teamId: answer.team_id,
    enterpriseId: answer.enterprise_id,
  };
}

function startFailure(error: unknown, config: Config): StartupError {
  const code = (error as { data?: { error?: string }; code?: string }).data?.error;
  if (config.slackAppToken && code) {
    return new StartupError(
      `Slack refused SLACK_APP_TOKEN (${code}); it must be an app-level token with connections:write.`,
    );
  }
  if ((error as { code?: string }).code === 'EADDRINUSE') {
    return new StartupError(`PORT ${config.port} is already in use; choose another PORT.`);
  }
  return new StartupError(`Could not start serving Slack: ${(error as Error).message}`);
}
