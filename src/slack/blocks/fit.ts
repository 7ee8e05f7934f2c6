import { LIMITS } from './limits.js';

const jsonLength = (text: string) => JSON.stringify(text).length;

/**
 * Joins a title and lines into one section text that fits both Slack's per-section limit and a
 * share of the message's serialized size, ending with "…and N more" when lines had to go.
 */
export function fitLines(title: string, lines: string[], maxJson: number, empty = '_None_'): string {
  const maxChars = LIMITS.sectionText;
  if (lines.length === 0) return `${title}\n${empty}`;
  let text = title;
  for (let i = 0; i < lines.length; i += 1) {
    const candidate = `${text}\n${lines[i]}`;
    const left = lines.length - i - 1;
    const tail = left > 0 ? `\n…and ${left} more` : '';
    if (candidate.length + tail.length > maxChars || jsonLength(candidate + tail) > maxJson) {
      return `${text}\n…and ${lines.length - i} more`;
    }
    text = candidate;
  }
  return text;
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
