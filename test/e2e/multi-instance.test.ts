import { createClient } from '@redis/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChildApp } from '../support/child-app.js';
import { FakeConnecteam } from '../support/fake-connecteam.js';
import { FakeSlack } from '../support/fake-slack.js';
import { sleep, waitFor } from '../support/http-util.js';
import { commandBody, postToApp, SIGNING_SECRET } from '../support/slack-request.js';

// A Redis database of its own, emptied first, so other tests' instances can't take the lease.
const REDIS_URL = 'redis://127.0.0.1:6379/7';
const POLLS = 'this instance now polls watched assets';

describe('two instances on one Redis', () => {
  let slack: FakeSlack;
  let connecteam: FakeConnecteam;
  let apps: ChildApp[] = [];

  beforeAll(async () => {
    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    await redis.flushDb();
    await redis.quit();
    slack = await new FakeSlack().start();
    connecteam = await new FakeConnecteam().start();
    connecteam.quota.minuteLimit = 100_000;
    connecteam.quota.dayLimit = 100_000_000;
    const env = {
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      CONNECTEAM_API_KEY: connecteam.apiKey,
      CONNECTEAM_BASE_URL: connecteam.url,
      STORE_URL: REDIS_URL,
      PORT: '0',
      WATCH_INTERVAL_SECONDS: '1',
      LOG_LEVEL: 'info',
    };
    apps = [new ChildApp(env), new ChildApp(env)];
    await Promise.all(apps.map((app) => app.ready()));
  }, 60_000);

  afterAll(async () => {
    for (const app of apps) if (!app.exited) app.kill('SIGKILL');
    await slack.stop();
    await connecteam.stop();
  });

  const change = (userIds: number[]) => {
    const asset = connecteam.assets.get(12345);
    if (!asset || 'status' in asset) throw new Error('seed changed');
    asset.assignments.userIds = userIds;
  };

  it('exactly one instance polls, and one change is alerted exactly once', async () => {
    const responseUrl = slack.responseUrl();
    const [a] = apps;
    if (!a) throw new Error('no app');
    const ack = await postToApp(
      a.url,
      commandBody({ text: 'watch 12345', channel_id: 'C0MULTI', response_url: responseUrl }),
    );
    expect(ack.status).toBe(200);
    expect((await slack.waitForResponses(responseUrl))[0]?.body.response_type).toBe('in_channel');
    await waitFor(() => (apps.some((app) => app.said(POLLS)) ? true : undefined), 10_000, 'a poller');
    expect(apps.filter((app) => app.said(POLLS))).toHaveLength(1);
    change([9170358]);
    await waitFor(() => (slack.posted('C0MULTI').length > 0 ? true : undefined), 10_000, 'alert');
    await sleep(3000);
    expect(slack.posted('C0MULTI')).toHaveLength(1);
  }, 30_000);

  it('when the lease holder is killed (SIGKILL), the other takes over and the next change is alerted once', async () => {
    const holder = apps.find((app) => app.said(POLLS));
    const other = apps.find((app) => app !== holder);
    if (!holder || !other) throw new Error('no poller');
    holder.kill('SIGKILL');
    await holder.exit();
    // The lease (12 s at this interval) must run out first.
    await waitFor(() => (other.said(POLLS) ? true : undefined), 25_000, 'take-over');
    change([9170358, 9170361]);
    await waitFor(() => (slack.posted('C0MULTI').length > 1 ? true : undefined), 10_000, 'second alert');
    await sleep(3000);
    expect(slack.posted('C0MULTI')).toHaveLength(2);
    expect(JSON.stringify(slack.posted('C0MULTI')[1]?.params.blocks)).toContain('Edsger Dijkstra (9170361)');
  }, 60_000);

  it('SIGTERM stops gracefully and releases the lease', async () => {
    const last = apps.find((app) => !app.exited);
    if (!last) throw new Error('no app left');
    last.kill('SIGTERM');
    await last.exit();
    expect(last.said('asset-audit stopped')).toBe(true);
    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    expect(await redis.get('asset-audit:state:watcher-lock')).toBeNull();
    await redis.quit();
  }, 20_000);
});
