/** Asset ids are positive integers that must survive a round trip through a JS number. */
export type AssetIdCheck = { ok: true; assetId: number } | { ok: false; problem: string };

export function checkAssetId(digits: string): AssetIdCheck {
  if (!/^\d+$/.test(digits)) return { ok: false, problem: 'an asset id is a whole number such as 12345' };
  const assetId = Number(digits);
  if (assetId === 0) return { ok: false, problem: 'asset ids start at 1' };
  if (!Number.isSafeInteger(assetId))
    return { ok: false, problem: 'that number is too large to be an asset id' };
  return { ok: true, assetId };
}

/** Undoes Slack's escaping of `&`, `<` and `>` in message and command text. */
export function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Invisible characters that ride along when ids are pasted: zero-width spaces, joiners, BOM, soft hyphen. */
const INVISIBLE = /[\u200b-\u200d\u2060\ufeff\u00ad]/g;

/**
 * Text as a person typed it, made plain for reading an id: invisible characters dropped, NFKC
 * (fullwidth `１２３` is `123`), Arabic-Indic and Eastern Arabic-Indic digits (and the Arabic
 * thousands and decimal separators) as ASCII. Whitespace is left as it is.
 */
export function normalizeTyped(text: string): string {
  return text
    .replace(INVISIBLE, '')
    .normalize('NFKC')
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/\u066c/g, ',')
    .replace(/\u066b/g, '.');
}
