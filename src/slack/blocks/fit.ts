import { LIMITS } from './limits.js';

const jsonLength = (text: string) => JSON.stringify(text).length;

/**
 * Joins a title and lines into one section text that fits both Slack's per-section limit and a
 * share of the message's serialized size, ending with "…and N more" when lines had to go.
 * A list that fits whole is always shown whole, even when its last lines are shorter than the tail.
 */
export function fitLines(title: string, lines: string[], maxJson: number, empty = '_None_'): string {
  const maxChars = LIMITS.sectionText;
  if (lines.length === 0) return `${title}\n${empty}`;
  const fits = (text: string) => text.length <= maxChars && jsonLength(text) <= maxJson;
  const whole = [title, ...lines].join('\n');
  if (fits(whole)) return whole;
  // Something has to go. Showing one more line adds at least one character ("\n") while the tail
  // shrinks by at most one (a digit), so the first k that fails ends the search.
  let text = title;
  let shown = 0;
  while (shown < lines.length - 1) {
    const candidate = `${text}\n${lines[shown]}`;
    if (!fits(`${candidate}\n…and ${lines.length - shown - 1} more`)) break;
    text = candidate;
    shown += 1;
  }
  const left = lines.length - shown;
  return `${text}\n…and ${left} more`;
}

/** Splits a serialized-size budget between lists, giving what short lists leave to the long ones. */
export function shareBudget(sizes: number[], total: number): number[] {
  const order = sizes.map((size, index) => ({ size, index })).sort((a, b) => a.size - b.size);
  const shares = new Array<number>(sizes.length).fill(0);
  let left = total;
  order.forEach(({ size, index }, position) => {
    const even = Math.floor(left / (order.length - position));
    shares[index] = Math.min(size, even);
    left -= shares[index] ?? 0;
  });
  return shares;
}

export function serializedLength(value: unknown): number {
  return JSON.stringify(value).length;
}
