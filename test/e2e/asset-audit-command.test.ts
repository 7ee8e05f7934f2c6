import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.js';
import { sleep } from '../support/http-util.js';
import { commandBody, postToApp, SIGNING_SECRET, sign } from '../support/slack-request.js';

const textOf = (body: { text?: string; blocks?: unknown[] }) =>
  `${body.text ?? ''}\n${JSON.stringify(body.blocks ?? [])}`;

describe('/asset-audit end to end (HTTP mode)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { CACHE_TTL_SECONDS: '60', PERSON_LIMIT_PER_MINUTE: '1000' } });
  });
  afterAll(async () => {
    await h.stop();
  });
  afterEach(() => {
    h.connecteam.latencyMs = 0;
    h.connecteam.scripted.length = 0;
  });

  it('answers 12345 privately with admins, assigned people and smart groups by name', async () => {
    const { status, ms, responseUrl } = await h.command('12345');
    expect(status).toBe(200);
    expect(ms).toBeLessThan(3000);
    const [reply] = await h.slack.waitForResponses(responseUrl);
    const body = reply?.body ?? {};
    expect(body.response_type).toBe('ephemeral');
    const text = textOf(body);
    expect(text).toContain('Who can reach asset 12345');
    expect(text).toContain('Ada Lovelace (9170357)');
    expect(text).toContain('Grace Hopper (9170358)');
    expect(text).toContain('Alan Turing (9170359)');
    expect(text).toMatch(/Katherine Johnson \(9170360\) · _archived_/);
    expect(text).toContain('Marketing (sg-marketing)');
    expect(text).toContain('*Admins (2)*');
    expect(text).toContain('*Assigned people (3)*');
    expect(text).toContain('*Smart groups (2)*');
    expect(text).toContain('Fetched from Connecteam');
    // The API key went to Connecteam, and nowhere near the reply or the logs.
    expect(h.connecteam.calls.every((c) => c.apiKey === h.connecteam.apiKey)).toBe(true);
    expect(text).not.toContain(h.connecteam.apiKey);
    expect(h.logs.join('\n')).not.toContain(h.connecteam.apiKey);
    expect(h.logs.join('\n')).not.toContain(h.slack.botToken);
  });

  it('shows unknown groups as they are and named numeric groups by name', async () => {
    const { responseUrl } = await h.command('asset #12346.');
    const [reply] = await h.slack.waitForResponses(responseUrl);
    const text = textOf(reply?.body ?? {});
    expect(text).toContain('Night shift (501)');
    expect(text).toContain('• sg-unknown');
    expect(text).toContain('*Assigned people (0)*\\n_None_');
  });

  it('serves a second audit from the cache and says how old it is', async () => {
    await h.command('12345');
    const before = h.connecteam.callsTo('/assets/').length;
    const { responseUrl } = await h.command('12345');
    const [reply] = await h.slack.waitForResponses(responseUrl);
    expect(h.connecteam.callsTo('/assets/').length).toBe(before);
    expect(textOf(reply?.body ?? {})).toMatch(/cached, \d+ seconds? old/);
  });

  it.each([
    ['', 'tells you who can reach'],
    ['help', 'tells you who can reach'],
    ['abc', 'there is no asset id in it'],
    ['0', 'asset ids start at 1'],
    ['-3', 'positive'],
    ['12345 12346', 'one asset at a time'],
    ['99999999999999999999', 'too large'],
  ])('"%s" is answered privately without calling Connecteam', async (text, expected) => {
    const before = h.connecteam.calls.length;
    const { status, responseUrl } = await h.command(text);
    expect(status).toBe(200);
    const [reply] = await h.slack.waitForResponses(responseUrl);
    expect(reply?.body.response_type).toBe('ephemeral');
    expect(textOf(reply?.body ?? {})).toContain(expected);
    expect(h.connecteam.calls.length).toBe(before);
  });

  it('undoes Slack escaping and echoes bad input escaped', async () => {
    const { responseUrl } = await h.command('&lt;!channel&gt; &amp; co');
    const [reply] = await h.slack.waitForResponses(responseUrl);
    const text = textOf(reply?.body ?? {});
    expect(text).toContain('&lt;!channel&gt; &amp; co');
    expect(text).not.toContain('<!channel>');
  });

  // Each case uses its own asset id: a 404 is cached, and the others must not see it.
  it.each([
    [771, 404, { detail: 'Asset not found' }, 'no asset with id *771*'],
    [772, 403, { detail: 'Access denied to this asset' }, "can't see asset 772"],
    [773, 401, { detail: 'bad key' }, 'refused the app'],
    [774, 429, { detail: 'Too many requests' }, 'Try again in 2 s'],
    [775, 200, { detail: 'Too many requests' }, 'Try again in 2 s'],
    [776, 503, { detail: 'down' }, "didn't answer properly while checking asset 776"],
    [777, 200, 'not json at all', "didn't answer properly while checking asset 777"],
    [778, 200, { data: { permissions: 'nope' } }, 'asset 778 was not in a form asset-audit understands'],
  ])(
    'asset %i: HTTP %i from Connecteam becomes a friendly answer',
    async (assetId, status, body, expected) => {
      // The minute window resets 2 s from now, so the rate-limit cases do not block the others for long.
      const resetAt = Math.ceil(Date.now() / 1000) + 2;
      h.connecteam.script(
        `/assets/v1/asset/${assetId}`,
        { status, body, headers: { 'x-ratelimit-minute-reset': String(resetAt) } },
        3,
      );
      const { responseUrl } = await h.command(String(assetId));
      const [reply] = await h.slack.waitForResponses(responseUrl);
      const text = textOf(reply?.body ?? {});
      expect(text).toContain(expected.replace('2 s', ''));
      expect(text).not.toMatch(/undefined|stack|Error:/);
      if (expected.includes('Try again')) {
        expect(text).toMatch(/Try again in [1-3] s/);
        // While the limit lasts, nothing more is sent to Connecteam.
        const calls = h.connecteam.calls.length;
        const again = await h.command('12');
        expect(textOf((await h.slack.waitForResponses(again.responseUrl))[0]?.body ?? {})).toContain(
          'Connecteam is busy',
        );
        expect(h.connecteam.calls.length).toBe(calls);
        await sleep(resetAt * 1000 - Date.now() + 50);
      }
    },
  );

  it('acks at once when Connecteam is slow, says the answer is coming, then answers', async () => {
    h.connecteam.assets.set(5150, {
      permissions: [{ userId: 9170358 }],
      assignments: { userIds: [], smartGroups: [] },
    });
    h.connecteam.latencyMs = 3500;
    const { status, ms, responseUrl } = await h.command('5150');
    expect(status).toBe(200);
    expect(ms).toBeLessThan(500);
    const replies = await h.slack.waitForResponses(responseUrl, 2, 15_000);
    expect(textOf(replies[0]?.body ?? {})).toContain('slow to answer about asset 5150');
    expect(textOf(replies[1]?.body ?? {})).toContain('Who can reach asset 5150');
  });

  it('20 concurrent audits of one uncached asset make one call per kind of data', async () => {
    h.connecteam.assets.set(4242, {
      permissions: [{ userId: 9170357 }],
      assignments: { userIds: [9170359], smartGroups: ['sg-sales'] },
    });
    h.connecteam.latencyMs = 200;
    const before = { asset: h.connecteam.callsTo('/assets/v1/asset/4242').length };
    const runs = await Promise.all(Array.from({ length: 20 }, () => h.command('4242')));
    await Promise.all(runs.map((r) => h.slack.waitForResponses(r.responseUrl)));
    expect(h.connecteam.callsTo('/assets/v1/asset/4242').length - before.asset).toBe(1);
    for (const run of runs)
      expect(textOf(h.slack.responsesTo(run.responseUrl)[0]?.body ?? {})).toContain('Ada Lovelace');
  });

  describe('request signing', () => {
    const body = (responseUrl = h.slack.responseUrl()) =>
      commandBody({ text: '9001', response_url: responseUrl });

    it('refuses an unsigned request and runs nothing', async () => {
      const before = h.connecteam.calls.length;
      const responseUrl = h.slack.responseUrl();
      const { status } = await postToApp(h.appUrl, body(responseUrl), {});
      expect(status).toBe(401);
      await sleep(200);
      expect(h.connecteam.calls.length).toBe(before);
      expect(h.slack.responsesTo(responseUrl)).toHaveLength(0);
    });

    it('refuses a wrong signature', async () => {
      const b = body();
      const { status } = await postToApp(h.appUrl, b, sign(b, 'another-secret'));
      expect(status).toBe(401);
    });

    it('refuses a signature over a different body', async () => {
      const b = body();
      const { status } = await postToApp(h.appUrl, b, sign(`${b}&x=1`, SIGNING_SECRET));
      expect(status).toBe(401);
    });

    it('refuses a stale timestamp (over 5 minutes old)', async () => {
      const b = body();
      const { status } = await postToApp(
        h.appUrl,
        b,
        sign(b, SIGNING_SECRET, Math.floor(Date.now() / 1000) - 6 * 60),
      );
      expect(status).toBe(401);
    });

    it('accepts header names in any case', async () => {
      const b = body();
      const headers = Object.fromEntries(Object.entries(sign(b)).map(([k, v]) => [k.toUpperCase(), v]));
      const { status } = await postToApp(h.appUrl, b, headers);
      expect(status).toBe(200);
    });
  });

  it('answers GET /healthz', async () => {
    const response = await fetch(`${h.appUrl}/healthz`);
    expect(response.status).toBe(200);
  });
});
