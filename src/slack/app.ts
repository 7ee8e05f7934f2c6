import { App } from '@slack/bolt';
import type { Config } from '../config.js';
import type { Log } from '../log.js';
import { boltLogger } from './bolt-logger.js';
import { type ListenerDeps, registerListeners } from './listeners/index.js';
import { webClientOptions } from './web-client-options.js';

/** Builds the Bolt app for the configured mode (Socket Mode when an app token is set). */
export function createSlackApp(config: Config, deps: ListenerDeps, log: Log): App {
  const socketMode = config.slackAppToken !== undefined;
  const app = new App({
    token: config.slackBotToken,
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
