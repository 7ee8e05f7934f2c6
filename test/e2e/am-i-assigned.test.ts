import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MessageLike } from '../../src/audit/extract-asset-ids.js';
import type { ResponseUrlPost } from '../support/fake-slack.js';
import { type Harness, startHarness } from '../support/harness.js';
import { sleep } from '../support/http-util.js';
import { messageShortcut, viewSubmission } from '../support/slack-payloads.js';
import { payloadBody, postToApp } from '../support/slack-request.js';

const textOf = (body: { text?: string; blocks?: unknown[] }) =>
  `${body.text ?? ''}\n${JSON.stringify(body.blocks ?? [])}`;

/** Everyone the seed knows, by Slack id (where they have one), with their Connecteam ids. */
const PEOPLE = [
  { slack: 'U0ADA', names: ['Ada', 'Lovelace'], id: 9170357 },
  { slack: 'U0GRACE', names: ['Grace', 'Hopper'], id: 9170358 },
  { slack: 'U0ALAN', names: ['Alan', 'Turing'], id: 9170359 },
  { slack: 'U0KATE', names: ['Katherine', 'Johnson'], id: 9170360 },
  { slack: undefined, names: ['Edsger', 'Dijkstra'], id: 9170361 },
];

/** The answer names no one but `self` (a Connecteam id), by name or by id. */
function expectOnlyOwnStatus(text: string, self: number | undefined) {
  for (const other of PEOPLE.filter((p) => p.id !== self)) {
    for (const name of other.names) expect(text).not.toContain(name);
    expect(text).not.toContain(String(other.id));
  }
}

// Limits high enough that the many checks below are not refused by the per-person limiter.
const ENV = { PERSON_LIMIT_PER_MINUTE: '10000', PERSON_LIMIT_PER_DAY: '1000000' };

describe('"Am I assigned?" end to end (HTTP mode)', () => {
  let h: Harness;

  /** Sends the message shortcut signed; returns the ack and the response_url to watch. */
  async function shortcut(
    userId: string,
    message: MessageLike & Record<string, unknown>,
    triggerId?: string,
  ) {
    const responseUrl = h.slack.responseUrl();
    const payload = messageShortcut({ userId, responseUrl, message, ...(triggerId ? { triggerId } : {}) });
    const sentAt = Date.now();
    const ack = await postToApp(h.appUrl, payloadBody(payload));
    return { ...ack, responseUrl, sentAt };
  }

  /** The shortcut's one answer, with the checks every answer must pass. */
  async function answer(userId: string, message: MessageLike & Record<string, unknown>): Promise<string> {
    const { status, ms, responseUrl } = await shortcut(userId, message);
    expect(status).toBe(200);
    expect(ms).toBeLessThan(1000);
    const [reply] = await h.slack.waitForResponses(responseUrl);
    return checkedText(reply);
  }

  function checkedText(reply: ResponseUrlPost | undefined): string {
    expect(reply).toBeDefined();
    const body = reply?.body ?? {};
    expect(body.response_type).toBe('ephemeral');
    const text = textOf(body);
    expect(text).not.toMatch(/undefined|stack|Error:/);
    return text;
  }

  beforeAll(async () => {
    h = await startHarness({ env: { ...ENV } });
    // Someone who is both admin and assigned: Ada on 20001.
    h.connecteam.assets.set(20001, {
      permissions: [{ userId: 9170357 }],
      assignments: { userIds: [9170357, 9170359], smartGroups: [] },
    });
  });
  afterAll(async () => {
    await h.stop();
  });
  afterEach(() => {
    h.connecteam.scripted.length = 0;
  });

  it('assigned directly: U0ALAN on asset 12345', async () => {
    const text = await answer('U0ALAN', { text: 'Can someone check asset 12345?', user: 'U0ADA' });
    expect(text).toContain('*Asset 12345*: you are assigned to it directly');
    expect(text).toContain('Alan Turing');
    expect(text).toContain('9170359');
    expectOnlyOwnStatus(text, 9170359);
  });

  it('assigned through a smart group, named: U0ALAN on 12346 -> Night shift', async () => {
    const text = await answer('U0ALAN', { text: '#12346' });
    expect(text).toContain('*Asset 12346*: you are assigned to it through smart group Night shift (501)');
    expect(text).not.toContain('sg-unknown');
    expect(text).not.toContain('directly');
    expectOnlyOwnStatus(text, 9170359);
  });

  it('admin, not assigned: U0ADA on 12345', async () => {
    const text = await answer('U0ADA', { text: 'asset: 12345' });
    expect(text).toContain('*Asset 12345*: you are an admin of it (but not assigned to it)');
    expect(text).toContain('Ada Lovelace');
    expectOnlyOwnStatus(text, 9170357);
  });

  it('admin and assigned: U0ADA on 20001', async () => {
    const text = await answer('U0ADA', { text: 'asset #20001' });
    expect(text).toContain('*Asset 20001*: you are an admin of it, and also assigned to it directly');
    expectOnlyOwnStatus(text, 9170357);
  });

  it('not assigned: U0GRACE (Grace@Example.COM in Slack) on 12346', async () => {
    const text = await answer('U0GRACE', { text: '12346' });
    expect(text).toContain('*Asset 12346*: you are not assigned to it, and not an admin of it');
    expect(text).toContain('Grace Hopper');
    expectOnlyOwnStatus(text, 9170358);
  });

  it('an asset Connecteam does not have (404)', async () => {
    const text = await answer('U0ALAN', { text: 'asset 40404' });
    expect(text).toContain('no asset with id *40404*');
    expectOnlyOwnStatus(text, 9170359);
  });

  it("an asset the API key can't read (403)", async () => {
    h.connecteam.script('/assets/v1/asset/40301', { status: 403, body: { detail: 'Access denied' } }, 3);
    const text = await answer('U0ALAN', { text: 'asset 40301' });
    expect(text).toContain("can't see asset 40301");
    expectOnlyOwnStatus(text, 9170359);
  });

  it('a Slack user with no email: not found in Connecteam, what to do, and no asset call', async () => {
    const before = h.connecteam.callsTo('/assets/').length;
    const text = await answer('U0NOMAIL', { text: 'asset 12345' });
    expect(text).toContain("couldn't find you in Connecteam");
    expect(text).toContain('no email address');
    expect(text).toContain('IDENTITY_OVERRIDES');
    expect(h.connecteam.callsTo('/assets/').length).toBe(before);
    expectOnlyOwnStatus(text, undefined);
  });

  it('no Connecteam user with the Slack email: U0ALICE', async () => {
    const text = await answer('U0ALICE', { text: 'asset 12345' });
    expect(text).toContain("couldn't find you in Connecteam");
    expect(text).toContain('alice@example.com');
    expect(text).toContain('IDENTITY_OVERRIDES');
    expect(text).not.toContain('you are assigned');
    expectOnlyOwnStatus(text, undefined);
  });

  it('an archived Connecteam account is answered and said to be archived: U0KATE', async () => {
    const text = await answer('U0KATE', { text: 'asset 12345' });
    expect(text).toContain('Katherine Johnson');
    expect(text).toContain('*archived*');
    expect(text).toContain('*Asset 12345*: you are assigned to it directly');
    expectOnlyOwnStatus(text, 9170360);
  });

  it('a bot message with only attachments', async () => {
    const text = await answer('U0ALAN', {
      subtype: 'bot_message',
      bot_id: 'B0FORMS',
      username: 'Forms',
      text: '',
      attachments: [
        {
          fallback: 'New submission for asset 12345',
          text: 'A new form was submitted',
          fields: [{ title: 'Asset', value: '12345' }],
        },
      ],
    });
    expect(text).toContain('*Asset 12345*: you are assigned to it directly');
  });

  it('a message whose id is only inside rich_text blocks', async () => {
    const text = await answer('U0ALAN', {
      text: '',
      blocks: [
        {
          type: 'rich_text',
          block_id: 'b1',
          elements: [
            {
              type: 'rich_text_section',
              elements: [
                { type: 'user', user_id: 'U0ADA' },
                { type: 'text', text: ' please look at asset ' },
                { type: 'text', text: '12346', style: { bold: true } },
              ],
            },
          ],
        },
      ],
    });
    expect(text).toContain('*Asset 12346*');
    expect(text).toContain('Night shift');
  });

  it('7 ids: 5 answered, 2 left out and named', async () => {
    const text = await answer('U0ALAN', {
      text: 'asset 12345, asset 12346, asset 20001, asset 30001, asset 30002, asset 30003, asset 30004',
    });
    for (const id of [12345, 12346, 20001]) expect(text).toContain(`*Asset ${id}*`);
    for (const id of [30001, 30002]) expect(text).toContain(`no asset with id *${id}*`);
    expect(text).toContain('2 more asset ids were left out (30003, 30004)');
    expect(h.connecteam.callsTo('/assets/v1/asset/30003')).toHaveLength(0);
    expect(h.connecteam.callsTo('/assets/v1/asset/30004')).toHaveLength(0);
    expectOnlyOwnStatus(text, 9170359);
  });

  it('a message with files only and no id opens the modal', async () => {
    const triggerId = 'trigger-files-only';
    const { status, ms, sentAt } = await shortcut(
      'U0ALAN',
      { text: '', files: [{ id: 'F12345', name: 'report 12345.pdf' }], upload: true },
      triggerId,
    );
    expect(status).toBe(200);
    expect(ms).toBeLessThan(1000);
    const open = await waitForViewsOpen(triggerId);
    expect(open.at - sentAt).toBeLessThan(3000);
  });

  async function waitForViewsOpen(triggerId: string) {
    const deadline = Date.now() + 3000;
    for (;;) {
      const call = h.slack.callsTo('views.open').find((c) => c.params.trigger_id === triggerId);
      if (call) return call;
      if (Date.now() > deadline) throw new Error(`views.open was not called with ${triggerId}`);
      await sleep(10);
    }
  }

  describe('a message with no id: the modal', () => {
    const triggerId = 'trigger-no-id';
    let responseUrl: string;
    let privateMetadata: string;

    it('opens the modal with the trigger id within the ack window', async () => {
      const sent = await shortcut('U0ALAN', { text: 'call 555-1234 at 10:30 in room 204' }, triggerId);
      responseUrl = sent.responseUrl;
      expect(sent.status).toBe(200);
      expect(sent.ms).toBeLessThan(1000);
      const open = await waitForViewsOpen(triggerId);
      expect(open.at - sent.sentAt).toBeLessThan(3000);
      const view = open.params.view as { callback_id?: string; private_metadata?: string };
      expect(view.callback_id).toBe('am_i_assigned_modal');
      expect(view.private_metadata).toContain(responseUrl);
      privateMetadata = view.private_metadata ?? '';
      // Nothing is answered at the response_url yet.
      await sleep(100);
      expect(h.slack.responsesTo(responseUrl)).toHaveLength(0);
    });

    const submit = (value: string, metadata = privateMetadata, userId = 'U0ALAN') =>
      postToApp(
        h.appUrl,
        payloadBody(
          viewSubmission({
            userId,
            callbackId: 'am_i_assigned_modal',
            privateMetadata: metadata,
            blockId: 'asset',
            actionId: 'asset_id',
            value,
          }),
        ),
      );

    it.each([['abc'], ['0'], ['12345 12346'], ['']])(
      'a bad value (%j) is shown as an error in the modal',
      async (value) => {
        const before = h.connecteam.calls.length;
        const { status, ms, text } = await submit(value);
        expect(status).toBe(200);
        expect(ms).toBeLessThan(1000);
        const body = JSON.parse(text) as { response_action?: string; errors?: Record<string, string> };
        expect(body.response_action).toBe('errors');
        expect(body.errors?.asset).toEqual(expect.any(String));
        expect(h.connecteam.calls.length).toBe(before);
        expect(h.slack.responsesTo(responseUrl)).toHaveLength(0);
      },
    );

    it('forged or broken private_metadata is refused in the modal', async () => {
      for (const metadata of ['not json', '{}', JSON.stringify({ responseUrl: 'javascript:alert(1)' })]) {
        const { text } = await submit('12345', metadata);
        expect(JSON.parse(text)).toMatchObject({ response_action: 'errors' });
      }
    });

    it('a good value is answered at the original response_url', async () => {
      const { status, ms, text } = await submit('asset #12345');
      expect(status).toBe(200);
      expect(ms).toBeLessThan(1000);
      expect(text === '' || !text.includes('errors')).toBe(true);
      const [reply] = await h.slack.waitForResponses(responseUrl);
      const answerText = checkedText(reply);
      expect(answerText).toContain('*Asset 12345*: you are assigned to it directly');
      expectOnlyOwnStatus(answerText, 9170359);
    });
  });

  it('`/asset-audit me 12345` as U0ALAN does the same check', async () => {
    const { status, ms, responseUrl } = await h.command('me 12345', { user_id: 'U0ALAN' });
    expect(status).toBe(200);
    expect(ms).toBeLessThan(1000);
    const [reply] = await h.slack.waitForResponses(responseUrl);
    const text = checkedText(reply);
    expect(text).toContain('*Asset 12345*: you are assigned to it directly');
    expectOnlyOwnStatus(text, 9170359);
  });

  it('`/asset-audit me 12346` as U0GRACE: not assigned', async () => {
    const { responseUrl } = await h.command('me 12346', { user_id: 'U0GRACE' });
    const text = checkedText((await h.slack.waitForResponses(responseUrl))[0]);
    expect(text).toContain('you are not assigned to it, and not an admin of it');
    expectOnlyOwnStatus(text, 9170358);
  });

  it('an audit mentions matched people (case-insensitive email) and leaves the rest as name + id', async () => {
    const { status, responseUrl } = await h.command('12345', { user_id: 'U0ADA' });
    expect(status).toBe(200);
    const text = checkedText((await h.slack.waitForResponses(responseUrl))[0]);
    expect(text).toContain('<@U0ADA> Ada Lovelace (9170357)');
    expect(text).toContain('<@U0GRACE> Grace Hopper (9170358)');
    expect(text).toContain('<@U0ALAN> Alan Turing (9170359)');
    expect(text).toMatch(/• Edsger Dijkstra \(9170361\)/);
    expect(text).not.toMatch(/<@[A-Z0-9]+> Edsger/);
  });
});

describe('"Am I assigned?" with IDENTITY_OVERRIDES', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { ...ENV, IDENTITY_OVERRIDES: 'U0ALICE=9170359' } });
  });
  afterAll(async () => {
    await h.stop();
  });

  async function answer(userId: string, text: string): Promise<string> {
    const responseUrl = h.slack.responseUrl();
    const payload = messageShortcut({ userId, responseUrl, message: { text } });
    const { status, ms } = await postToApp(h.appUrl, payloadBody(payload));
    expect(status).toBe(200);
    expect(ms).toBeLessThan(1000);
    const [reply] = await h.slack.waitForResponses(responseUrl);
    expect(reply?.body.response_type).toBe('ephemeral');
    return textOf(reply?.body ?? {});
  }

  it("Alice is answered as Alan's account, linked by an override", async () => {
    const text = await answer('U0ALICE', 'asset 12345');
    expect(text).toContain('Alan Turing');
    expect(text).toContain('linked by an override');
    expect(text).toContain('*Asset 12345*: you are assigned to it directly');
    expectOnlyOwnStatus(text, 9170359);
  });

  it("Alan can't reach his account by email once an override gives it to Alice", async () => {
    const text = await answer('U0ALAN', 'asset 12345');
    expect(text).toContain('linked to another Slack account');
    expect(text).not.toContain('you are assigned');
    expectOnlyOwnStatus(text, undefined);
  });

  it('an audit mentions the override holder for the account', async () => {
    const { responseUrl } = await h.command('12345', { user_id: 'U0ADA' });
    const text = textOf((await h.slack.waitForResponses(responseUrl))[0]?.body ?? {});
    expect(text).toContain('<@U0ALICE> Alan Turing (9170359)');
    expect(text).not.toContain('<@U0ALAN>');
  });
});
