import { isConnecteamError } from '../connecteam/errors.js';

/** A short outcome for the audit trail: `error:<kind>` for what went wrong. */
export function outcomeOf(error: unknown): string {
  return isConnecteamError(error) ? `error:${error.kind}` : 'error:internal';
}
