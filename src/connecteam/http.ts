import { Agent, type Dispatcher, request } from 'undici';
import type { Log } from '../log.js';
import {
  AccessDeniedError,
  BadApiKeyError,
  type ConnecteamError,
  RateLimitedError,
  UnavailableError,
  UnexpectedResponseError,
  ValidationError,
} from './errors.js';
import type { RateLimitTracker } from './rate-limits.js';

export interface HttpOptions {
  baseUrl: string;
  apiKey: string;
  rateLimits: RateLimitTracker;
  log: Log;
  now?: () => number;
  /** Longest a call may take, retries included, when the caller gives no deadline. */
  defaultTimeoutMs?: number;
  connectTimeoutMs?: number;
  attempts?: number;
  backoffBaseMs?: number;
  random?: () => number;
}

export interface CallOptions {
  /** Epoch milliseconds after which we give up (no retry or backoff runs past it). */
  deadline?: number;
}

export interface JsonResponse {
  status: number;
  body: unknown;
}

export type Query = Record<string, string | number | Array<string | number> | undefined>;

/** Transport to Connecteam: keep-alive pool, timeouts, bounded retries, status -> typed error. */
export class ConnecteamHttp {
  private readonly agent: Agent;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly defaultTimeoutMs: number;
  private readonly attempts: number;
  private readonly backoffBaseMs: number;
  private readonly baseUrl: string;
  /** Requests sent so far (the watcher measures its own spending with it). */
  requestCount = 0;

  constructor(private readonly options: HttpOptions) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? 15_000;
    this.attempts = options.attempts ?? 3;
    this.backoffBaseMs = options.backoffBaseMs ?? 250;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.agent = new Agent({
      connections: 16,
      keepAliveTimeout: 30_000,
      connect: { timeout: options.connectTimeoutMs ?? 3_000 },
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  async get(path: string, query: Query = {}, call: CallOptions = {}): Promise<JsonResponse> {
    const deadline = call.deadline ?? this.now() + this.defaultTimeoutMs;
    const url = this.url(path, query);
    let lastError: ConnecteamError | undefined;
    for (let attempt = 1; attempt <= this.attempts; attempt += 1) {
      const blockedUntil = this.options.rateLimits.blockedUntil();
      if (blockedUntil > 0) throw new RateLimitedError(blockedUntil);
      const remaining = deadline - this.now();
      if (remaining <= 0) throw lastError ?? new UnavailableError('no time left before the deadline');
      try {
        return await this.once(url, path, remaining);
      } catch (error) {
        if (!(error instanceof UnavailableError)) throw error;
        lastError = error;
        if (attempt === this.attempts) break;
        // Full jitter keeps many callers from retrying in step.
        const backoff = Math.round(this.random() * this.backoffBaseMs * 2 ** (attempt - 1));
        if (this.now() + backoff >= deadline) break;
        this.options.log.debug('connecteam retry', {
          path,
          attempt,
          backoffMs: backoff,
          reason: error.reason,
        });
        await new Promise((resolve) => setTimeout(resolve, backoff));
      }
    }
    throw lastError ?? new UnavailableError('no attempt made');
  }

  private url(path: string, query: Query): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item));
    }
    const qs = params.toString();
    return `${this.baseUrl}${path}${qs ? `?${qs}` : ''}`;
  }

  private async once(url: string, path: string, timeoutMs: number): Promise<JsonResponse> {
    const started = this.now();
    let response: Dispatcher.ResponseData;
    let text: string;
    this.requestCount += 1;
    try {
      response = await request(url, {
        dispatcher: this.agent,
        method: 'GET',
        headers: { 'x-api-key': this.options.apiKey, accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
        headersTimeout: Math.min(timeoutMs, 10_000),
        bodyTimeout: Math.min(timeoutMs, 10_000),
      });
      text = await response.body.text();
    } catch (error) {
      throw new UnavailableError(describeTransportError(error));
    }
    const { statusCode: status } = response;
    this.options.rateLimits.observe(response.headers);
    this.options.log.debug('connecteam response', { path, status, ms: this.now() - started });
    if (status >= 200 && status < 300) {
      try {
        return { status, body: text === '' ? null : JSON.parse(text) };
      } catch {
        throw new UnexpectedResponseError(`HTTP ${status} with a body that is not JSON`);
      }
    }
    if (status === 429) {
      throw new RateLimitedError(this.options.rateLimits.retryAtAfterLimit(response.headers['retry-after']));
    }
    if (status >= 500) throw new UnavailableError(`HTTP ${status}`);
    if (status === 401) throw new BadApiKeyError();
    if (status === 403) throw new AccessDeniedError(undefined);
    if (status === 404) return { status, body: safeJson(text) };
    if (status === 422) throw new ValidationError(validationDetails(safeJson(text)));
    throw new UnexpectedResponseError(`HTTP ${status}`);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function validationDetails(body: unknown): string[] {
  const detail = (body as { detail?: unknown } | null)?.detail;
  if (!Array.isArray(detail)) return ['invalid request'];
  return detail.map((item) => {
    const { loc, msg } = (item ?? {}) as { loc?: unknown; msg?: unknown };
    const where = Array.isArray(loc) ? loc.join('.') : '';
    return `${where}${where ? ': ' : ''}${typeof msg === 'string' ? msg : 'invalid'}`.slice(0, 200);
  });
}

function describeTransportError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'timed out';
    if (
      code === 'UND_ERR_HEADERS_TIMEOUT' ||
      code === 'UND_ERR_BODY_TIMEOUT' ||
      code === 'UND_ERR_CONNECT_TIMEOUT'
    ) {
      return 'timed out';
    }
    return code ? `connection failed (${code})` : 'connection failed';
  }
  return 'connection failed';
}
