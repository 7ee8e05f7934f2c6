/**
 * Everything that can go wrong between us and Connecteam, as types the Slack layer can explain.
 * Messages are for logs: they never hold a key, a raw body or a stack.
 */
export abstract class ConnecteamError extends Error {
  abstract readonly kind: string;
  /** True when a cached answer may stand in for this failure (the problem is Connecteam's, not the asset's). */
  readonly staleAllowed: boolean = false;
}

export class AssetNotFoundError extends ConnecteamError {
  readonly kind = 'not_found';
  constructor(readonly assetId: number) {
    super(`asset ${assetId} not found`);
  }
}

export class AccessDeniedError extends ConnecteamError {
  readonly kind = 'access_denied';
  constructor(readonly assetId: number | undefined) {
    super(assetId === undefined ? 'access denied' : `access denied to asset ${assetId}`);
  }
}

export class BadApiKeyError extends ConnecteamError {
  readonly kind = 'bad_api_key';
  constructor() {
    super('Connecteam refused the API key (401)');
  }
}

export class ValidationError extends ConnecteamError {
  readonly kind = 'validation';
  constructor(readonly details: string[]) {
    super(`Connecteam rejected the request (422): ${details.join('; ')}`);
  }
}

export class RateLimitedError extends ConnecteamError {
  readonly kind = 'rate_limited';
  override readonly staleAllowed = true;
  /** Epoch milliseconds after which a new request may succeed. */
  constructor(readonly retryAt: number) {
    super(`Connecteam rate limit reached; retry at ${new Date(retryAt).toISOString()}`);
  }
}

export class UnavailableError extends ConnecteamError {
  readonly kind = 'unavailable';
  override readonly staleAllowed = true;
  constructor(readonly reason: string) {
    super(`Connecteam unavailable: ${reason}`);
  }
}

export class UnexpectedResponseError extends ConnecteamError {
  readonly kind = 'unexpected';
  override readonly staleAllowed = true;
  /**
   * @param shape true when the body was well-formed JSON in a shape we don't understand (asking
   * again won't help: the app may need an update); false for garbled answers that may pass.
   */
  constructor(
    readonly reason: string,
    readonly shape = false,
  ) {
    super(`unexpected response from Connecteam: ${reason}`);
  }
}

/** Our own input was not a usable asset id; nothing was sent. */
export class InvalidAssetIdError extends Error {
  readonly kind = 'invalid_asset_id';
  constructor(readonly input: string) {
    super('asset id must be a positive safe integer');
  }
}

export function isConnecteamError(error: unknown): error is ConnecteamError {
  return error instanceof ConnecteamError;
}
