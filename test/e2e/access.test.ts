import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeConnecteam } from '../support/fake-connecteam.js';
import { FakeSlack } from '../support/fake-slack.js';
import { type Harness, startHarness } from '../support/harness.js';
import { sleep } from '../support/http-util.js';
import { messageShortcut } from '../support/slack-payloads.js';
import { payloadBody, postToApp } from '../support/slack-request.js';

const textOf = (body: { text?: string; blocks?: unknown[] } | undefined) =>
  `${body?.text ?? ''}\n${JSON.stringify(body?.blocks ?? [])}`;

/** The structured audit-trail lines the app logged. */
const trail = (h: Harness) =>
  h.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((record) => record.trail === true);

async function ask(h: Harness, text: string, user: string, teamId?: string) {
  const { status, responseUrl } = await h.command(text, {
    user_id: user,
    ...(teamId ? { team_id: teamId } : {}),
  });
  expect(status).toBe(200);
  const [reply] = await h.slack.waitForResponses(responseUrl);
  return textOf(reply?.body);
}

describe('who may use it: AUDITORS set (a user and a user group)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { AUDITORS: 'U0ADA,S0AUDIT', AUDITORS_CONTACT: '#access-team' } });
    h.slack.usergroups.set('S0AUDIT', ['U0GRACE']);
  });
  afterAll(() => h.stop());

  it('lets a listed auditor audit', async () => {
    expect(await ask(h, '12345', 'U0ADA')).toContain('Who can reach asset 12345');
  });

  it('lets a member of a listed user group audit', async () => {
    expect(await ask(h, '12346', 'U0GRACE')).toContain('Who can reach asset 12346');
    expect(h.slack.callsTo('usergroups.users.list')[0]?.params.usergroup).toBe('S0AUDIT');
  });

  it('refuses a member who is not an auditor, privately, naming the contact, with no Connecteam call', async () => {
    const before = h.connecteam.calls.length;
    const text = await ask(h, '12345', 'U0ALAN');
    expect(text).toContain('Only auditors');
    expect(text).toContain('#access-team');
    expect(text).toContain('/asset-audit me');
    expect(h.connecteam.calls.length).toBe(before);
    const last = trail(h).at(-1);
    expect(last).toMatchObject({
      actor: 'U0ALAN',
      action: 'audit',
      assetIds: [12345],
      channelId: 'C0GENERAL',
      outcome: 'refused:not_auditor',
    });
  });

  it('still lets a non-auditor ask about themselves', async () => {
    expect(await ask(h, 'me 12345', 'U0ALAN')).toContain('you are assigned to it directly');
    expect(trail(h).at(-1)).toMatchObject({ actor: 'U0ALAN', action: 'self_check', outcome: 'answered' });
  });

  it('refuses a request from another workspace', async () => {
    const before = h.connecteam.calls.length;
    expect(await ask(h, '12345', 'U0ADA', 'T0OTHER')).toContain('only answers people of the workspace');
    expect(await ask(h, 'me 12345', 'U0ADA', 'T0OTHER')).toContain('only answers people of the workspace');
    expect(h.connecteam.calls.length).toBe(before);
  });
});

describe('who may use it: AUDITORS unset', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { PERSON_LIMIT_PER_MINUTE: '3', PERSON_LIMIT_PER_DAY: '100' } });
  });
  afterAll(() => h.stop());

  it('lets a full member audit', async () => {
    expect(await ask(h, '12345', 'U0ALAN')).toContain('Who can reach asset 12345');
  });

  it.each([
    ['U0GUEST', 'is_restricted'],
    ['U0SINGLE', 'is_ultra_restricted'],
  ])('refuses guest %s (%s) with no Connecteam call, but answers them about themselves', async (user) => {
    const before = h.connecteam.calls.length;
    const text = await ask(h, '12346', user);
    expect(text).toContain("Guests can't look up who can reach an asset");
    expect(text).toContain('a workspace admin');
    expect(h.connecteam.calls.length).toBe(before);
    expect(trail(h).at(-1)).toMatchObject({ actor: user, outcome: 'refused:guest' });
    // "me" is allowed to guests: it reveals only their own status.
    expect(await ask(h, 'me 12345', user)).toContain("couldn't find you in Connecteam");
  });

  it('guests may use the shortcut too', async () => {
    const responseUrl = h.slack.responseUrl();
    const payload = messageShortcut({ userId: 'U0GUEST', responseUrl, message: { text: 'asset 12345' } });
    expect((await postToApp(h.appUrl, payloadBody(payload))).status).toBe(200);
    const [reply] = await h.slack.waitForResponses(responseUrl);
    expect(textOf(reply?.body)).toContain("couldn't find you in Connecteam");
  });

  it('stops a person hammering distinct uncached ids, while cached answers and other people go on', async () => {
    for (let id = 60_001; id <= 60_006; id += 1) {
      h.connecteam.assets.set(id, {
        permissions: [{ userId: 9170357 }],
        assignments: { userIds: [], smartGroups: [] },
      });
    }
    const answers: string[] = [];
    for (let id = 60_001; id <= 60_005; id += 1) answers.push(await ask(h, String(id), 'U0KATE'));
    // 3 a minute: the 4th and 5th distinct uncached ids are refused without calling Connecteam.
    expect(answers.slice(0, 3).every((a) => a.includes('Who can reach'))).toBe(true);
    expect(answers[3]).toContain("You've reached your limit of new Connecteam look-ups (3 a minute)");
    expect(answers[3]).toMatch(/go on in \d+ (second|minute)s?/);
    expect(h.connecteam.callsTo('/assets/v1/asset/60004')).toHaveLength(0);
    expect(trail(h).filter((t) => t.actor === 'U0KATE' && t.outcome === 'refused:person_limit')).toHaveLength(
      2,
    );
    // A cached answer does not count: 60001 was just fetched.
    expect(await ask(h, '60001', 'U0KATE')).toContain('Who can reach asset 60001');
    // Someone else is unaffected.
    expect(await ask(h, '60006', 'U0ADA')).toContain('Who can reach asset 60006');
  });

  it('writes one structured trail line per request, with ids only', async () => {
    const lines = trail(h);
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) {
      expect(line).toEqual(
        expect.objectContaining({
          actor: expect.any(String),
          action: expect.any(String),
          outcome: expect.any(String),
          at: expect.any(String),
        }),
      );
      expect(JSON.stringify(line)).not.toMatch(/Lovelace|example\.com|Turing/);
    }
  });
});

describe('AUDIT_LOG_CHANNEL', () => {
  it('posts each trail line to the channel without pinging anyone', async () => {
    const h = await startHarness({ env: { AUDIT_LOG_CHANNEL: 'C0AUDITLOG' } });
    try {
      await ask(h, '12345', 'U0ADA');
      await sleep(100);
      const posts = h.slack.callsTo('chat.postMessage').filter((c) => c.params.channel === 'C0AUDITLOG');
      expect(posts).toHaveLength(1);
      expect(String(posts[0]?.params.text)).toContain(
        '`U0ADA` audit asset 12345 in <#C0GENERAL> via command: answered',
      );
      expect(String(posts[0]?.params.text)).not.toContain('<@');
    } finally {
      await h.stop();
    }
  });
});

describe('per-person limits shared by two instances on Redis', () => {
  let slack: FakeSlack;
  let connecteam: FakeConnecteam;
  let a: Harness;
  let b: Harness;
  const run = Date.now().toString(36).toUpperCase();
  const user = `U0R${run}`;
  const base = 70_000_000 + Math.floor(Math.random() * 1_000_000) * 10;

  beforeAll(async () => {
    slack = await new FakeSlack().start();
    connecteam = await new FakeConnecteam().start();
    slack.users.push({
      id: user,
      team_id: 'T0ACME',
      name: 'hammer',
      profile: { email: 'hammer@example.com' },
    });
    for (let i = 0; i < 6; i += 1) {
      connecteam.assets.set(base + i, {
        permissions: [{ userId: 9170357 }],
        assignments: { userIds: [], smartGroups: [] },
      });
    }
    const env = { STORE_URL: 'redis://127.0.0.1:6379/6', PERSON_LIMIT_PER_MINUTE: '4' };
    a = await startHarness({ env, slack, connecteam });
    b = await startHarness({ env, slack, connecteam });
  });
  afterAll(async () => {
    await a.stop();
    await b.stop();
    await slack.stop();
    await connecteam.stop();
  });

  it('counts look-ups made through either instance against one budget', async () => {
    // The limit is per clock minute: start at the top of one if the current one is nearly over.
    if (Date.now() % 60_000 > 50_000) await sleep(60_000 - (Date.now() % 60_000) + 50);
    const answers: string[] = [];
    for (let i = 0; i < 6; i += 1) answers.push(await ask(i % 2 === 0 ? a : b, String(base + i), user));
    const allowed = answers.filter((t) => t.includes('Who can reach')).length;
    const refused = answers.filter((t) => t.includes("You've reached your limit")).length;
    expect(allowed).toBe(4);
    expect(refused).toBe(2);
    expect(connecteam.callsTo(`/assets/v1/asset/${base + 4}`)).toHaveLength(0);
  });
});

describe('who may use it: edge cases', () => {
  it('a guest inside an AUDITORS user group is still refused', async () => {
    const h = await startHarness({ env: { AUDITORS: 'S0AUDIT' } });
    try {
      h.slack.usergroups.set('S0AUDIT', ['U0GRACE', 'U0GUEST']);
      expect(await ask(h, '12345', 'U0GUEST')).toContain("Guests can't look up who can reach an asset");
      expect(await ask(h, '12345', 'U0GRACE')).toContain('Who can reach asset 12345');
    } finally {
      await h.stop();
    }
  });

  it('a user group Slack cannot list refuses politely (and other groups still work)', async () => {
    const h = await startHarness({ env: { AUDITORS: 'S0BROKEN,S0AUDIT', AUDITORS_CONTACT: '#it-access' } });
    try {
      h.slack.usergroups.set('S0AUDIT', ['U0GRACE']);
      const before = h.connecteam.calls.length;
      const text = await ask(h, '12345', 'U0ALAN');
      expect(text).toContain("couldn't check with Slack whether you may");
      expect(text).toContain('#it-access');
      expect(h.connecteam.calls.length).toBe(before);
      expect(trail(h).at(-1)).toMatchObject({ actor: 'U0ALAN', outcome: 'refused:unverifiable' });
      expect(await ask(h, '12345', 'U0GRACE')).toContain('Who can reach asset 12345');
    } finally {
      await h.stop();
    }
  });

  it('watch counts every first snapshot against the per-person limit', async () => {
    const h = await startHarness({ env: { PERSON_LIMIT_PER_MINUTE: '2' } });
    try {
      if (Date.now() % 60_000 > 55_000) await sleep(60_000 - (Date.now() % 60_000) + 50);
      await ask(h, '12345', 'U0GRACE'); // cached now, but watching still fetches fresh
      for (let i = 0; i < 2; i += 1) {
        await ask(h, 'watch 12345', 'U0GRACE');
        await ask(h, 'unwatch 12345', 'U0GRACE');
      }
      expect(await ask(h, 'watch 12345', 'U0GRACE')).toContain("You've reached your limit");
    } finally {
      await h.stop();
    }
  });
});
