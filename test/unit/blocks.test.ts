import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import type { AssetAudit, GroupRef, PersonRef } from '../../src/audit/audit.js';
import {
  AccessDeniedError,
  AssetNotFoundError,
  BadApiKeyError,
  InvalidAssetIdError,
  RateLimitedError,
  UnavailableError,
  UnexpectedResponseError,
  ValidationError,
} from '../../src/connecteam/errors.js';
import { auditReply, groupLine, personLine } from '../../src/slack/blocks/audit-reply.js';
import { errorReply, invalidInputReply, usageReply } from '../../src/slack/blocks/error-replies.js';
import { fitLines } from '../../src/slack/blocks/fit.js';
import { escapeMrkdwn, inlineText, type Message } from '../../src/slack/blocks/mrkdwn.js';

const NOW = Date.UTC(2025, 5, 1, 9, 30, 0);

function audit(overrides: Partial<AssetAudit> = {}): AssetAudit {
  return {
    assetId: 12345,
    admins: [{ userId: 1, name: 'Ada Lovelace', archived: false }],
    assignees: [{ userId: 2, name: 'Alan Turing', archived: false }],
    groups: [{ key: 'sg-sales', name: 'Sales' }],
    fetchedAt: NOW,
    source: 'upstream',
    namesIncomplete: false,
    ...overrides,
  };
}

interface AnyBlock {
  type: string;
  text?: { type: string; text: string };
  elements?: Array<{ type: string; text: string }>;
}

const blocksOf = (message: Message) => message.blocks as unknown as AnyBlock[];
const sections = (message: Message) => blocksOf(message).filter((b) => b.type === 'section');
const sectionTexts = (message: Message) => sections(message).map((b) => b.text?.text ?? '');
const contextTexts = (message: Message) =>
  blocksOf(message)
    .filter((b) => b.type === 'context')
    .flatMap((b) => (b.elements ?? []).map((e) => e.text));

/** Every string under a `text` key, however deep. */
function allTexts(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) allTexts(item, out);
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'text' && typeof inner === 'string') out.push(inner);
      else allTexts(inner, out);
    }
  }
  return out;
}

function expectWithinSlackLimits(message: Message): void {
  const blocks = blocksOf(message);
  expect(blocks.length).toBeGreaterThan(0);
  expect(blocks.length).toBeLessThanOrEqual(50);
  expect(JSON.stringify(message.blocks).length).toBeLessThan(12_000);
  for (const block of blocks) {
    if (block.type === 'section') expect(block.text?.text.length).toBeLessThanOrEqual(3000);
    if (block.type === 'header') expect(block.text?.text.length).toBeLessThanOrEqual(150);
    if (block.type === 'context') {
      expect(block.elements?.length).toBeGreaterThan(0);
      expect(block.elements?.length).toBeLessThanOrEqual(10);
    }
  }
  for (const text of [message.text, ...allTexts(message.blocks)]) expect(text.trim()).not.toBe('');
}

describe('escapeMrkdwn', () => {
  it('escapes &, < and > (ampersand first)', () => {
    expect(escapeMrkdwn('<!channel> & <@U1>')).toBe('&lt;!channel&gt; &amp; &lt;@U1&gt;');
    expect(escapeMrkdwn('&lt;')).toBe('&amp;lt;');
    expect(escapeMrkdwn('plain text')).toBe('plain text');
  });
});

describe('inlineText', () => {
  it('collapses every whitespace run to one space, trims, then escapes', () => {
    expect(inlineText('a\nb\r\nc\td\u2028e\u2029f  \n g')).toBe('a b c d e f g');
    expect(inlineText('  <@U1>\n& co ')).toBe('&lt;@U1&gt; &amp; co');
    expect(inlineText(' \n\t ')).toBe('');
  });

  it('cuts to the given length before escaping', () => {
    expect(inlineText('abcdef\n', 4)).toBe('abc…');
  });
});

describe('fitLines', () => {
  it('keeps everything when it fits', () => {
    expect(fitLines('*T*', ['• a', '• b'], 1000)).toBe('*T*\n• a\n• b');
  });

  it('says _None_ for an empty list', () => {
    expect(fitLines('*Admins (0)*', [], 1000)).toBe('*Admins (0)*\n_None_');
  });

  it('cuts at the section limit and counts what it left out', () => {
    // 40 lines of 100 characters: title + 29 lines + tail fit in 3000 characters, 30 lines do not.
    const lines = Array.from({ length: 40 }, (_, i) => `${String(i).padStart(2, '0')}${'x'.repeat(98)}`);
    const text = fitLines('T', lines, 1_000_000);
    const rows = text.split('\n');
    expect(rows).toHaveLength(1 + 29 + 1);
    expect(rows.at(-1)).toBe('…and 11 more');
    expect(rows[29]).toBe(lines[28]);
    expect(text.length).toBeLessThanOrEqual(3000);
  });

  it('cuts at the serialized-size budget, tail included', () => {
    const lines = Array.from({ length: 10 }, () => 'ab');
    const text = fitLines('T', lines, 20);
    expect(text).toBe('T\nab\n…and 9 more');
    expect(JSON.stringify(text).length).toBeLessThanOrEqual(20);
  });

  it('keeps a whole list whose last lines are shorter than the "…and N more" tail', () => {
    const lines = ['• 501', '• 502', '• 503'];
    const whole = 'T\n• 501\n• 502\n• 503';
    expect(fitLines('T', lines, JSON.stringify(whole).length)).toBe(whole);
    expect(fitLines('T', ['• Bo (1)', '• Al (2)'], JSON.stringify('T\n• Bo (1)\n• Al (2)').length)).toBe(
      'T\n• Bo (1)\n• Al (2)',
    );
  });

  it('when a list does not fit, shows as many lines as fit with the tail', () => {
    const lines = ['• 501', '• 502', '• 503'];
    const whole = 'T\n• 501\n• 502\n• 503';
    const text = fitLines('T', lines, JSON.stringify(whole).length - 1);
    expect(text).toBe('T\n• 501\n…and 2 more');
    expect(JSON.stringify(text).length).toBeLessThanOrEqual(JSON.stringify(whole).length - 1);
  });

  it('never exceeds its budget and always accounts for every line, whatever the budget', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `• ${'x'.repeat(i % 7)}${i}`);
    const whole = ['T', ...lines].join('\n');
    for (let budget = 20; budget <= JSON.stringify(whole).length + 5; budget += 1) {
      const text = fitLines('T', lines, budget);
      expect(JSON.stringify(text).length, `budget ${budget}`).toBeLessThanOrEqual(budget);
      if (JSON.stringify(whole).length <= budget) expect(text).toBe(whole);
      const rows = text.split('\n');
      const match = /^…and (\d+) more$/.exec(rows.at(-1) ?? '');
      expect(rows.length - 1 - (match ? 1 : 0) + Number(match?.[1] ?? 0)).toBe(30);
    }
  });

  it('always accounts for every line: shown + N = total', () => {
    for (const budget of [40, 100, 250, 700, 2000]) {
      const lines = Array.from({ length: 100 }, (_, i) => `• person ${i}`);
      const rows = fitLines('title', lines, budget).split('\n');
      const tail = rows.at(-1) ?? '';
      const match = /^…and (\d+) more$/.exec(tail);
      const shown = rows.length - 1 - (match ? 1 : 0);
      expect(shown + Number(match?.[1] ?? 0), `budget ${budget}`).toBe(100);
    }
  });
});

describe('auditReply', () => {
  it('lists admins, assignees and groups with a summary and a header', () => {
    const message = auditReply(audit(), NOW);
    const blocks = blocksOf(message);
    expect(blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Who can reach asset 12345' },
    });
    const texts = sectionTexts(message);
    expect(texts[0]).toContain('*1 admin*');
    expect(texts[0]).toContain('*1 person assigned directly*');
    expect(texts[0]).toContain('*1 smart group*');
    expect(texts[1]).toBe('*Admins (1)*\n• Ada Lovelace (1)');
    expect(texts[2]).toBe('*Assigned people (1)*\n• Alan Turing (2)');
    expect(texts[3]).toBe('*Smart groups (1)*\n• Sales (sg-sales)');
    expect(message.text).toBe('Asset 12345: 1 admin, 1 person assigned, 1 smart group');
    expectWithinSlackLimits(message);
  });

  it('says _None_ for empty lists and uses plurals', () => {
    const message = auditReply(audit({ admins: [], assignees: [], groups: [] }), NOW);
    const texts = sectionTexts(message);
    expect(texts[0]).toContain('*0 admins*');
    expect(texts[0]).toContain('*0 people assigned directly*');
    expect(texts.slice(1)).toEqual([
      '*Admins (0)*\n_None_',
      '*Assigned people (0)*\n_None_',
      '*Smart groups (0)*\n_None_',
    ]);
    expectWithinSlackLimits(message);
  });

  it('escapes names so they can never ping or link', () => {
    const message = auditReply(
      audit({
        admins: [{ userId: 1, name: '<!channel> & <@U1>', archived: false }],
        assignees: [{ userId: 2, name: '<https://evil.example|click>', archived: false }],
        groups: [{ key: '<!here>', name: '<!everyone> & co' }],
      }),
      NOW,
    );
    const json = JSON.stringify(message);
    expect(json).toContain('&lt;!channel&gt; &amp; &lt;@U1&gt;');
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<@U1>');
    expect(json).not.toContain('<https://evil');
    expect(json).not.toContain('<!here>');
    expect(json).not.toContain('<!everyone>');
    expect(json).toContain('&lt;!everyone&gt; &amp; co (&lt;!here&gt;)');
  });

  it('mentions a person matched to Slack, and marks archived people', () => {
    const message = auditReply(
      audit({
        admins: [{ userId: 1, name: 'Ada Lovelace', archived: false, slackUserId: 'U0ADA' }],
        assignees: [{ userId: 3, name: 'Katherine Johnson', archived: true }],
      }),
      NOW,
    );
    const texts = sectionTexts(message);
    expect(texts[1]).toContain('• <@U0ADA> Ada Lovelace (1)');
    expect(texts[2]).toContain('• Katherine Johnson (3) · _archived_');
    expect(texts[1]).not.toContain('archived');
  });

  it('shows a person without a name by id', () => {
    const message = auditReply(
      audit({ assignees: [{ userId: 9170399, name: undefined, archived: false }] }),
      NOW,
    );
    expect(sectionTexts(message)[2]).toBe('*Assigned people (1)*\n• Connecteam user (9170399)');
    expect(personLine({ userId: 5, name: '   ', archived: false }, { mention: false })).not.toMatch(
      /•\s+\(5\)/,
    );
  });

  it('shows a group without a name by its key', () => {
    const message = auditReply(audit({ groups: [{ key: 'sg-unknown', name: undefined }] }), NOW);
    expect(sectionTexts(message)[3]).toBe('*Smart groups (1)*\n• sg-unknown');
  });

  it('says when the answer came fresh from Connecteam', () => {
    const notes = contextTexts(auditReply(audit(), NOW));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^Fetched from Connecteam <!date\^\d+\^/);
    expect(notes[0]).not.toMatch(/cached|old/);
  });

  it('says when the answer is cached, and how old it is', () => {
    const notes = contextTexts(auditReply(audit({ source: 'cache', fetchedAt: NOW - 45_000 }), NOW));
    expect(notes[0]).toContain('cached, 45 seconds old');
    expect(notes[0]).toContain(`<!date^${Math.floor((NOW - 45_000) / 1000)}^`);
  });

  it('warns when the answer is stale, and says how old it is', () => {
    const staleBecause = new UnavailableError('HTTP 503');
    const notes = contextTexts(
      auditReply(audit({ source: 'stale', fetchedAt: NOW - 2 * 3_600_000, staleBecause }), NOW),
    );
    expect(notes[0]).toContain(':warning:');
    expect(notes[0]).toContain('*2 hours old*');
    expect(notes[0]).toContain('last known answer');
  });

  it('notes names that could not be loaded', () => {
    const notes = contextTexts(auditReply(audit({ namesIncomplete: true }), NOW));
    expect(notes).toHaveLength(2);
    expect(notes[1]).toMatch(/shown by id/);
  });

  it('shows short lists whole: no "…and 2 more" for two small groups', () => {
    const message = auditReply(
      audit({
        groups: [
          { key: '7', name: 'HR' },
          { key: '8', name: 'IT' },
        ],
      }),
      NOW,
    );
    expect(sectionTexts(message)[3]).toBe('*Smart groups (2)*\n• HR (7)\n• IT (8)');
  });

  it('shows three unnamed groups whole', () => {
    const message = auditReply(
      audit({
        groups: ['501', '502', '503'].map((key) => ({ key, name: undefined })),
      }),
      NOW,
    );
    expect(sectionTexts(message)[3]).toBe('*Smart groups (3)*\n• 501\n• 502\n• 503');
  });

  it('shows people with short names whole', () => {
    const message = auditReply(
      audit({
        assignees: [
          { userId: 1, name: 'Bo', archived: false },
          { userId: 2, name: 'Al', archived: false },
        ],
      }),
      NOW,
    );
    expect(sectionTexts(message)[2]).toBe('*Assigned people (2)*\n• Bo (1)\n• Al (2)');
  });

  it('names with newlines, tabs or line separators cannot make lines of their own', () => {
    const fake = 'Eve\n• Ada Lovelace (9170357)\n*Assigned people (0)*';
    const message = auditReply(
      audit({
        admins: [
          { userId: 1, name: fake, archived: false },
          { userId: 2, name: 'Bob\r\nSmith\tJr\u2028x\u2029y\u0085z', archived: false },
        ],
        assignees: [],
        groups: [
          { key: 'g1\n• fake', name: 'Night\r\n\nshift' },
          { key: '  \n\t', name: undefined },
          { key: '', name: 'Sales' },
        ],
      }),
      NOW,
    );
    const [, adminsText, assigneesText, groupsText] = sectionTexts(message);
    expect(adminsText?.split('\n')).toEqual([
      '*Admins (2)*',
      '• Eve • Ada Lovelace (9170357) *Assigned people (0)* (1)',
      '• Bob Smith Jr x y z (2)',
    ]);
    expect(assigneesText).toBe('*Assigned people (0)*\n_None_');
    expect(groupsText?.split('\n')).toEqual([
      '*Smart groups (3)*',
      '• Night shift (g1 • fake)',
      '• (blank group id)',
      '• Sales (blank group id)',
    ]);
    expect(JSON.stringify(message.blocks)).not.toMatch(/\\t|\u2028|\u2029|\\r/);
  });

  it('a whitespace-only name shows as a Connecteam user, and a group line never as "-"', () => {
    expect(personLine({ userId: 5, name: ' \n\t ', archived: false }, { mention: false })).toBe(
      '• Connecteam user (5)',
    );
    expect(groupLine({ key: ' ', name: undefined })).toBe('• (blank group id)');
    expect(groupLine({ key: 'sg-1', name: '\n' })).toBe('• sg-1');
  });

  it('stays within every Slack limit for 5,000 admins, 5,000 assignees and 1,000 nasty groups', () => {
    const nasty = Array.from({ length: 100 }, (_, i) => (i % 3 === 2 ? '😀' : '"\\'))
      .join('')
      .slice(0, 200);
    expect(nasty.length).toBe(200);
    const people = (count: number, base: number): PersonRef[] =>
      Array.from({ length: count }, (_, i) => ({
        userId: base + i,
        name: `${i} ${nasty}`,
        archived: i % 5 === 0,
        ...(i % 4 === 0 ? { slackUserId: `U${base + i}` } : {}),
      }));
    const groups: GroupRef[] = Array.from({ length: 1000 }, (_, i) => ({
      key: `${nasty}-${i}`,
      name: nasty,
    }));
    const message = auditReply(
      audit({
        admins: people(5000, 1),
        assignees: people(5000, 1_000_000),
        groups,
        source: 'stale',
        fetchedAt: NOW - 3_600_000,
        staleBecause: new UnavailableError('timed out'),
        namesIncomplete: true,
      }),
      NOW,
    );
    expectWithinSlackLimits(message);
    const totals = [5000, 5000, 1000];
    sectionTexts(message)
      .slice(1)
      .forEach((text, i) => {
        const rows = text.split('\n');
        const match = /^…and (\d+) more$/.exec(rows.at(-1) ?? '');
        expect(match, `list ${i} says how many more`).not.toBeNull();
        const shown = rows.filter((row) => row.startsWith('• ')).length;
        expect(shown).toBeGreaterThan(0);
        expect(shown + Number(match?.[1])).toBe(totals[i]);
      });
    expect(message.text.length).toBeLessThanOrEqual(3000);
    // JSON.stringify escapes only lone surrogates: none may be left by cutting an emoji in half.
    expect(JSON.stringify(message.blocks)).not.toMatch(/\\ud[89a-f][0-9a-f]{2}/i);
  });

  it('never cuts an emoji in half when shortening a name', () => {
    for (const prefix of ['', 'a']) {
      const message = auditReply(
        audit({
          admins: [{ userId: 1, name: `${prefix}${'😀'.repeat(100)}`, archived: false }],
          groups: [{ key: `${prefix}${'🎉'.repeat(100)}`, name: undefined }],
        }),
        NOW,
      );
      expect(JSON.stringify(message.blocks)).not.toMatch(/\\ud[89a-f][0-9a-f]{2}/i);
      expect(sectionTexts(message)[1]).toContain('😀…');
      expect(sectionTexts(message)[3]).toContain('🎉…');
    }
  });

  it('keeps a long name from taking over its line', () => {
    const message = auditReply(
      audit({ admins: [{ userId: 1, name: 'N'.repeat(500), archived: false }] }),
      NOW,
    );
    const line = sectionTexts(message)[1]?.split('\n')[1] ?? '';
    expect(line.length).toBeLessThan(120);
    expect(line).toContain('…');
    expect(line).toContain('(1)');
  });

  it('appends extra blocks after the context', () => {
    const extra: KnownBlock[] = [{ type: 'divider' }];
    const blocks = blocksOf(auditReply(audit(), NOW, extra));
    expect(blocks.at(-1)?.type).toBe('divider');
    expect(blocks.at(-2)?.type).toBe('context');
  });
});

describe('errorReply', () => {
  const errors: Array<[string, unknown]> = [
    ['AssetNotFoundError', new AssetNotFoundError(12345)],
    ['AccessDeniedError', new AccessDeniedError(12345)],
    ['AccessDeniedError without id', new AccessDeniedError(undefined)],
    ['BadApiKeyError', new BadApiKeyError()],
    ['RateLimitedError', new RateLimitedError(NOW + 30_000)],
    ['ValidationError', new ValidationError(['path.assetId: bad'])],
    ['UnavailableError', new UnavailableError('timed out')],
    ['UnexpectedResponseError', new UnexpectedResponseError('drift at data.permissions')],
    ['UnexpectedResponseError (shape)', new UnexpectedResponseError('drift at data.permissions', true)],
    ['a plain Error', new Error('Error: kaboom\n    at secretFunction (/app/src/x.ts:1:1)')],
    ['a thrown string', 'Error: weird'],
    ['undefined', undefined],
  ];

  it.each(errors)('%s: mentions the asset, no internals', (_name, error) => {
    const message = errorReply(error, 12345, NOW);
    const everything = JSON.stringify(message);
    expect(message.text).toContain('12345');
    expect(everything).not.toContain('undefined');
    expect(everything).not.toContain('Error:');
    expect(everything).not.toMatch(/\n\s+at /);
    expect(everything).not.toContain('\\n    at ');
    expect(everything).not.toContain('kaboom');
    expect(everything).not.toContain('secretFunction');
    expect(everything).not.toContain('drift at');
    expectWithinSlackLimits(message);
    expect(sections(message)[0]?.text?.text).toBe(message.text);
  });

  it.each(errors)('%s: no "undefined" when the asset id is unknown', (_name, error) => {
    const everything = JSON.stringify(errorReply(error, undefined, NOW));
    expect(everything).not.toContain('undefined');
    expect(everything).not.toContain('Error:');
  });

  it('not found names the asset id from the error', () => {
    expect(errorReply(new AssetNotFoundError(777), undefined, NOW).text).toContain('*777*');
  });

  it('each kind of failure gets its own message', () => {
    const texts = new Set(
      [
        new AssetNotFoundError(1),
        new AccessDeniedError(1),
        new BadApiKeyError(),
        new RateLimitedError(NOW),
        new ValidationError([]),
        new UnavailableError('x'),
        new UnexpectedResponseError('x', true),
        new Error('x'),
      ].map((error) => errorReply(error, 1, NOW).text),
    );
    expect(texts.size).toBe(8);
  });

  it('rate limit says try again in N s, N rounded up from retryAt - now', () => {
    expect(errorReply(new RateLimitedError(NOW + 42_300), 12345, NOW).text).toMatch(/try again in 43 s\b/i);
    expect(errorReply(new RateLimitedError(NOW + 60_000), 12345, NOW).text).toMatch(/try again in 60 s\b/i);
    expect(errorReply(new RateLimitedError(NOW + 1), 12345, NOW).text).toMatch(/try again in 1 s\b/i);
  });

  it('rate limit says long waits in minutes, hours or days, not thousands of seconds', () => {
    expect(errorReply(new RateLimitedError(NOW + 89_000), 12345, NOW).text).toMatch(/try again in 89 s\b/i);
    expect(errorReply(new RateLimitedError(NOW + 7_195_000), 12345, NOW).text).toMatch(
      /try again in 2 hours\b/i,
    );
    expect(errorReply(new RateLimitedError(NOW + 7_195_000), 12345, NOW).text).not.toMatch(/7195/);
    expect(errorReply(new RateLimitedError(NOW + 300_000), 12345, NOW).text).toMatch(
      /try again in 5 minutes\b/i,
    );
    expect(errorReply(new RateLimitedError(NOW + 3 * 86_400_000), 12345, NOW).text).toMatch(
      /try again in 3 days\b/i,
    );
  });

  it('an answer in a shape asset-audit does not understand: not your mistake, tell the operator', () => {
    const text = errorReply(new UnexpectedResponseError('drift at data.permissions', true), 778, NOW).text;
    expect(text).toContain("Connecteam's answer about asset 778 was not in a form asset-audit understands");
    expect(text).toMatch(/not your mistake/i);
    expect(text).toMatch(/tell whoever runs asset-audit/);
    expect(text).not.toMatch(/try again in a minute/);
    expect(text).not.toContain('drift at');
  });

  it('a garbled answer that may pass still says to try again', () => {
    const text = errorReply(new UnexpectedResponseError('not JSON', false), 777, NOW).text;
    expect(text).toContain("didn't answer properly while checking asset 777");
    expect(text).toMatch(/try again/);
  });

  it('rate limit never says to wait 0 or a negative time', () => {
    expect(errorReply(new RateLimitedError(NOW - 5_000), 12345, NOW).text).toMatch(/try again in 1 s\b/i);
  });

  it('an invalid asset id shows what was typed', () => {
    const message = errorReply(new InvalidAssetIdError('-1'), undefined, NOW);
    expect(message.text).toContain('`-1`');
    expect(message.text).not.toContain('undefined');
  });
});

describe('invalidInputReply and usageReply', () => {
  it('shows the input escaped, without breaking out of its code span', () => {
    const message = invalidInputReply('there is no asset id in it', '<!channel> `rm -rf` & co');
    expect(message.text).toContain("`&lt;!channel&gt; 'rm -rf' &amp; co`");
    expect(message.text).not.toContain('<!channel>');
    expect(message.text).toContain('there is no asset id in it');
    expect(message.text).toContain('/asset-audit 12345');
    expectWithinSlackLimits(message);
  });

  it('cuts a very long input', () => {
    const message = invalidInputReply('too long', 'x'.repeat(10_000));
    expect(message.text.length).toBeLessThan(500);
    expect(message.text).toContain('…');
  });

  it('shows something for an empty input', () => {
    const message = invalidInputReply('the asset id is missing', '');
    expect(message.text).not.toContain('``');
  });

  it('usage explains the command and help', () => {
    const message = usageReply();
    expect(message.text).toContain('/asset-audit 12345');
    expect(message.text).toContain('/asset-audit help');
    expectWithinSlackLimits(message);
  });
});
