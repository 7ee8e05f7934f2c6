import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ParsedCommand, parseCommand } from '../../src/slack/command-text.js';

function expectInvalid(result: ParsedCommand): Extract<ParsedCommand, { kind: 'invalid' }> {
  expect(result.kind).toBe('invalid');
  if (result.kind !== 'invalid') throw new Error('not invalid');
  expect(typeof result.problem).toBe('string');
  expect(result.problem.trim().length).toBeGreaterThan(0);
  return result;
}

describe('parseCommand: asset ids', () => {
  it.each([
    ['12345', 12345],
    ['#12345', 12345],
    ['asset 12345', 12345],
    ['Asset: #12345.', 12345],
    ['ASSET #12345', 12345],
    ['asset:12345', 12345],
    ['asset id 12345', 12345],
    ['   12345   ', 12345],
    ['asset    12345', 12345],
    ['\t12345\n', 12345],
    ['asset\u00a012345', 12345],
    ['12345!', 12345],
    ['12345?', 12345],
    ['12345.', 12345],
    ['12345...', 12345],
    ['(12345)', 12345],
    ['"12345"', 12345],
    ['012345', 12345],
    ['1', 1],
    [String(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER],
  ])('%j is asset %d', (text, assetId) => {
    expect(parseCommand(text)).toEqual({ kind: 'audit', assetId });
  });
});

describe('parseCommand: help', () => {
  it.each(['help', 'HELP', ' Help ', '?', 'usage', '', '   ', '\t\n'])('%j asks for help', (text) => {
    expect(parseCommand(text)).toEqual({ kind: 'help' });
  });

  it('treats a missing text as help', () => {
    expect(parseCommand(undefined)).toEqual({ kind: 'help' });
  });
});

describe('parseCommand: invalid input', () => {
  it('refuses 0: asset ids start at 1', () => {
    expect(expectInvalid(parseCommand('0')).problem).toMatch(/start at 1/);
    expectInvalid(parseCommand('#0'));
  });

  it('refuses negative numbers', () => {
    expect(expectInvalid(parseCommand('-5')).problem).toMatch(/positive/);
    expectInvalid(parseCommand('asset -5'));
  });

  it('refuses decimals', () => {
    expect(expectInvalid(parseCommand('12.5')).problem).toMatch(/whole number/);
  });

  it('refuses words', () => {
    const result = expectInvalid(parseCommand('abc'));
    expect(result.input).toBe('abc');
    expectInvalid(parseCommand('12345abc'));
    expectInvalid(parseCommand('assets'));
  });

  it('refuses the bare word asset', () => {
    expect(expectInvalid(parseCommand('asset')).problem).toMatch(/missing/);
    expectInvalid(parseCommand('#'));
  });

  it.each(['12345 12346', '12345, 12346', '#12345 #12346', '12345 and 12346'])(
    'refuses several ids at once: %j',
    (text) => {
      expect(expectInvalid(parseCommand(text)).problem).toMatch(/one asset at a time/);
    },
  );

  it.each(['<@U123>', '<@U123|bob>', '<#C123|general>', '<!here>'])('refuses a mention: %j', (text) => {
    expect(expectInvalid(parseCommand(text)).problem).toMatch(/mention/);
  });

  it('refuses a number beyond Number.MAX_SAFE_INTEGER', () => {
    expect(expectInvalid(parseCommand('9007199254740992')).problem).toMatch(/too large/);
    expect(expectInvalid(parseCommand('99999999999999999999999')).problem).toMatch(/too large/);
  });

  it('reads fullwidth digits as the ASCII digits they look like (NFKC)', () => {
    expect(parseCommand('１２３')).toEqual({ kind: 'audit', assetId: 123 });
  });

  it('reports the input with whitespace collapsed', () => {
    expect(expectInvalid(parseCommand('  not   an   id  ')).input).toBe('not an id');
  });
});

describe('parseCommand: Slack escaping', () => {
  it('undoes &lt; &gt; before reading, so an escaped mention is still a mention', () => {
    const result = expectInvalid(parseCommand('&lt;@U123&gt;'));
    expect(result.problem).toMatch(/mention/);
    expect(result.input).toBe('<@U123>');
  });

  it('undoes &amp; in the input it reports', () => {
    const result = expectInvalid(parseCommand('#12345 &amp; #12346'));
    expect(result.input).toBe('#12345 & #12346');
  });

  it('does not double-unescape &amp;lt;', () => {
    const result = expectInvalid(parseCommand('&amp;lt;12345'));
    expect(result.input).toBe('&lt;12345');
  });
});

describe('parseCommand: properties', () => {
  const positiveSafe = fc.maxSafeNat().filter((n) => n > 0);

  it('reads any positive safe integer written as n, #n or asset n', () => {
    fc.assert(
      fc.property(positiveSafe, fc.constantFrom('', '#', 'asset ', 'Asset: #', 'asset id '), (n, prefix) => {
        expect(parseCommand(`${prefix}${n}`)).toEqual({ kind: 'audit', assetId: n });
      }),
    );
  });

  it('ignores surrounding whitespace and trailing punctuation', () => {
    fc.assert(
      fc.property(
        positiveSafe,
        fc.constantFrom(' ', '  ', '\t', '\n'),
        fc.constantFrom('', '.', '!', '?', '!?', ')'),
        (n, space, punctuation) => {
          expect(parseCommand(`${space}${n}${punctuation}${space}`)).toEqual({ kind: 'audit', assetId: n });
        },
      ),
    );
  });

  it('refuses every integer beyond the safe range', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: BigInt(Number.MAX_SAFE_INTEGER) + 1n, max: 10n ** 30n }), (n) => {
        expect(expectInvalid(parseCommand(n.toString())).problem).toMatch(/too large/);
      }),
    );
  });

  it('never throws, and every invalid answer explains itself', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        const result = parseCommand(text);
        expect(['help', 'audit', 'invalid']).toContain(result.kind);
        if (result.kind === 'invalid') expect(result.problem.length).toBeGreaterThan(0);
        if (result.kind === 'audit') {
          expect(Number.isSafeInteger(result.assetId)).toBe(true);
          expect(result.assetId).toBeGreaterThan(0);
        }
      }),
    );
  });
});

describe('parseCommand: ids as people paste and format them', () => {
  it.each([
    ['１２３４５', 12345],
    ['＃１２３４５', 12345],
    ['asset １２３４５', 12345],
    ['\u200b12345', 12345],
    ['123\u200b45', 12345],
    ['12345\u200d', 12345],
    ['\ufeff12345', 12345],
    ['123\u206045', 12345],
    ['\u200casset 12345\u200b', 12345],
    ['١٢٣٤٥', 12345],
    ['۱۲۳۴۵', 12345],
    ['asset #١٢٣٤٥', 12345],
    ['‘12345’', 12345],
    ['`12345`', 12345],
    ['*12345*', 12345],
    ['_12345_', 12345],
    ['*#12345*', 12345],
    ['`asset 12345`', 12345],
    ['12,345', 12345],
    ['1,234,567', 1234567],
    ['asset #1,234,567.', 1234567],
    ['١٬٢٣٤', 1234],
  ])('%j is asset %d', (text, assetId) => {
    expect(parseCommand(text)).toEqual({ kind: 'audit', assetId });
  });

  it('reads the same forms after "me"', () => {
    expect(parseCommand('me `12,345`')).toEqual({ kind: 'me', assetId: 12345 });
    expect(parseCommand('me ١٢٣٤٥')).toEqual({ kind: 'me', assetId: 12345 });
  });

  it('still refuses decimals and several ids', () => {
    expect(expectInvalid(parseCommand('12.5')).problem).toMatch(/whole number/);
    expect(expectInvalid(parseCommand('12,34')).problem).toMatch(/whole number/);
    expect(expectInvalid(parseCommand('12345 12346')).problem).toMatch(/one asset at a time/);
    expect(expectInvalid(parseCommand('12,345 12,346')).problem).toMatch(/one asset at a time|no asset id/);
    expect(expectInvalid(parseCommand('１２３４５ １２３４６')).problem).toMatch(/one asset at a time/);
  });

  it.each([
    '<https://app.connecteam.com/assets/12345|link>',
    '<https://app.connecteam.com/assets/12345>',
    '&lt;https://example.com/12345|asset&gt;',
    '<mailto:ops@example.com|ops>',
  ])('calls a Slack link a mention or link: %j', (text) => {
    expect(expectInvalid(parseCommand(text)).problem).toMatch(/Slack mention or link/);
  });
});
