import { App } from '@slack/bolt';
import type { Config } from '../config.js';
import type { Log } from '../log.js';
import { boltLogger } from './bolt-logger.js';
import { type ListenerDeps, registerListeners } from './listeners/index.js';
import { webClientOptions } from './web-client-options.js';

/** Who the bot is, from auth.test at start. */
export interface BotIdentity {
  botUserId: string;
  botId: string;
  teamId: string;
  enterpriseId: string | undefined;
}

/** Builds the Bolt app for the configured mode (Socket Mode when an app token is set). */
export function createSlackApp(config: Config, identity: BotIdentity, deps: ListenerDeps, log: Log): App {
  const socketMode = config.slackAppToken !== undefined;
  const app = new App({
    token: config.slackBotToken,
    // We already ran auth.test at start; Bolt's own would be an unhandled rejection if Slack is down.
    tokenVerificationEnabled: false,
    botId: identity.botId,
    botUserId: identity.botUserId,
    logger: boltLogger(log),
    clientOptions: webClientOptions(config.slackApiUrl),
    ...(socketMode
      ? { socketMode: true, appToken: config.slackAppToken }
      : {
          signingSecret: config.slackSigningSecret,
          endpoints: '/slack/events',
          customRoutes: [
            {
              path: '/healthz',
              method: ['GET'],
              handler: (_req, res) => {
                res.writeHead(200, { 'content-type': 'text/plain' });
                res.end('ok');
              },
            },
          ],
        }),
  });
  registerListeners(app, deps);
  app.error(async (error) => {
    log.error('unhandled error in a Slack listener', { error });
  });
  return app;
}
