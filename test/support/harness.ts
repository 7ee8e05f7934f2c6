import { loadConfig } from '../../src/config.js';
import { createLog, type Log } from '../../src/log.js';
import { type RunningApp, startApp } from '../../src/runtime.js';
import { FakeConnecteam } from './fake-connecteam.js';
import { fakeEnv } from './fake-env.js';
import { FakeSlack } from './fake-slack.js';
import { commandBody, postToApp, SIGNING_SECRET } from './slack-request.js';

export interface Harness {
  app: RunningApp;
  slack: FakeSlack;
  connecteam: FakeConnecteam;
  appUrl: string;
  logs: string[];
  /** Sends `/asset-audit <text>` signed; returns the ack and the response_url to watch. */
  command(
    text: string,
    fields?: { user_id?: string; channel_id?: string; team_id?: string },
  ): Promise<{
    status: number;
    ms: number;
    responseUrl: string;
  }>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  slack?: FakeSlack;
  connecteam?: FakeConnecteam;
}

/** The real app over real HTTP, against fake Slack and fake Connecteam on loopback. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const slack = options.slack ?? (await new FakeSlack().start());
  const connecteam = options.connecteam ?? (await new FakeConnecteam().start());
  const config = loadConfig({
    ...fakeEnv(slack, connecteam),
    LOG_LEVEL: 'debug',
    ...options.env,
  });
  const logs: string[] = [];
  const log: Log = createLog({
    level: 'debug',
    secrets: [config.slackBotToken, config.connecteamApiKey, SIGNING_SECRET],
    write: (line) => logs.push(line),
  });
  const app = await startApp(config, { log });
  const appUrl = `http://127.0.0.1:${app.port}`;
  return {
    app,
    slack,
    connecteam,
    appUrl,
    logs,
    async command(text, fields = {}) {
      const responseUrl = slack.responseUrl();
      const { status, ms } = await postToApp(
        appUrl,
        commandBody({ text, response_url: responseUrl, ...fields }),
      );
      return { status, ms, responseUrl };
    },
    async stop() {
      await app.stop();
      if (!options.slack) await slack.stop();
      if (!options.connecteam) await connecteam.stop();
    },
  };
}
