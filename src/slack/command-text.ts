import { checkAssetId, normalizeTyped, unescapeSlack } from '../audit/asset-id.js';

export type ParsedCommand =
  | { kind: 'help' }
  | { kind: 'audit'; assetId: number }
  | { kind: 'me'; assetId: number }
  | { kind: 'invalid'; problem: string; input: string };

/** Reads `/asset-audit` text: `12345`, `#12345`, `asset 12345`, `asset: #12345.`, or `help`. */
export function parseCommand(raw: string | undefined): ParsedCommand {
  const text = normalizeTyped(unescapeSlack(raw ?? ''))
    .replace(/\s+/g, ' ')
    .trim();
  if (text === '' || /^(help|\?|usage)$/i.test(text)) return { kind: 'help' };
  const me = text.match(/^me\b\s*(.*)$/i);
  if (me) {
    const id = readAssetId(me[1] ?? '');
    return id.ok
      ? { kind: 'me', assetId: id.assetId }
      : { kind: 'invalid', problem: id.problem, input: text };
  }
  const id = readAssetId(text);
  return id.ok
    ? { kind: 'audit', assetId: id.assetId }
    : { kind: 'invalid', problem: id.problem, input: text };
}

/** Quotes, brackets and mrkdwn marks people put around an id: "12345", ‘12345’, `12345`, *12345*. */
const OPENERS = /^[#([{'"“‘`*_~]+\s*/;
const CLOSERS = /[\s.,;:!?)\]}'"”’`*_~]+$/;

/** One asset id in free text as a person would type it after the command. */
export function readAssetId(text: string): ReturnType<typeof checkAssetId> {
  const core = normalizeTyped(text)
    .replace(/\s+/g, ' ')
    .trim()
    .replace(OPENERS, '')
    .replace(/^asset\b\s*(id\b)?\s*:?\s*/i, '')
    .replace(OPENERS, '')
    .replace(CLOSERS, '');
  if (core === '') return { ok: false, problem: 'the asset id is missing' };
  if (/^\d+$/.test(core)) return checkAssetId(core);
  // Thousands separators: 12,345 and 1,234,567 (but not 12,5 or 12345, 12346).
  if (/^\d{1,3}(,\d{3})+$/.test(core)) return checkAssetId(core.replace(/,/g, ''));
  if (/^-\s*\d+$/.test(core)) return { ok: false, problem: 'asset ids are positive numbers' };
  if (/^\d+[.,]\d+$/.test(core))
    return { ok: false, problem: 'an asset id is a whole number, without decimals' };
  if (/^#?\d+([\s,;]+(and\s+)?#?\d+)+$/i.test(core))
    return { ok: false, problem: 'one asset at a time, please' };
  if (/<(?:[@#!]|[a-z][a-z0-9+.-]*:)/i.test(core))
    return { ok: false, problem: 'that is a Slack mention or link, not an asset id' };
  return { ok: false, problem: 'there is no asset id in it' };
}
