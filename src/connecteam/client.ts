import type { z } from 'zod';
import {
  AccessDeniedError,
  AssetNotFoundError,
  InvalidAssetIdError,
  RateLimitedError,
  UnexpectedResponseError,
} from './errors.js';
import type { CallOptions, ConnecteamHttp, JsonResponse, Query } from './http.js';
import type { AssetAccess, ConnecteamUser, SmartGroup } from './model.js';
import type { RateLimitTracker } from './rate-limits.js';
import {
  assetResponseSchema,
  type ConnecteamUserRecord,
  detailSchema,
  smartGroupsResponseSchema,
  usersResponseSchema,
} from './schemas.js';

const USERS_PAGE = 100;
const MAX_PAGES = 200;

/** The Connecteam calls asset-audit makes, parsed into the domain model. */
export class ConnecteamClient {
  constructor(
    private readonly http: ConnecteamHttp,
    private readonly rateLimits: RateLimitTracker,
  ) {}

  async getAsset(assetId: number, call: CallOptions = {}): Promise<AssetAccess> {
    if (!Number.isSafeInteger(assetId) || assetId < 1) throw new InvalidAssetIdError(String(assetId));
    let response: JsonResponse;
    try {
      response = await this.http.get(`/assets/v1/asset/${assetId}`, {}, call);
    } catch (error) {
      if (error instanceof AccessDeniedError) throw new AccessDeniedError(assetId);
      throw error;
    }
    if (response.status === 404) throw new AssetNotFoundError(assetId);
    const { data } = this.parse(assetResponseSchema, response, 'asset', assetId);
    return {
      assetId,
      adminIds: unique(data.permissions.map((p) => p.userId)),
      assignedUserIds: unique(data.assignments.userIds),
      smartGroups: unique(data.assignments.smartGroups),
    };
  }

  /** People by id, archived ones included; ids Connecteam does not know are simply absent. */
  async getUsersByIds(userIds: number[], call: CallOptions = {}): Promise<ConnecteamUser[]> {
    const users: ConnecteamUser[] = [];
    for (let i = 0; i < userIds.length; i += USERS_PAGE) {
      const batch = userIds.slice(i, i + USERS_PAGE);
      users.push(...(await this.listUsers({ userIds: batch, userStatus: 'all' }, call, batch.length)));
    }
    return users;
  }

  async getUsersByEmail(email: string, call: CallOptions = {}): Promise<ConnecteamUser[]> {
    return this.listUsers({ emailAddresses: email, userStatus: 'all' }, call);
  }

  async getSmartGroups(call: CallOptions = {}): Promise<SmartGroup[]> {
    const response = await this.http.get('/users/v1/smart-groups', {}, call);
    if (response.status === 404) throw new UnexpectedResponseError('smart groups endpoint answered 404');
    const { data } = this.parse(smartGroupsResponseSchema, response, 'smart groups');
    return data.map((g) => ({ id: g.id, name: g.name?.trim() || undefined }));
  }

  /** Pages through users; `atMost` (when known) saves asking for a page that must be empty. */
  private async listUsers(
    filter: Query,
    call: CallOptions,
    atMost = Number.POSITIVE_INFINITY,
  ): Promise<ConnecteamUser[]> {
    const users: ConnecteamUser[] = [];
    for (let page = 0, offset = 0; page < MAX_PAGES; page += 1) {
      const response = await this.http.get('/users/v1/users', { ...filter, limit: USERS_PAGE, offset }, call);
      if (response.status === 404) throw new UnexpectedResponseError('users endpoint answered 404');
      const { data, paging } = this.parse(usersResponseSchema, response, 'users');
      users.push(...data.users.map(toUser));
      if (data.users.length < USERS_PAGE || users.length >= atMost) return users;
      if (typeof paging?.total === 'number' && users.length >= paging.total) return users;
      offset += data.users.length;
    }
    return users;
  }

  private parse<T extends z.ZodType>(
    schema: T,
    response: JsonResponse,
    what: string,
    assetId?: number,
  ): z.infer<T> {
    const parsed = schema.safeParse(response.body);
    if (parsed.success) return parsed.data;
    // A 2xx that carries `detail` instead of data is the error it names (seen: 200 "Too many requests").
    const detail = detailSchema.safeParse(response.body);
    if (detail.success) {
      const text = detail.data.detail;
      if (/too many requests|rate limit/i.test(text))
        throw new RateLimitedError(this.rateLimits.retryAtAfterLimit());
      if (assetId !== undefined && /not found/i.test(text)) throw new AssetNotFoundError(assetId);
      if (assetId !== undefined && /access denied|forbidden/i.test(text))
        throw new AccessDeniedError(assetId);
    }
    const where = parsed.error.issues[0]?.path.join('.') || 'body';
    throw new UnexpectedResponseError(`${what} response did not match the expected shape at ${where}`, true);
  }
}

function toUser(record: ConnecteamUserRecord): ConnecteamUser {
  return {
    userId: record.userId,
    firstName: record.firstName?.trim() ?? '',
    lastName: record.lastName?.trim() ?? '',
    email: record.email?.trim() || undefined,
    archived: record.isArchived === true,
    smartGroupIds: record.smartGroupsIds ?? [],
  };
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
