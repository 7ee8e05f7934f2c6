import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLog } from '../../src/log.js';
import { type RunningApp, startApp } from '../../src/runtime.js';
import { FakeConnecteam } from '../support/fake-connecteam.js';
import { FakeSlack } from '../support/fake-slack.js';
import { waitFor } from '../support/http-util.js';

describe('Socket Mode end to end', () => {
  let slack: FakeSlack;
  let connecteam: FakeConnecteam;
  let app: RunningApp;

  beforeAll(async () => {
    slack = await new FakeSlack().start();
    connecteam = await new FakeConnecteam().start();
    const config = loadConfig({
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_APP_TOKEN: slack.appToken,
      SLACK_API_URL: slack.apiUrl,
      CONNECTEAM_API_KEY: connecteam.apiKey,
      CONNECTEAM_BASE_URL: connecteam.url,
      STORE_URL: 'memory://',
    });
    app = await startApp(config, { log: createLog({ level: 'error', secrets: [], write: () => {} }) });
  });

  afterAll(async () => {
    await app.stop();
    await slack.stop();
    await connecteam.stop();
  });

  it('opens the connection through SLACK_API_URL with the app token', async () => {
    await waitFor(() => (slack.socketConnected ? true : undefined), 5000, 'socket connection');
    const open = slack.callsTo('apps.connections.open');
    expect(open.length).toBeGreaterThanOrEqual(1);
    expect(open[0]?.token).toBe(slack.appToken);
  });

  it('acks a slash_commands envelope and answers at its response_url', async () => {
    const responseUrl = slack.responseUrl();
    const ack = await slack.sendEnvelope('slash_commands', {
      token: 'legacy',
      team_id: 'T0ACME',
      team_domain: 'acme',
      channel_id: 'C0GENERAL',
      channel_name: 'general',
      user_id: 'U0ADA',
      user_name: 'ada',
      command: '/asset-audit',
      text: '12345',
      api_app_id: 'A0APP',
      is_enterprise_install: 'false',
      response_url: responseUrl,
      trigger_id: '1.2.abc',
    });
    expect(ack.envelope_id).toBeTruthy();
    const [reply] = await slack.waitForResponses(responseUrl);
    expect(reply?.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(reply?.body.blocks)).toContain('Ada Lovelace (9170357)');
  });
});
