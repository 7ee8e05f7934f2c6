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
