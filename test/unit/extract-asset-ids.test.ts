import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractAssetIds, type MessageLike } from '../../src/audit/extract-asset-ids.js';

const fromText = (text: string) => extractAssetIds({ text });

const richText = (...elements: unknown[]) => ({ type: 'rich_text', block_id: 'rt', elements });
const section = (...elements: unknown[]) => ({ type: 'rich_text_section', elements });
const t = (text: string, style?: Record<string, boolean>) => ({
  type: 'text',
  text,
  ...(style ? { style } : {}),
});

describe('extractAssetIds: explicit forms count wherever they stand', () => {
  it.each([
    ['asset 12345', [12345]],
    ['asset #12345', [12345]],
    ['asset: 12345', [12345]],
    ['#12345', [12345]],
    ['Asset:#12345', [12345]],
    ['ASSET 12345', [12345]],
    ['asset id 12345', [12345]],
    ['Can someone check asset 12345 for me?', [12345]],
    ['(asset 12345)', [12345]],
    ['asset 12345.', [12345]],
    ['asset 12345, thanks', [12345]],
    ['Asset #12345: broken since this morning', [12345]],
    ['ticket #12345 broke at 10:30', [12345]],
    ['see #12345.', [12345]],
    ['asset #12345 and #12346', [12345, 12346]],
    ['Asset 12345; Asset 12346', [12345, 12346]],
    ['#1', [1]],
    ['#00012', [12]],
  ])('%j -> %j', (text, ids) => {
    expect(fromText(text)).toEqual(ids);
  });
});

describe('extractAssetIds: a bare number counts only when the message is nothing but ids', () => {
  it.each([
    ['12345', [12345]],
    [' 12345 ', [12345]],
    ['12345.', [12345]],
    ['12345, 12346', [12345, 12346]],
    ['12345 and 12346', [12345, 12346]],
    ['12345;12346', [12345, 12346]],
    ['12345\n12346', [12345, 12346]],
    ['#12345, #12346', [12345, 12346]],
    ['#12345 and #12346.', [12345, 12346]],
  ])('%j -> %j', (text, ids) => {
    expect(fromText(text)).toEqual(ids);
  });

  it.each([
    'call 555-1234 at 10:30 in room 204',
    'room 204',
    '12345 items in stock',
    'we have 3 people and 12345 tasks',
    'assets 12345',
    'asset12345',
  ])('%j names no asset', (text) => {
    expect(fromText(text)).toEqual([]);
  });
});

describe('extractAssetIds: digits in markup, times, dates, prices, phones never count', () => {
  it.each([
    ['user mention', '<@U12345>'],
    ['user mention with label', '<@U12345|alan>'],
    ['channel link', '<#C12345|ops>'],
    ['link with label', '<https://x/12345|label>'],
    ['bare link', '<https://example.com/assets/12345>'],
    ['link with numeric label', '<https://example.com/a|12345>'],
    ['mailto link', '<mailto:a12345@example.com|a12345@example.com>'],
    ['tel link', '<tel:+15551234567|555-123-4567>'],
    ['date token', '<!date^1700000000^{date}|Nov 14>'],
    ['user group', '<!subteam^S12345|@ops>'],
    ['special mention', '<!here>'],
    ['plain URL', 'https://x.com/asset/12345'],
    ['www URL', 'www.example.com/12345'],
    ['email address', 'write to ops12345@example.com'],
    ['time', '10:30'],
    ['time with seconds', '12:00:59'],
    ['time with am/pm', 'meet at 10am or 10pm'],
    ['ISO date', '2024-01-05'],
    ['ISO timestamp', '2024-01-05T10:30:00Z'],
    ['slashed date', '2024/01/05'],
    ['dotted date', '05.01.2024'],
    ['price', '$12,345.00'],
    ['price without cents', 'price $12345'],
    ['euro price', '€12.345,00'],
    ['phone', '+1 (555) 123-4567'],
    ['phone, dashes', '555-123-4567'],
    ['phone, local', '(555) 123-4567'],
    ['phone, international', '+44 20 7946 0958'],
    ['percentage', '12%'],
    ['percentage in a sentence', 'CPU at 95% and disk up 12.5% this week'],
    ['percentage, spaced', '5 %'],
    ['ordinal', 'the 3rd time this 21st century'],
    ['ordinals only', '2nd and 3rd'],
    ['ordinal after hash', '#1st'],
    ['decimal', '3.14'],
    ['version', 'v1.2.3'],
    ['hash inside a word', 'C#12'],
    ['hash then letters', '#1a'],
    ['hash-prefixed date', '#2024-01-05'],
    ['hash-prefixed time', '#10:30'],
    ['hash-prefixed decimal', '#12.5'],
    ['quarter', 'Q3 2024'],
    ['everything at once', 'at 10:30 on 2024-01-05 for $12,345.00 call +1 (555) 123-4567'],
  ])('%s: %j -> []', (_what, text) => {
    expect(fromText(text)).toEqual([]);
  });

  // "asset" followed by something that is not a whole id: a date, a time, a decimal, a range.
  it.each([
    'asset 10:30',
    'asset #10:30',
    'asset 2024-01-05',
    'asset 12.5',
    'asset 12345/6',
    'asset 123-456',
  ])('%j is not a (shorter) asset id', (text) => {
    expect(fromText(text)).toEqual([]);
  });

  it('an explicit id next to markup still counts', () => {
    expect(fromText('<@U0ALAN> can you look at asset 12345 in <#C777|ops>?')).toEqual([12345]);
    expect(fromText('<https://x/999|asset 999> asset 12345')).toEqual([12345]);
  });
});

describe('extractAssetIds: Slack escaping is undone first', () => {
  it.each([
    ['&lt;b&gt; #12345', [12345]],
    ['asset 12345 &gt; 3', [12345]],
    ['Tom &amp; Jerry: asset 12345', [12345]],
    ['12345 &amp; 12346', [12345, 12346]],
    ['R&amp;D #4242', [4242]],
    ['12345 &lt;- this one', []],
  ])('%j -> %j', (text, ids) => {
    expect(fromText(text)).toEqual(ids);
  });
});

describe('extractAssetIds: ids that are not ids', () => {
  it.each([
    ['0'],
    ['#0'],
    ['asset 0'],
    ['asset 99999999999999999999'],
    ['#9007199254740993'],
    ['9007199254740992'],
  ])('%j is ignored', (text) => {
    expect(fromText(text)).toEqual([]);
  });

  it('the largest safe integer is still an id', () => {
    expect(fromText('asset 9007199254740991')).toEqual([9007199254740991]);
  });

  it('drops an unusable id but keeps the good ones', () => {
    expect(fromText('asset 0 and asset 12345')).toEqual([12345]);
  });
});

describe('extractAssetIds: duplicates and order', () => {
  it('removes duplicates across text, blocks and attachments', () => {
    expect(
      extractAssetIds({
        text: 'asset 12345 asset 12345',
        blocks: [richText(section(t('asset 12345')))],
        attachments: [{ text: '#12345', fallback: 'asset 12345' }],
      }),
    ).toEqual([12345]);
  });

  it('keeps the order ids appear in, across fragments', () => {
    expect(
      extractAssetIds({
        text: 'asset 6 and asset 5',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'asset 5 and asset 7' } }],
        attachments: [{ text: 'asset 8' }],
      }),
    ).toEqual([6, 5, 7, 8]);
  });

  it('keeps the order ids appear in, within one text, whatever form they take', () => {
    expect(fromText('see #12345, then asset 12346')).toEqual([12345, 12346]);
    expect(fromText('#3 asset 2 #1')).toEqual([3, 2, 1]);
  });

  it('keeps the order of a list of bare ids', () => {
    expect(fromText('12346 12345 12347')).toEqual([12346, 12345, 12347]);
  });
});

describe('extractAssetIds: rich_text blocks', () => {
  it('finds an id that is only in the blocks (text empty)', () => {
    expect(
      extractAssetIds({
        text: '',
        blocks: [richText(section(t('see asset '), t('12345', { bold: true })))],
      }),
    ).toEqual([12345]);
  });

  it('joins styled runs inside one section', () => {
    expect(
      extractAssetIds({ blocks: [richText(section(t('asse'), t('t #', { italic: true }), t('42')))] }),
    ).toEqual([42]);
  });

  it('reads lists, quotes and preformatted text', () => {
    expect(
      extractAssetIds({
        blocks: [
          richText(
            {
              type: 'rich_text_list',
              style: 'bullet',
              indent: 0,
              elements: [section(t('asset 101')), section(t('asset 102'))],
            },
            { type: 'rich_text_quote', elements: [t('#4242')] },
            { type: 'rich_text_preformatted', elements: [t('asset 99')] },
          ),
        ],
      }),
    ).toEqual([101, 102, 4242, 99]);
  });

  it('reads a list of bare ids as ids', () => {
    expect(
      extractAssetIds({
        blocks: [
          richText({
            type: 'rich_text_list',
            style: 'ordered',
            elements: [section(t('12345')), section(t('12346'))],
          }),
        ],
      }),
    ).toEqual([12345, 12346]);
  });

  it('reads nested lists', () => {
    expect(
      extractAssetIds({
        blocks: [
          richText({
            type: 'rich_text_list',
            style: 'bullet',
            elements: [
              section(t('outer asset 1')),
              { type: 'rich_text_list', style: 'bullet', indent: 1, elements: [section(t('inner asset 2'))] },
            ],
          }),
        ],
      }),
    ).toEqual([1, 2]);
  });

  it('ignores user, channel, user group, broadcast and date elements', () => {
    expect(
      extractAssetIds({
        blocks: [
          richText(
            section(
              { type: 'user', user_id: 'U12345' },
              t(' and '),
              { type: 'channel', channel_id: 'C12345' },
              t(' and '),
              { type: 'usergroup', usergroup_id: 'S12345' },
              { type: 'broadcast', range: 'here' },
              { type: 'date', timestamp: 1700000000, format: '{date}', fallback: 'Nov 14 12345' },
              t(' at 10:30'),
            ),
          ),
        ],
      }),
    ).toEqual([]);
  });

  it('a channel element right after "asset " is not an asset id', () => {
    expect(
      extractAssetIds({
        blocks: [richText(section(t('asset '), { type: 'channel', channel_id: 'C12345' }))],
      }),
    ).toEqual([]);
  });

  it("ignores digits in a link element's URL but reads its text", () => {
    expect(
      extractAssetIds({
        blocks: [
          richText(section({ type: 'link', url: 'https://x.example/assets/12345' }, t(' have a look'))),
        ],
      }),
    ).toEqual([]);
    expect(
      extractAssetIds({
        blocks: [
          richText(section({ type: 'link', url: 'https://x.example/assets/12345', text: 'asset 777' })),
        ],
      }),
    ).toEqual([777]);
  });

  it('an emoji between "asset" and the id does not hide it', () => {
    expect(
      extractAssetIds({
        blocks: [richText(section(t('asset'), { type: 'emoji', name: 'one' }, t(' 12345')))],
      }),
    ).toEqual([12345]);
  });

  it('tolerates unknown elements and odd shapes', () => {
    expect(
      extractAssetIds({
        blocks: [
          richText(section({ type: 'mystery', text: 'asset 1' }, t('asset 2')), null, 7, { elements: 'x' }),
          { type: 'divider' },
          null,
          'asset 3',
          { type: 'rich_text', elements: null },
        ],
      }),
    ).toEqual([2]);
  });
});

describe('extractAssetIds: section and other blocks', () => {
  it('reads section text and fields', () => {
    expect(
      extractAssetIds({
        blocks: [
          {
            type: 'section',
            text: { type: 'mrkdwn', text: '*Asset:* #12345' },
            fields: [
              { type: 'mrkdwn', text: 'asset 12346' },
              { type: 'plain_text', text: '12347' },
              { type: 'mrkdwn', text: 'Due 2024-01-05 at 10:30' },
            ],
          },
        ],
      }),
    ).toEqual([12345, 12346, 12347]);
  });

  it('reads a header block text', () => {
    expect(
      extractAssetIds({ blocks: [{ type: 'header', text: { type: 'plain_text', text: 'Asset 5150' } }] }),
    ).toEqual([5150]);
  });

  it('ignores images and dividers', () => {
    expect(
      extractAssetIds({
        blocks: [
          { type: 'divider' },
          { type: 'image', image_url: 'https://x/12345.png', alt_text: 'photo 12345' },
        ],
      }),
    ).toEqual([]);
  });
});

describe('extractAssetIds: attachments', () => {
  it('reads text, fallback, pretext, title and fields (title with value)', () => {
    const ids = extractAssetIds({
      attachments: [
        {
          pretext: 'asset 3',
          title: 'asset 4',
          text: '#2',
          fallback: 'asset 1',
          fields: [
            { title: 'Asset', value: '12345' },
            { title: 'Room', value: '204' },
            { title: 'Asset id', value: '#9' },
            { title: 'When', value: '10:30' },
            { value: '777' },
          ],
        },
      ],
    });
    expect([...ids].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 9, 777, 12345]);
    expect(ids).not.toContain(204);
  });

  it('a bot message with only attachments (no text) is read', () => {
    expect(
      extractAssetIds({
        text: '',
        attachments: [{ fallback: 'Form submitted: asset 12345', text: 'Form submitted for asset #12345' }],
      }),
    ).toEqual([12345]);
  });

  it('fields with missing or null parts are fine', () => {
    expect(
      extractAssetIds({
        attachments: [{ fields: [{ title: null, value: null }, {}, { title: 'asset 8' }] }, {}],
      }),
    ).toEqual([8]);
  });
});

describe('extractAssetIds: messages with nothing to read', () => {
  it.each<[string, MessageLike & Record<string, unknown>]>([
    ['empty object', {}],
    ['empty text', { text: '' }],
    ['blank text', { text: '   \n ' }],
    ['null everything', { text: null, blocks: null, attachments: null }],
    ['empty arrays', { text: '', blocks: [], attachments: [] }],
    [
      'files only',
      {
        text: '',
        files: [{ id: 'F12345', name: 'asset 12345.pdf', title: 'asset 12345' }],
        upload: true,
      },
    ],
    ['bot message without text', { subtype: 'bot_message', bot_id: 'B12345', username: 'bot 12345' }],
  ])('%s -> []', (_what, message) => {
    expect(extractAssetIds(message)).toEqual([]);
  });
});

// --- properties ---

const SAFE_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.,;:!?()[]{}\'"-_/*~`#@$%^+=|\\é漢😀';
/** A word without digits or whitespace, Slack-escaped as message text is. */
const word = fc
  .array(fc.constantFrom(...SAFE_CHARS), { minLength: 1, maxLength: 8 })
  .map((chars) => chars.join(''));
const slackEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const words = fc.array(fc.oneof(word, fc.constantFrom('&', '<', '>', 'asset', 'id', 'and')), {
  maxLength: 6,
});

describe('extractAssetIds: properties', () => {
  it('(a) `asset N` between words without digits yields exactly [N]', () => {
    fc.assert(
      fc.property(words, fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), words, (before, n, after) => {
        const text = slackEscape([...before, `asset ${n}`, ...after].join(' '));
        expect(fromText(text)).toEqual([n]);
      }),
      { numRuns: 500 },
    );
  });

  const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
  const digits = (length: number) =>
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length }).map((d) => d.join(''));
  const num = fc.integer({ min: 1, max: 9_999_999 });
  const noise = fc.oneof(
    fc.tuple(two(23), two(59)).map(([h, m]) => `${h}:${m}`),
    fc.tuple(two(23), two(59), two(59)).map(([h, m, s]) => `${h}:${m}:${s}`),
    fc.tuple(fc.integer({ min: 1, max: 12 }), fc.constantFrom('am', 'pm')).map(([h, x]) => `${h}${x}`),
    fc.tuple(fc.integer({ min: 1900, max: 2100 }), two(12), two(28)).map(([y, m, d]) => `${y}-${m}-${d}`),
    fc.tuple(fc.integer({ min: 1900, max: 2100 }), two(12), two(28)).map(([y, m, d]) => `${d}.${m}.${y}`),
    fc.tuple(fc.integer({ min: 1900, max: 2100 }), two(12), two(28)).map(([y, m, d]) => `${m}/${d}/${y}`),
    fc.tuple(num, two(99)).map(([n, c]) => `$${n.toLocaleString('en-US')}.${c}`),
    num.map((n) => `$${n}`),
    fc.tuple(digits(3), digits(3), digits(4)).map(([a, b, c]) => `+1 (${a}) ${b}-${c}`),
    fc.tuple(digits(3), digits(4)).map(([a, b]) => `${a}-${b}`),
    fc.tuple(digits(3), digits(3), digits(4)).map(([a, b, c]) => `${a}-${b}-${c}`),
    fc.integer({ min: 0, max: 100 }).map((n) => `${n}%`),
    num.map((n) => `<https://example.com/assets/${n}|label>`),
    num.map((n) => `<https://example.com/${n}>`),
    num.map((n) => `https://example.com/a/${n}?x=${n}`),
    num.map((n) => `<@U${n}>`),
    num.map((n) => `<@U${n}|someone>`),
    num.map((n) => `<#C${n}|ops>`),
    num.map((n) => `<!subteam^S${n}|@team>`),
    num.map((n) => `<!date^${n}^{date_short}|Nov 14>`),
  );

  it('(b) text made only of times, dates, prices, phones, URLs and mentions yields []', () => {
    fc.assert(
      fc.property(
        fc.array(noise, { minLength: 1, maxLength: 6 }),
        fc.constantFrom(' ', ', ', ' and ', '\n', ' at '),
        (parts, joiner) => {
          expect(fromText(parts.join(joiner))).toEqual([]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('(c) never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.anything(), (message) => {
        const ids = extractAssetIds(message as MessageLike);
        expect(Array.isArray(ids)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('(c) never throws on arbitrary message-shaped input', () => {
    const anyField = fc.oneof(
      fc.anything(),
      fc.array(fc.anything()),
      fc.array(fc.dictionary(fc.string(), fc.anything())),
    );
    fc.assert(
      fc.property(
        fc.record({ text: anyField, blocks: anyField, attachments: anyField }, { requiredKeys: [] }),
        (message) => {
          const ids = extractAssetIds(message as MessageLike);
          expect(ids.every((id) => Number.isSafeInteger(id) && id > 0)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
