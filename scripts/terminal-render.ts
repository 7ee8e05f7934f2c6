/** Renders Block Kit roughly as Slack shows it, for a terminal. Demo-only. */
type Block = {
  type: string;
  text?: { text: string };
  elements?: Array<{ text?: string; type: string }>;
  fields?: Array<{ text: string }>;
};

const tty = process.stdout.isTTY;
const bold = (s: string) => (tty ? `\x1b[1m${s}\x1b[22m` : s);
const dim = (s: string) => (tty ? `\x1b[2m${s}\x1b[22m` : s);

export function mrkdwnToTerminal(text: string): string {
  return text
    .replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<@([A-Z0-9]+)(\|[^>]*)?>/g, '@$1')
    .replace(/<(https?:[^|>]+)\|([^>]*)>/g, '$2 ($1)')
    .replace(/\*([^*\n]+)\*/g, (_m, inner: string) => bold(inner))
    .replace(/(^|\s)_([^_\n]+)_/g, '$1$2')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export function renderBlocks(blocks: Block[]): string {
  const out: string[] = [];
  for (const block of blocks) {
    if (block.type === 'header' && block.text) out.push(bold(block.text.text), '');
    else if (block.type === 'section') {
      if (block.text) out.push(mrkdwnToTerminal(block.text.text));
      for (const field of block.fields ?? []) out.push(mrkdwnToTerminal(field.text));
      out.push('');
    } else if (block.type === 'context') {
      out.push(dim(mrkdwnToTerminal((block.elements ?? []).map((e) => e.text ?? '').join('  '))), '');
    } else if (block.type === 'actions') {
      out.push(
        (block.elements ?? [])
          .map((e) => `[ ${(e as { text?: { text: string } }).text?.text ?? e.type} ]`)
          .join(' '),
        '',
      );
    } else if (block.type === 'divider') out.push('─'.repeat(40));
  }
  return out.join('\n').trimEnd();
}

export function blockKitBuilderUrl(blocks: unknown[]): string {
  return `https://app.slack.com/block-kit-builder/#${encodeURIComponent(JSON.stringify({ blocks }))}`;
}
