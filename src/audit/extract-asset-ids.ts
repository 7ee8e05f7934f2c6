import { checkAssetId, unescapeSlack } from './asset-id.js';

/** The parts of a Slack message we read; everything is optional because Slack omits freely. */
export interface MessageLike {
  text?: string | null;
  blocks?: unknown[] | null;
  attachments?: Array<{
    text?: string | null;
    fallback?: string | null;
    pretext?: string | null;
    title?: string | null;
    fields?: Array<{ title?: string | null; value?: string | null }> | null;
  }> | null;
}

// "asset 12345", "asset #12345", "asset: 12345", "asset id 12345", "Asset:#12345"
const EXPLICIT_ASSET = /\basset(?:\s+id)?\s*(?::\s*|\s+|(?=#))#?\s*(\d+)(?!\d)(?![.,:/-]\d)(?![%\w])/gi;
// "#12345" wherever it stands, but not inside a word ("C#12") or a longer token ("#12-3")
const HASH_ID = /(?<![\w&#/])#(\d+)(?!\d)(?![\w.:/-]*\d)(?![%\w])/g;
// A fragment that is nothing but ids: "12345", "12345, 12346", "#1 and #2."
const ONLY_IDS = /^\s*#?\d+(?:\s*(?:,|;|&|\band\b|\s)\s*#?\d+)*\s*[.!?]?\s*$/i;

/** Every asset id a message names, in order, without duplicates. */
export function extractAssetIds(message: MessageLike | null | undefined): number[] {
  const ids: number[] = [];
  const add = (digits: string | undefined) => {
    if (!digits) return;
    const check = checkAssetId(digits);
    if (check.ok && !ids.includes(check.assetId)) ids.push(check.assetId);
  };
  for (const fragment of fragments(message ?? {})) {
    const text = clean(fragment);
    // Both forms, in the order they appear in the text.
    const found = [...text.matchAll(EXPLICIT_ASSET), ...text.matchAll(HASH_ID)].sort(
      (a, b) => a.index - b.index,
    );
    for (const match of found) add(match[1]);
    if (ONLY_IDS.test(text)) for (const match of text.matchAll(/\d+/g)) add(match[0]);
  }
  return ids;
}

/** Slack markup out (mentions, channel links, URLs, dates), escaping undone. */
function clean(text: string): string {
  return unescapeSlack(text.replace(/<(?:[@#!]|https?:|mailto:|tel:)[^>]*>/gi, ' '))
    .replace(/\b(?:https?|ftp):\/\/\S+/gi, ' ')
    .replace(/\bwww\.\S+/gi, ' ')
    .replace(/\S+@\S+\.\S+/g, ' ');
}

/** The text of a message as separate pieces: its text, its blocks and its attachments. */
function fragments(message: MessageLike): string[] {
  const out: string[] = [];
  if (typeof message.text === 'string') out.push(message.text);
  for (const block of asArray(message.blocks) ?? []) out.push(...blockTexts(block));
  for (const attachment of asArray(message.attachments) ?? []) {
    if (!isNode(attachment)) continue;
    for (const text of [attachment.pretext, attachment.title, attachment.text, attachment.fallback]) {
      if (typeof text === 'string') out.push(text);
    }
    for (const field of asArray(attachment.fields) ?? []) {
      if (!isNode(field)) continue;
      out.push([field.title, field.value].filter((part) => typeof part === 'string').join(': '));
    }
  }
  return [...new Set(out.filter((text) => text.trim() !== ''))];
}

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null;

function blockTexts(block: unknown): string[] {
  if (!isNode(block)) return [];
  if (block.type === 'rich_text')
    return (asArray(block.elements) ?? []).map((element) => richText(element).trim());
  const texts: string[] = [];
  const text = block.text;
  if (isNode(text) && typeof text.text === 'string') texts.push(text.text);
  for (const field of asArray(block.fields) ?? []) {
    if (isNode(field) && typeof field.text === 'string') texts.push(field.text);
  }
  return texts;
}

/** Flattens rich_text; mentions, channels, links' URLs and dates become spaces. */
function richText(node: unknown): string {
  if (!isNode(node)) return '';
  const children = asArray(node.elements);
  if (children) {
    const joiner = node.type === 'rich_text_list' ? '\n' : '';
    return children.map(richText).join(joiner);
  }
  if (node.type === 'text' && typeof node.text === 'string') return node.text;
  if (node.type === 'link' && typeof node.text === 'string') return node.text;
  return ' ';
}

function asArray(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}
