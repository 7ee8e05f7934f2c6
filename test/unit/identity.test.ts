import Keyv from 'keyv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Identity,
  IdentityResolver,
  type SlackPeople,
  type SlackProfile,
} from '../../src/audit/identity.js';
import { ReadThroughCache } from '../../src/connecteam/cache.js';
import { CachedConnecteam } from '../../src/connecteam/cached-client.js';
import { ConnecteamClient } from '../../src/connecteam/client.js';
import { ConnecteamHttp } from '../../src/connecteam/http.js';
import type { ConnecteamUser } from '../../src/connecteam/model.js';
import { RateLimitTracker } from '../../src/connecteam/rate-limits.js';
import { createLog } from '../../src/log.js';
import { FakeConnecteam, type FakeUser } from '../support/fake-connecteam.js';

const log = createLog({ level: 'error', secrets: [], write: () => {} });
const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);

/** A Slack directory in memory: profiles by id, and email -> id for findByEmails. */
class FakeSlackPeople implements SlackPeople {
  readonly profileCalls: string[] = [];
  readonly emailCalls: string[][] = [];
  constructor(private readonly people: SlackProfile[]) {}

  async profile(slackUserId: string): Promise<SlackProfile | undefined> {
    this.profileCalls.push(slackUserId);
    return this.people.find((p) => p.slackUserId === slackUserId);
  }

  async findByEmails(emails: string[], _deadline: number): Promise<Map<string, string>> {
    this.emailCalls.push([...emails]);
    const found = new Map<string, string>();
    for (const email of emails) {
      const person = this.people.find((p) => p.email?.toLowerCase() === email && !p.deleted && !p.bot);
      if (person) found.set(email, person.slackUserId);
    }
    return found;
  }
}

const person = (slackUserId: string, email: string | undefined, extra: Partial<SlackProfile> = {}) => ({
  slackUserId,
  teamId: 'T0ACME',
  email,
  guest: false,
  deleted: false,
  bot: false,
  ...extra,
});

function slackPeople(): FakeSlackPeople {
  return new FakeSlackPeople([
    person('U0ADA', 'ada@example.com'),
    person('U0GRACE', 'Grace@Example.COM'),
    person('U0ALAN', 'alan@example.com'),
    person('U0KATE', 'katherine@example.com'),
    person('U0ALICE', 'alice@example.com'),
    person('U0NOMAIL', undefined),
    person('U0GONE', 'edsger@example.com', { deleted: true }),
  ]);
}

describe('IdentityResolver over a cached Connecteam', () => {
  let fake: FakeConnecteam;
  let http: ConnecteamHttp;
  let connecteam: CachedConnecteam;
  let clock: number;
  let slack: FakeSlackPeople;

  const resolver = (overrides: Record<string, number> = {}) =>
    new IdentityResolver(slack, connecteam, new Map(Object.entries(overrides)));
  const userCalls = () => fake.callsTo('/users/v1/users').length;

  beforeEach(async () => {
    fake = await new FakeConnecteam().start();
    clock = T0;
    const now = () => clock;
    const rateLimits = new RateLimitTracker(now);
    http = new ConnecteamHttp({ baseUrl: fake.url, apiKey: fake.apiKey, rateLimits, log, now });
    connecteam = new CachedConnecteam(
      new ConnecteamClient(http, rateLimits),
      new ReadThroughCache(new Keyv(), { log, now }),
      { assetMs: 60_000, peopleMs: 3_600_000 },
    );
    slack = slackPeople();
  });

  afterEach(async () => {
    await http.close();
    await fake.stop();
  });

  const linked = (identity: Identity) => {
    if (identity.kind !== 'linked') throw new Error(`expected linked, got ${JSON.stringify(identity)}`);
    return identity;
  };

  describe('connecteamUserFor', () => {
    it('matches by email', async () => {
      const identity = linked(await resolver().connecteamUserFor('U0ADA'));
      expect(identity.via).toBe('email');
      expect(identity.user).toMatchObject({ userId: 9170357, firstName: 'Ada', archived: false });
    });

    it('matches email case-insensitively (Slack has Grace@Example.COM)', async () => {
      const identity = linked(await resolver().connecteamUserFor('U0GRACE'));
      expect(identity.user.userId).toBe(9170358);
      const asked = fake.callsTo('/users/v1/users').flatMap((c) => c.query.getAll('emailAddresses'));
      expect(asked).toEqual(['grace@example.com']);
    });

    it('matches when Connecteam has the email in another case', async () => {
      const alan = fake.users.get(9170359) as FakeUser;
      fake.users.set(9170359, { ...alan, email: 'ALAN@Example.com' });
      expect(linked(await resolver().connecteamUserFor('U0ALAN')).user.userId).toBe(9170359);
    });

    it('an override wins over email, without asking Slack', async () => {
      const identity = linked(await resolver({ U0ADA: 9170359 }).connecteamUserFor('U0ADA'));
      expect(identity.via).toBe('override');
      expect(identity.user.userId).toBe(9170359);
      expect(slack.profileCalls).toEqual([]);
    });

    it('an override links someone Connecteam does not know by email', async () => {
      const identity = linked(await resolver({ U0ALICE: 9170358 }).connecteamUserFor('U0ALICE'));
      expect(identity).toMatchObject({ via: 'override', user: { userId: 9170358, lastName: 'Hopper' } });
    });

    it('an override to an unknown Connecteam id is no match', async () => {
      expect(await resolver({ U0ALICE: 1 }).connecteamUserFor('U0ALICE')).toEqual({
        kind: 'no_match',
        email: 'override 1',
      });
    });

    it("nobody reaches an account claimed by an override through their email: {kind:'claimed'}", async () => {
      const identities = resolver({ U0ALICE: 9170359 });
      expect(await identities.connecteamUserFor('U0ALAN')).toEqual({
        kind: 'claimed',
        email: 'alan@example.com',
      });
      // The override holder gets the account.
      expect(linked(await identities.connecteamUserFor('U0ALICE')).user.userId).toBe(9170359);
      // Others are unaffected.
      expect(linked(await identities.connecteamUserFor('U0ADA')).user.userId).toBe(9170357);
    });

    it('finds an archived user and says so', async () => {
      const identity = linked(await resolver().connecteamUserFor('U0KATE'));
      expect(identity.user).toMatchObject({ userId: 9170360, archived: true });
      expect(identity.via).toBe('email');
    });

    it('a Slack user without an email is no_email, and Connecteam is not asked', async () => {
      expect(await resolver().connecteamUserFor('U0NOMAIL')).toEqual({ kind: 'no_email' });
      expect(fake.calls).toHaveLength(0);
    });

    it('an email Connecteam does not know is no_match with the email', async () => {
      expect(await resolver().connecteamUserFor('U0ALICE')).toEqual({
        kind: 'no_match',
        email: 'alice@example.com',
      });
    });

    it('a Slack user Slack does not know (or deleted) is unknown_slack_user', async () => {
      expect(await resolver().connecteamUserFor('U0NOBODY')).toEqual({ kind: 'unknown_slack_user' });
      expect(await resolver().connecteamUserFor('U0GONE')).toEqual({ kind: 'unknown_slack_user' });
      expect(fake.calls).toHaveLength(0);
    });

    it('two Connecteam accounts with one email: the active one is preferred', async () => {
      const seeded = [...fake.users.values()];
      // The archived duplicate comes first in Connecteam's answer.
      fake.users = new Map<number, FakeUser>([
        [
          9170001,
          {
            userId: 9170001,
            firstName: 'Alan',
            lastName: 'Turing (old)',
            email: 'alan@example.com',
            isArchived: true,
            smartGroupsIds: [],
            userType: 'user',
          },
        ],
        ...seeded.map((u) => [u.userId, u] as [number, FakeUser]),
      ]);
      expect(linked(await resolver().connecteamUserFor('U0ALAN')).user).toMatchObject({
        userId: 9170359,
        archived: false,
      });
    });

    it('two archived accounts with one email: one of them is still linked', async () => {
      const kate = fake.users.get(9170360) as FakeUser;
      fake.users.set(9170002, { ...kate, userId: 9170002 });
      const identity = linked(await resolver().connecteamUserFor('U0KATE'));
      expect([9170360, 9170002]).toContain(identity.user.userId);
      expect(identity.user.archived).toBe(true);
    });

    it('the second lookup of a person is served from the cache', async () => {
      const identities = resolver();
      await identities.connecteamUserFor('U0ADA');
      const calls = userCalls();
      expect(calls).toBeGreaterThan(0);
      clock += 30 * 60_000;
      expect(linked(await identities.connecteamUserFor('U0ADA')).user.userId).toBe(9170357);
      expect(userCalls()).toBe(calls);
    });

    it('a no-match answer is believed for a minute, then asked again', async () => {
      const identities = resolver();
      expect((await identities.connecteamUserFor('U0ALICE')).kind).toBe('no_match');
      const calls = userCalls();
      clock += 30_000;
      expect((await identities.connecteamUserFor('U0ALICE')).kind).toBe('no_match');
      expect(userCalls()).toBe(calls);
      // Alice joins Connecteam; after the minute she is found.
      fake.users.set(9170400, {
        userId: 9170400,
        firstName: 'Alice',
        lastName: 'Ball',
        email: 'alice@example.com',
        isArchived: false,
        smartGroupsIds: [],
        userType: 'user',
      });
      clock += 31_000;
      expect(linked(await identities.connecteamUserFor('U0ALICE')).user.userId).toBe(9170400);
      expect(userCalls()).toBeGreaterThan(calls);
    });

    it('a positive answer is still fresh after a minute', async () => {
      const identities = resolver();
      await identities.connecteamUserFor('U0ADA');
      const calls = userCalls();
      clock += 61_000;
      await identities.connecteamUserFor('U0ADA');
      expect(userCalls()).toBe(calls);
    });
  });

  describe('slackIdsFor', () => {
    const user = (userId: number, email: string | undefined): ConnecteamUser => ({
      userId,
      firstName: 'X',
      lastName: String(userId),
      email,
      archived: false,
      smartGroupIds: [],
    });
    const ada = user(9170357, 'ada@example.com');
    const grace = user(9170358, 'grace@example.com');
    const alan = user(9170359, 'alan@example.com');
    const edsger = user(9170361, 'edsger@example.com');
    const nameless = user(9170362, undefined);
    const deadline = () => Date.now() + 1_000;

    it('matches by email (case-insensitive); people with no Slack account are left out', async () => {
      const ids = await resolver().slackIdsFor(
        [ada, { ...grace, email: 'GRACE@example.com' }, edsger, nameless],
        deadline(),
      );
      expect(ids).toEqual(
        new Map([
          [9170357, 'U0ADA'],
          [9170358, 'U0GRACE'],
        ]),
      );
      expect(slack.emailCalls.flat().every((e) => e === e.toLowerCase())).toBe(true);
    });

    it('an override gives the account to its Slack user, whatever the emails say', async () => {
      const ids = await resolver({ U0ALICE: 9170359 }).slackIdsFor([ada, alan], deadline());
      expect(ids.get(9170359)).toBe('U0ALICE');
      expect(ids.get(9170357)).toBe('U0ADA');
      // Alan's email was not even looked up.
      expect(slack.emailCalls.flat()).not.toContain('alan@example.com');
    });

    it('a Slack user linked elsewhere by an override is not matched by email', async () => {
      const ids = await resolver({ U0ADA: 9170361 }).slackIdsFor([ada, edsger], deadline());
      expect(ids.get(9170361)).toBe('U0ADA');
      expect(ids.has(9170357)).toBe(false);
    });

    it('when every account is claimed by overrides, Slack is not asked', async () => {
      const ids = await resolver({ U0ALICE: 9170359, U0KATE: 9170357 }).slackIdsFor([ada, alan], deadline());
      expect(ids).toEqual(
        new Map([
          [9170359, 'U0ALICE'],
          [9170357, 'U0KATE'],
        ]),
      );
      expect(slack.emailCalls).toEqual([]);
    });

    it('two Connecteam accounts with one email both map to the Slack user', async () => {
      const ids = await resolver().slackIdsFor([alan, user(9170001, 'alan@example.com')], deadline());
      expect(ids.get(9170359)).toBe('U0ALAN');
      expect(ids.get(9170001)).toBe('U0ALAN');
      expect(slack.emailCalls).toEqual([['alan@example.com']]);
    });

    it('nobody to match: an empty map', async () => {
      expect(await resolver().slackIdsFor([], deadline())).toEqual(new Map());
      expect(await resolver().slackIdsFor([nameless], deadline())).toEqual(new Map());
      expect(slack.emailCalls).toEqual([]);
    });
  });
});
