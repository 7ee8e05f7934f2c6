import { checkAssetId, unescapeSlack } from '../audit/asset-id.js';

export const MAX_WATCH_IDS = 20;

export type WatchCommand =
  | { kind: 'watch'; assetIds: number[] }
  | { kind: 'unwatch'; assetIds: number[] }
  | { kind: 'watching' }
  | { kind: 'invalid'; problem: string; input: string };

/** `watch 12345 12346`, `unwatch #12345`, `watching`; undefined when the text is none of these. */
export function parseWatchCommand(raw: string): WatchCommand | undefined {
  const text = unescapeSlack(raw).replace(/\s+/g, ' ').trim();
  if (/^watching[.!?]?$/i.test(text)) return { kind: 'watching' };
  const match = text.match(/^(watch|unwatch)\b\s*(.*)$/i);
  if (!match) return undefined;
  const kind = match[1]?.toLowerCase() === 'watch' ? 'watch' : 'unwatch';
  const rest = (match[2] ?? '').replace(/^assets?\b\s*:?/i, '');
  const tokens = rest
    .split(/[\s,;]+|\band\b/i)
    .map((t) => t.replace(/^#/, '').replace(/[.!?]+$/, ''))
    .filter(Boolean);
  if (tokens.length === 0)
    return {
      kind: 'invalid',
      problem: `say which asset to ${kind}, like \`/asset-audit ${kind} 12345\``,
      input: text,
    };
  if (tokens.length > MAX_WATCH_IDS)
    return { kind: 'invalid', problem: `at most ${MAX_WATCH_IDS} assets at a time`, input: text };
  const assetIds: number[] = [];
  for (const token of tokens) {
    const check = checkAssetId(token);
    if (!check.ok)
      return { kind: 'invalid', problem: `"${token.slice(0, 30)}": ${check.problem}`, input: text };
    if (!assetIds.includes(check.assetId)) assetIds.push(check.assetId);
  }
  return { kind, assetIds };
}
