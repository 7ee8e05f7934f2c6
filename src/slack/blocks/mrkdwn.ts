import type { KnownBlock } from '@slack/types';

/**
 * Escapes `&`, `<` and `>`, so text from Connecteam or from a person can't link, ping (`<!channel>`)
 * or mention (`<@U…>`) once escaped. It does NOT stop formatting: Slack mrkdwn has no escape for
 * `*bold*`, `_italic_`, `~strike~` or `` `code` ``, so such characters may still style the text
 * around them. Use `inlineText` for text that must also stay on its own line.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Every run of whitespace or control characters (newlines, \r\n, tabs, U+2028/U+2029, U+0085…)
 * as one space, trimmed, so outside text can't start lines of its own.
 */
export function collapseWhitespace(text: string): string {
  return text.replace(/[\s\p{Cc}]+/gu, ' ').trim();
}

/**
 * Outside text (a name, a group) for one line of mrkdwn: whitespace collapsed, cut to `max`
 * characters when given, then escaped. Empty when nothing visible is left.
 */
export function inlineText(text: string, max?: number): string {
  const flat = collapseWhitespace(text);
  if (flat === '') return '';
  return escapeMrkdwn(max === undefined ? flat : truncate(flat, max));
}

/** Cuts text to `max` characters, marking the cut. Never returns an empty string. */
export function truncate(text: string, max: number): string {
  const clean = text.trim() === '' ? '-' : text;
  if (clean.length <= max) return clean;
  return `${Array.from(clean.slice(0, max - 1))
    .join('')
    .replace(/[\uD800-\uDBFF]$/, '')}…`;
}

/** Slack date formatting with a plain fallback for clients that can't render it. */
export function slackDate(epochMs: number): string {
  const seconds = Math.floor(epochMs / 1000);
  return `<!date^${seconds}^{date_short_pretty} at {time_secs}|${new Date(epochMs).toISOString()}>`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function durationText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return plural(s, 'second');
  const m = Math.round(s / 60);
  if (m < 90) return plural(m, 'minute');
  const h = Math.round(m / 60);
  if (h < 48) return plural(h, 'hour');
  return plural(Math.round(h / 24), 'day');
}

export interface Message {
  text: string;
  blocks: KnownBlock[];
}
