import type { CachedConnecteam } from '../connecteam/cached-client.js';
import type { CallOptions } from '../connecteam/http.js';
import type { ConnecteamUser } from '../connecteam/model.js';

/** What we need to know about a Slack person (from users.info). */
export interface SlackProfile {
  slackUserId: string;
  teamId: string | undefined;
  email: string | undefined;
  /** Multi- or single-channel guest. */
  guest: boolean;
  deleted: boolean;
  bot: boolean;
}

/** Slack's side of identity, implemented over the Web API by the Slack layer. */
export interface SlackPeople {
  /** undefined when Slack does not know the user. */
  profile(slackUserId: string): Promise<SlackProfile | undefined>;
  /** Lower-cased email -> Slack user id, for whoever can be found before the deadline. */
  findByEmails(emails: string[], deadline: number): Promise<Map<string, string>>;
}

export type Identity =
  | { kind: 'linked'; user: ConnecteamUser; via: 'email' | 'override' }
  | { kind: 'unknown_slack_user' }
  | { kind: 'no_email' }
  | { kind: 'no_match'; email: string }
  /** The email matches a Connecteam account that an override gives to someone else. */
  | { kind: 'claimed'; email: string };

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/**
 * Slack person <-> Connecteam person. IDENTITY_OVERRIDES (set by whoever runs the app) win over
 * email matching in both directions, and a Connecteam account given to one Slack user by an
 * override can't be reached by anyone else's email.
 */
export class IdentityResolver {
  private readonly claimedBy = new Map<number, string>();

  constructor(
    private readonly slack: SlackPeople,
    private readonly connecteam: CachedConnecteam,
    private readonly overrides: Map<string, number>,
  ) {
    for (const [slackUserId, connecteamId] of overrides) this.claimedBy.set(connecteamId, slackUserId);
  }

  async connecteamUserFor(slackUserId: string, call: CallOptions = {}): Promise<Identity> {
    const override = this.overrides.get(slackUserId);
    if (override !== undefined) {
      const people = await this.connecteam.people([override], call);
      if (people.failure && !people.byId.has(override)) throw people.failure;
      const user = people.byId.get(override);
      return user
        ? { kind: 'linked', user, via: 'override' }
        : { kind: 'no_match', email: `override ${override}` };
    }
    const profile = await this.slack.profile(slackUserId);
    if (!profile || profile.deleted) return { kind: 'unknown_slack_user' };
    if (!profile.email) return { kind: 'no_email' };
    const email = normalizeEmail(profile.email);
    const matches = (await this.connecteam.usersByEmail(email, call)).filter(
      (user) => user.email !== undefined && normalizeEmail(user.email) === email,
    );
    const free = matches.filter((user) => this.claimedBy.get(user.userId) === undefined);
    if (matches.length > 0 && free.length === 0) return { kind: 'claimed', email };
    // Two accounts with one email: the active one is the person today.
    const user = free.find((u) => !u.archived) ?? free[0];
    return user ? { kind: 'linked', user, via: 'email' } : { kind: 'no_match', email };
  }

  /** Connecteam people -> Slack ids, for mentions; whoever is not found in time is left out. */
  async slackIdsFor(users: ConnecteamUser[], deadline: number): Promise<Map<number, string>> {
    const result = new Map<number, string>();
    const byEmail = new Map<string, number[]>();
    for (const user of users) {
      const claimed = this.claimedBy.get(user.userId);
      if (claimed) result.set(user.userId, claimed);
      else if (user.email) {
        const email = normalizeEmail(user.email);
        byEmail.set(email, [...(byEmail.get(email) ?? []), user.userId]);
      }
    }
    if (byEmail.size === 0) return result;
    const found = await this.slack.findByEmails([...byEmail.keys()], deadline);
    for (const [email, slackUserId] of found) {
      // A Slack user given another Connecteam account by an override is not matched by email.
      if (this.overrides.has(slackUserId)) continue;
      for (const userId of byEmail.get(email) ?? []) result.set(userId, slackUserId);
    }
    return result;
  }
}
