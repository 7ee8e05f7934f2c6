import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

/** Reads `.env` if there is one; variables already in the environment win. */
export function environmentWithEnvFile(
  path = '.env',
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string | undefined> {
  if (!existsSync(path)) return env;
  return { ...parseEnv(readFileSync(path, 'utf8')), ...env };
}
