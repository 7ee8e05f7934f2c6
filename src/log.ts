import type { LogLevel } from './config.js';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type Fields = Record<string, unknown>;

export interface Log {
  debug(message: string, fields?: Fields): void;
  info(message: string, fields?: Fields): void;
  warn(message: string, fields?: Fields): void;
  error(message: string, fields?: Fields): void;
  child(fields: Fields): Log;
}

export interface LogOptions {
  level: LogLevel;
  /** Values that must never be printed (tokens, keys); replaced wherever they appear. */
  secrets: string[];
  write?: (line: string) => void;
  base?: Fields;
}

/** One JSON object per line; secrets scrubbed from every string, however deep. */
export function createLog({
  level,
  secrets,
  write = (line) => process.stdout.write(`${line}\n`),
  base = {},
}: LogOptions): Log {
  const scrub = (text: string): string =>
    secrets.reduce(
      (out, secret) => (secret && out.includes(secret) ? out.split(secret).join('[redacted]') : out),
      text,
    );
  const emit = (at: LogLevel, message: string, fields: Fields = {}) => {
    if (ORDER[at] < ORDER[level]) return;
    const record = { time: new Date().toISOString(), level: at, msg: message, ...base, ...fields };
    write(scrub(JSON.stringify(record, errorReplacer)));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLog({ level, secrets, write, base: { ...base, ...fields } }),
  };
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    return {
      name: value.name,
      message: value.message,
      ...(value.cause ? { cause: String(value.cause) } : {}),
    };
  }
  return value;
}
