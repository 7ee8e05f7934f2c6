import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeConnecteam } from '../support/fake-connecteam.js';
import { FakeSlack } from '../support/fake-slack.js';
import { type Harness, startHarness } from '../support/harness.js';
import { sleep, waitFor } from '../support/http-util.js';

const textOf = (params: Record<string, unknown> | undefined) =>
  `${params?.text ?? ''}\n${JSON.stringify(params?.blocks ?? [])}`;

/** A fake Connecteam whose quota is large enough that polling every second fits the budget. */
async function roomyConnecteam(): Promise<FakeConnecteam> {
  const connecteam = await new FakeConnecteam().start();
  connecteam.quota.minuteLimit = 100_000;
  connecteam.quota.dayLimit = 100_000_000;
  return connecteam;
}

async function watch(h: Harness, channel: string, ids: string, user = 'U0ADA') {
  const { status, responseUrl } = await h.command(`watch ${ids}`, { channel_id: channel, user_id: user });
  expect(status).toBe(200);
  const replies = await h.slack.waitForResponses(responseUrl);
  await sleep(100);
  return h.slack
    .responsesTo(responseUrl)
    .map((r) => r.body)
    .concat(replies.length ? [] : []);
}

describe('channel alerts on the file store', () => {
  let slack: FakeSlack;
  let connecteam: FakeConnecteam;
  let dir: string;
  let h: Harness;
  const env = () => ({
    STORE_URL: `file:${join(dir, 'state.sqlite')}`,
    WATCH_INTERVAL_SECONDS: '1',
    PERSON_LIMIT_PER_MINUTE: '1000',
  });

  beforeAll(async () => {
    slack = await new FakeSlack().start();
    connecteam = await roomyConnecteam();
    dir = mkdtempSync(join(tmpdir(), 'asset-audit-alerts-'));
    h = await startHarness({ env: env(), slack, connecteam });
  });
  afterAll(async () => {
    await h.stop();
    await slack.stop();
    await connecteam.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('watch announces in the channel, once; a repeat says "already watching" privately', async () => {
    const first = await watch(h, 'C0ALERTS', '12345');
    expect(first[0]?.response_type).toBe('in_channel');
    expect(first[0]?.text).toContain('<@U0ADA> set this channel to watch asset 12345');
    expect(first[0]?.text).toMatch(/checked about every \d+ seconds?/);
    const again = await watch(h, 'C0ALERTS', '#12345');
    expect(again).toHaveLength(1);
    expect(again[0]?.response_type).toBe('ephemeral');
    expect(again[0]?.text).toContain('already watching asset 12345');
  });

  it('takes the first snapshot at once: no alert until something really changes', async () => {
    await sleep(2500);
    expect(slack.posted('C0ALERTS')).toHaveLength(0);
  });

  it('one change -> exactly one alert naming the people, without mentions', async () => {
    const asset = connecteam.assets.get(12345);
    if (!asset || 'status' in asset) throw new Error('seed changed');
    asset.assignments.userIds = [9170359, 9170360, 9170358]; // Grace added, Edsger removed
    asset.permissions = [{ userId: 9170357 }];
    const [alert] = await waitFor(
      () => (slack.posted('C0ALERTS').length > 0 ? slack.posted('C0ALERTS') : undefined),
      8000,
      'alert',
    );
    const text = textOf(alert?.params);
    expect(text).toContain('Who can reach asset 12345 changed');
    expect(text).toContain('Assigned people added (1)');
    expect(text).toContain('Grace Hopper (9170358)');
    expect(text).toContain('Assigned people removed (1)');
    expect(text).toContain('Edsger Dijkstra (9170361)');
    expect(text).toContain('Admins removed (1)');
    expect(text).not.toContain('<@');
    expect(text).toContain('/asset-audit 12345');
    await sleep(3000);
    expect(slack.posted('C0ALERTS')).toHaveLength(1);
  });

  it('after a restart on the same file: no repeat, and the subscription is kept', async () => {
    await h.stop();
    h = await startHarness({ env: env(), slack, connecteam });
    await sleep(3500);
    expect(slack.posted('C0ALERTS')).toHaveLength(1);
    const { responseUrl } = await h.command('watching', { channel_id: 'C0ALERTS' });
    const [list] = await slack.waitForResponses(responseUrl);
    expect(list?.body.response_type).toBe('ephemeral');
    expect(list?.body.text).toContain('Asset 12345');
    expect(list?.body.text).toContain('healthy');
    expect(list?.body.text).toContain('last checked');
  });

  it('asset disappears (404) -> one alert', async () => {
    const saved = connecteam.assets.get(12345);
    connecteam.assets.delete(12345);
    await waitFor(() => (slack.posted('C0ALERTS').length >= 2 ? true : undefined), 8000, 'disappeared alert');
    expect(textOf(slack.posted('C0ALERTS')[1]?.params)).toContain('no longer exists');
    await sleep(3000);
    expect(slack.posted('C0ALERTS')).toHaveLength(2);
    // And it comes back: one more alert.
    if (saved) connecteam.assets.set(12345, saved);
    await waitFor(() => (slack.posted('C0ALERTS').length >= 3 ? true : undefined), 8000, 'back alert');
    expect(textOf(slack.posted('C0ALERTS')[2]?.params)).toContain('can be read again');
  });

  it('a Connecteam outage is a notice when it starts and one when it ends, not an asset alert', async () => {
    const before = slack.posted('C0ALERTS').length;
    connecteam.script('/assets/v1/asset/12345', { status: 503, body: { detail: 'down' } }, 1000);
    await waitFor(() => (slack.posted('C0ALERTS').length > before ? true : undefined), 8000, 'outage notice');
    expect(textOf(slack.posted('C0ALERTS')[before]?.params)).toContain("can't be checked right now");
    await sleep(2500);
    expect(slack.posted('C0ALERTS')).toHaveLength(before + 1);
    connecteam.scripted.length = 0;
    await waitFor(
      () => (slack.posted('C0ALERTS').length > before + 1 ? true : undefined),
      8000,
      'recovery notice',
    );
    expect(textOf(slack.posted('C0ALERTS')[before + 1]?.params)).toContain('work again');
    await sleep(2500);
    expect(slack.posted('C0ALERTS')).toHaveLength(before + 2);
  });

  it('unwatch -> announced, then silence', async () => {
    const { responseUrl } = await h.command('unwatch 12345', { channel_id: 'C0ALERTS' });
    const [reply] = await slack.waitForResponses(responseUrl);
    expect(reply?.body.response_type).toBe('in_channel');
    expect(reply?.body.text).toContain('stopped this channel watching asset 12345');
    const before = slack.posted('C0ALERTS').length;
    const asset = connecteam.assets.get(12345);
    if (asset && !('status' in asset)) asset.assignments.userIds = [];
    await sleep(3000);
    expect(slack.posted('C0ALERTS')).toHaveLength(before);
  });
});

describe('channel alerts: delivery failures', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({
      env: { WATCH_INTERVAL_SECONDS: '1', PERSON_LIMIT_PER_MINUTE: '1000' },
      connecteam: await roomyConnecteam(),
    });
  });
  afterEach(async () => {
    await h.stop();
    await h.connecteam.stop();
  });

  const change = (h: Harness, assetId: number, userIds: number[]) => {
    const asset = h.connecteam.assets.get(assetId);
    if (!asset || 'status' in asset) throw new Error('no such seeded asset');
    asset.assignments.userIds = userIds;
  };

  it('not_in_channel: no retry loop, the subscription pauses and its creator is told once', async () => {
    await watch(h, 'C0GONE', '12346', 'U0GRACE');
    h.slack.postFailures.set('C0GONE', { error: 'not_in_channel' });
    change(h, 12346, [9170359]);
    await waitFor(
      () =>
        h.slack.callsTo('chat.postMessage').some((c) => c.params.channel === 'U0GRACE') ? true : undefined,
      8000,
      'DM',
    );
    change(h, 12346, [9170359, 9170360]);
    await sleep(3000);
    const attempts = h.slack.callsTo('chat.postMessage').filter((c) => c.params.channel === 'C0GONE');
    expect(attempts).toHaveLength(1);
    const dms = h.slack.callsTo('chat.postMessage').filter((c) => c.params.channel === 'U0GRACE');
    expect(dms).toHaveLength(1);
    expect(String(dms[0]?.params.text)).toContain('stopped posting alerts about asset 12346 to <#C0GONE>');
    const { responseUrl } = await h.command('watching', { channel_id: 'C0GONE' });
    expect((await h.slack.waitForResponses(responseUrl))[0]?.body.text).toContain('paused (not_in_channel)');
  });

  it('a 429 in one of two channels delays that one and never repeats the other', async () => {
    await watch(h, 'C0ONE', '12346');
    await watch(h, 'C0TWO', '12346');
    h.slack.postFailures.set('C0TWO', { status: 429, retryAfter: 2, times: 1 });
    change(h, 12346, [9170361]);
    await waitFor(() => (h.slack.posted('C0TWO').length === 1 ? true : undefined), 12_000, 'delayed alert');
    await sleep(2500);
    expect(h.slack.posted('C0ONE')).toHaveLength(1);
    expect(h.slack.posted('C0TWO')).toHaveLength(1);
    expect(textOf(h.slack.posted('C0TWO')[0]?.params)).toContain('Edsger Dijkstra (9170361)');
  });

  it('refuses a private channel the app is not in, privately, saying how to fix it', async () => {
    h.slack.channels.set('G0SECRET', { is_private: true, is_member: false });
    const replies = await watch(h, 'G0SECRET', '12345');
    expect(replies[0]?.response_type).toBe('ephemeral');
    expect(replies[0]?.text).toContain('/invite @asset-audit');
    expect((await h.command('watching', { channel_id: 'G0SECRET' })).status).toBe(200);
  });

  it('joins a public channel it is not in', async () => {
    h.slack.channels.set('C0PUBLIC', { is_member: false });
    const replies = await watch(h, 'C0PUBLIC', '12345');
    expect(replies[0]?.response_type).toBe('in_channel');
    expect(h.slack.callsTo('conversations.join').map((c) => c.params.channel)).toContain('C0PUBLIC');
  });

  it('does not watch an asset that does not exist, and says why', async () => {
    const replies = await watch(h, 'C0ONE', '424242');
    expect(replies).toHaveLength(1);
    expect(replies[0]?.response_type).toBe('ephemeral');
    expect(replies[0]?.text).toContain('Not watching asset 424242');
    expect(replies[0]?.text).toContain('no asset with id');
  });

  it('the Watch for changes button under an audit watches that channel', async () => {
    const { responseUrl } = await h.command('12345', { channel_id: 'C0BUTTON' });
    const [audit] = await h.slack.waitForResponses(responseUrl);
    const actions = (audit?.body.blocks ?? []).find((b) => b.type === 'actions') as
      | { elements: Array<{ action_id: string; value: string }> }
      | undefined;
    expect(actions?.elements[0]).toMatchObject({ action_id: 'watch_asset', value: '12345' });
    const buttonUrl = h.slack.responseUrl();
    const { payloadBody, postToApp } = await import('../support/slack-request.js');
    const payload = {
      type: 'block_actions',
      user: { id: 'U0ADA', team_id: 'T0ACME' },
      team: { id: 'T0ACME', domain: 'acme' },
      channel: { id: 'C0BUTTON', name: 'button' },
      response_url: buttonUrl,
      trigger_id: 't',
      api_app_id: 'A0APP',
      container: { type: 'message', is_ephemeral: true },
      actions: [{ type: 'button', action_id: 'watch_asset', block_id: 'b', value: '12345', action_ts: '1' }],
    };
    expect((await postToApp(h.appUrl, payloadBody(payload))).status).toBe(200);
    const [announce] = await h.slack.waitForResponses(buttonUrl);
    expect(announce?.body.response_type).toBe('in_channel');
    expect(announce?.body.text).toContain('set this channel to watch asset 12345');
  });
});

describe('two in-process instances on Redis, with a slow Slack', () => {
  it('a post that takes seconds is still delivered exactly once', async () => {
    const { createClient } = await import('@redis/client');
    const url = 'redis://127.0.0.1:6379/8';
    const redis = createClient({ url });
    await redis.connect();
    await redis.flushDb();
    await redis.quit();
    const slack = await new FakeSlack().start();
    const connecteam = await roomyConnecteam();
    const env = { STORE_URL: url, WATCH_INTERVAL_SECONDS: '1' };
    const a = await startHarness({ env, slack, connecteam });
    const b = await startHarness({ env, slack, connecteam });
    try {
      await watch(a, 'C0SLOW', '12345');
      await sleep(1500);
      slack.script('chat.postMessage', { delayMs: 4000, body: { ok: true, ts: '1.1' } });
      const asset = connecteam.assets.get(12345);
      if (!asset || 'status' in asset) throw new Error('seed changed');
      asset.assignments.userIds = [9170358];
      await waitFor(() => (slack.callsTo('chat.postMessage').length > 0 ? true : undefined), 8000, 'post');
      await sleep(8000);
      expect(slack.callsTo('chat.postMessage').filter((c) => c.params.channel === 'C0SLOW')).toHaveLength(1);
    } finally {
      await a.stop();
      await b.stop();
      await slack.stop();
      await connecteam.stop();
    }
  }, 40_000);
});

describe('an audit that fetches a watched asset', () => {
  it('counts as its check: the change is alerted at once, without another poll', async () => {
    const connecteam = await new FakeConnecteam().start();
    connecteam.quota.minuteLimit = 100_000;
    connecteam.quota.dayLimit = 100_000_000;
    // A long interval: without the audit, the next check would be minutes away.
    const h = await startHarness({
      env: { WATCH_INTERVAL_SECONDS: '600', CACHE_TTL_SECONDS: '1' },
      connecteam,
    });
    try {
      await watch(h, 'C0AUDITED', '12346');
      await sleep(1200); // past the cache TTL, so the audit fetches fresh
      const asset = connecteam.assets.get(12346);
      if (!asset || 'status' in asset) throw new Error('seed changed');
      asset.assignments.userIds = [9170360];
      const polls = connecteam.callsTo('/assets/v1/asset/12346').length;
      const { responseUrl } = await h.command('12346', { channel_id: 'C0ELSEWHERE' });
      await h.slack.waitForResponses(responseUrl);
      await waitFor(() => (h.slack.posted('C0AUDITED').length > 0 ? true : undefined), 5000, 'alert');
      expect(textOf(h.slack.posted('C0AUDITED')[0]?.params)).toContain('Katherine Johnson (9170360)');
      expect(connecteam.callsTo('/assets/v1/asset/12346').length).toBe(polls + 1);
      await sleep(1500);
      expect(h.slack.posted('C0AUDITED')).toHaveLength(1);
    } finally {
      await h.stop();
      await connecteam.stop();
    }
  });
});
