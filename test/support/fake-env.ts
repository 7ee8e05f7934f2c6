import type { FakeConnecteam } from './fake-connecteam.js';
import type { FakeSlack } from './fake-slack.js';
import { SIGNING_SECRET } from './slack-request.js';

/** The environment that points the app at the fakes (HTTP mode, memory store, any free port). */
export function fakeEnv(slack: FakeSlack, connecteam: FakeConnecteam): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    CONNECTEAM_API_KEY: connecteam.apiKey,
    CONNECTEAM_BASE_URL: connecteam.url,
    STORE_URL: 'memory://',
    PORT: '0',
  };
}
