import { describe, expect, it } from 'vitest';
import type { Names } from '../../src/alerts/alert-port.js';
import type { Subscription } from '../../src/alerts/subscriptions.js';
import type { Change, ListChange } from '../../src/audit/diff.js';
import {
  BadApiKeyError,
  RateLimitedError,
  UnavailableError,
  UnexpectedResponseError,
} from '../../src/connecteam/errors.js';
import { alertRenderer } from '../../src/slack/blocks/alert-message.js';
import type { Message } from '../../src/slack/blocks/mrkdwn.js';

const ASSET = 12345;
const sub: Subscription = {
  assetId: ASSET,
  channelId: 'C0ALERTS',
  createdBy: 'U0ADA',
  createdAt: 1_750_000_000_000,
  told: { status: 'ok', admins: [], assignees: [], groups: [] },
};
const none = <T>(): ListChange<T> => ({ added: [], removed: [] });
const noNames: Names = { people: new Map(), groups: new Map() };

function access(
  parts: Partial<{ admins: ListChange<number>; assignees: ListChange<number>; groups: ListChange<string> }>,
): Extract<Change, { kind: 'access' }> {
  return {
    kind: 'access',
    admins: parts.admins ?? none(),
    assignees: parts.assignees ?? none(),
    groups: parts.groups ?? none(),
  };
}

/** Every `text` value anywhere in the blocks. */
function texts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(texts);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, inner]) =>
      key === 'text' && typeof inner === 'string' ? [inner] : texts(inner),
    );
  }
  return [];
}

const sectionTexts = (message: Message) =>
  message.blocks
    .filter((b) => b.type === 'section')
    .map((b) => (b as { text?: { text?: string } }).text?.text ?? '');

const all = (message: Message) => [message.text, ...texts(message.blocks)].join('\n');

/** Slack's limits, checked on a rendered message. */
function expectWithinSlackLimits(message: Message): void {
  expect(message.blocks.length).toBeGreaterThan(0);
  expect(message.blocks.length).toBeLessThanOrEqual(50);
  expect(JSON.stringify(message.blocks).length).toBeLessThan(12_000);
  expect(message.text.trim()).not.toBe('');
  expect(message.text.length).toBeLessThanOrEqual(3000);
  for (const text of texts(message.blocks)) expect(text.trim()).not.toBe('');
  for (const text of sectionTexts(message)) expect(text.length).toBeLessThanOrEqual(3000);
  for (const block of message.blocks) {
    if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(150);
    if (block.type === 'context') expect(block.elements.length).toBeLessThanOrEqual(10);
  }
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

describe('alertRenderer.change: access changes', () => {
  const names: Names = {
    people: new Map([
      [1, 'Ada Lovelace'],
      [2, 'Grace Hopper'],
      [3, 'Alan Turing'],
    ]),
    groups: new Map([['sg-sales', 'Sales']]),
  };

  it('lists who was added and removed, by plain name with the id', () => {
    const message = alertRenderer.change(
      sub,
      access({
        admins: { added: [1], removed: [2] },
        assignees: { added: [3], removed: [4] },
        groups: { added: ['sg-sales'], removed: ['sg-gone'] },
      }),
      false,
      names,
    );
    const text = all(message);
    expect(text).toContain(`Who can reach asset ${ASSET} changed`);
    expect(text).toContain('Admins added (1)');
    expect(text).toContain('Ada Lovelace (1)');
    expect(text).toContain('Admins removed (1)');
    expect(text).toContain('Grace Hopper (2)');
    expect(text).toContain('Assigned people added (1)');
    expect(text).toContain('Alan Turing (3)');
    expect(text).toContain('Assigned people removed (1)');
    expect(text).toContain('Connecteam user 4');
    expect(text).toContain('Smart groups added (1)');
    expect(text).toContain('Sales (sg-sales)');
    expect(text).toContain('Smart groups removed (1)');
    expect(text).toContain('sg-gone');
    expect(text).not.toMatch(/<@/);
    expectWithinSlackLimits(message);
  });

  it('never mentions anyone, even for many people', () => {
    const ids = range(9_000_000, 400);
    const people = new Map(ids.map((id) => [id, `Person ${id}`]));
    const message = alertRenderer.change(
      sub,
      access({
        admins: { added: ids.slice(0, 200), removed: [] },
        assignees: { added: [], removed: ids.slice(200) },
      }),
      false,
      { people, groups: new Map() },
    );
    expect(JSON.stringify(message)).not.toMatch(/<@|<!(channel|here|everyone)/);
    expectWithinSlackLimits(message);
  });

  it('3,000 people added stays within Slack limits, with "…and N more"', () => {
    const ids = range(7_000_000, 3_000);
    const people = new Map(ids.map((id) => [id, `Somebody With A Fairly Long Name ${id}`]));
    const message = alertRenderer.change(sub, access({ assignees: { added: ids, removed: [] } }), false, {
      people,
      groups: new Map(),
    });
    expectWithinSlackLimits(message);
    const section = sectionTexts(message).find((t) => t.includes('Assigned people added (3000)'));
    expect(section).toBeDefined();
    const shown = (section ?? '').split('\n').filter((line) => line.startsWith('• ')).length;
    expect(shown).toBeGreaterThan(0);
    const more = /…and (\d+) more$/.exec(section ?? '');
    expect(more).not.toBeNull();
    expect(shown + Number(more?.[1])).toBe(3_000);
    expect(JSON.stringify(message)).not.toContain('<@');
  });

  it('big changes in every list at once still fit', () => {
    const ids = range(1_000_000, 3_000);
    const groups = ids.map((id) => `sg-${id}`);
    const message = alertRenderer.change(
      sub,
      access({
        admins: { added: ids, removed: ids },
        assignees: { added: ids, removed: ids },
        groups: { added: groups, removed: groups },
      }),
      true,
      { people: new Map(ids.map((id) => [id, `Name ${id}`])), groups: new Map(groups.map((g) => [g, g])) },
    );
    expectWithinSlackLimits(message);
    expect(sectionTexts(message).filter((t) => /…and \d+ more$/.test(t))).toHaveLength(6);
  });

  it('escapes names that try to ping or link', () => {
    const message = alertRenderer.change(
      sub,
      access({ admins: { added: [1, 2], removed: [] }, groups: { added: ['<!here>'], removed: [] } }),
      false,
      {
        people: new Map([
          [1, '<!channel> everyone'],
          [2, 'Eve <@U0ADA> & <https://evil.example|click>'],
        ]),
        groups: new Map([['<!here>', '<!everyone>']]),
      },
    );
    const json = JSON.stringify(message);
    expect(json).not.toMatch(/<!channel>|<!here>|<!everyone>|<@U0ADA>|<https:/);
    expect(all(message)).toContain('&lt;!channel&gt; everyone (1)');
    expect(all(message)).toContain('Eve &lt;@U0ADA&gt; &amp; &lt;https://evil.example|click&gt; (2)');
    expect(all(message)).toContain('&lt;!everyone&gt; (&lt;!here&gt;)');
  });

  it('keeps a name on one line', () => {
    const message = alertRenderer.change(sub, access({ admins: { added: [1], removed: [] } }), false, {
      people: new Map([[1, 'Line one\n• fake bullet\r\nline three']]),
      groups: new Map(),
    });
    expect(all(message)).toContain('• Line one • fake bullet line three (1)');
  });

  it('says checks work again when a change ends an outage', () => {
    const message = alertRenderer.change(sub, access({ admins: { added: [1], removed: [] } }), true, names);
    expect(all(message)).toContain('Checks of it work again.');
    expect(all(message)).toContain('Ada Lovelace (1)');
  });

  it('an outage ending with nothing changed says so', () => {
    const message = alertRenderer.change(sub, undefined, true, noNames);
    expect(all(message)).toContain(`Checks of asset ${ASSET} work again; nothing changed meanwhile.`);
    expectWithinSlackLimits(message);
  });
});

describe('alertRenderer.change: readability', () => {
  it('disappeared', () => {
    const message = alertRenderer.change(sub, { kind: 'disappeared' }, false, noNames);
    expect(message.text).toContain(`Asset ${ASSET} no longer exists in Connecteam`);
    expect(all(message)).toContain('told if it comes back');
    expectWithinSlackLimits(message);
  });

  it('unreadable', () => {
    const message = alertRenderer.change(sub, { kind: 'unreadable' }, false, noNames);
    expect(message.text).toContain(`Asset ${ASSET} can no longer be read`);
    expect(all(message)).toContain('access denied');
    expectWithinSlackLimits(message);
  });

  it('back, nothing changed', () => {
    const message = alertRenderer.change(sub, { kind: 'back', access: undefined }, false, noNames);
    expect(message.text).toContain(`Asset ${ASSET} can be read again.`);
    expect(message.text).toContain('Nothing changed in who can reach it.');
    expectWithinSlackLimits(message);
  });

  it('back, with what changed since it was last readable', () => {
    const message = alertRenderer.change(
      sub,
      { kind: 'back', access: access({ assignees: { added: [5], removed: [] } }) },
      false,
      { people: new Map([[5, 'Edsger Dijkstra']]), groups: new Map() },
    );
    expect(message.text).toContain('can be read again.');
    expect(message.text).toContain('Since it was last readable:');
    expect(all(message)).toContain('Assigned people added (1)');
    expect(all(message)).toContain('Edsger Dijkstra (5)');
    expectWithinSlackLimits(message);
  });

  it('the fallback text carries no mrkdwn or emoji codes', () => {
    const message = alertRenderer.change(sub, { kind: 'disappeared' }, false, noNames);
    expect(message.text).not.toMatch(/[*_]|:[a-z_]+:/);
  });
});

describe('every change alert points to the audit command', () => {
  const cases: Array<[string, Change | undefined, boolean]> = [
    ['access', access({ admins: { added: [1], removed: [] } }), false],
    ['disappeared', { kind: 'disappeared' }, false],
    ['unreadable', { kind: 'unreadable' }, false],
    ['back', { kind: 'back', access: undefined }, false],
    ['back with changes', { kind: 'back', access: access({ groups: { added: ['g'], removed: [] } }) }, false],
    ['recovered', undefined, true],
  ];
  it.each(cases)('%s', (_name, change, recovered) => {
    const message = alertRenderer.change(sub, change, recovered, noNames);
    expect(all(message)).toContain(`/asset-audit ${ASSET}\``);
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { text: `Asset ${ASSET} changed` } });
  });
});

describe('alertRenderer.outage', () => {
  it.each([
    ['bad key', new BadApiKeyError(), "Connecteam refused the app's API key"],
    [
      'rate limit',
      new RateLimitedError(1_750_000_060_000),
      "the company's Connecteam request limit was reached",
    ],
    ['unavailable', new UnavailableError('timeout'), 'Connecteam is not answering'],
    ['unexpected', new UnexpectedResponseError('bad json'), 'did not understand'],
  ])('%s', (_name, error, words) => {
    const message = alertRenderer.outage(sub, error);
    expect(message.text).toContain(`Asset ${ASSET} can't be checked right now`);
    expect(message.text).toContain(words);
    expect(message.text).toContain('this channel will be told then');
    expectWithinSlackLimits(message);
    expect(JSON.stringify(message)).not.toContain('timeout');
  });
});

describe('alertRenderer.paused (DM to the subscription creator)', () => {
  it.each([
    ['not_in_channel', 'the app is not a member of that channel'],
    ['channel_not_found', 'the channel no longer exists'],
    ['is_archived', 'the channel was archived'],
    ['missing_scope', 'Slack refused the post (missing_scope)'],
  ])('%s: names the channel, why, and how to resume', (reason, why) => {
    const message = alertRenderer.paused(sub, reason);
    expect(message.text).toContain('<#C0ALERTS>');
    expect(message.text).toContain(`asset ${ASSET}`);
    expect(message.text).toContain(why);
    expect(message.text).toContain('/invite @asset-audit');
    expect(message.text).toContain(`/asset-audit watch ${ASSET}`);
    expectWithinSlackLimits(message);
  });
});
