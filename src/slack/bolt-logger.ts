import { type Logger, LogLevel } from '@slack/bolt';
import type { Log } from '../log.js';

/** Bolt and the Slack SDK log through ours, so secrets are scrubbed there too. */
export function boltLogger(log: Log): Logger {
  let level = LogLevel.INFO;
  let name = 'bolt';
  const text = (parts: unknown[]) =>
    parts
      .map((part) =>
        typeof part === 'string' ? part : part instanceof Error ? part.message : JSON.stringify(part),
      )
      .join(' ');
  return {
    debug: (...parts) => log.debug(text(parts), { source: name }),
    info: (...parts) => log.info(text(parts), { source: name }),
    warn: (...parts) => log.warn(text(parts), { source: name }),
    error: (...parts) => log.error(text(parts), { source: name }),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: (next) => {
      name = next;
    },
  };
}
