import type { SlackProfile } from '../audit/identity.js';

/** What a person asks to do. Self-checks reveal only the person's own status. */
export type Action = 'audit' | 'watch' | 'unwatch' | 'self_check';

export interface Requester {
  userId: string;
  teamId: string | undefined;
  enterpriseId: string | undefined;
}

export type Refusal =
  | { kind: 'foreign_workspace' }
  | { kind: 'guest' }
  | { kind: 'not_auditor' }
  | { kind: 'unknown_user' }
  /** Slack could not tell us whether the person may (users.info or a user group failed). */
  | { kind: 'unverifiable' }
  | { kind: 'person_limit'; retryAt: number; window: 'minute' | 'day' };

export interface PolicyDeps {
  /** Where the app is installed (from auth.test). */
  home: { teamId: string; enterpriseId: string | undefined };
  auditors: { users: Set<string>; groups: Set<string> } | undefined;
  profile: (slackUserId: string) => Promise<SlackProfile | undefined>;
  usergroupMembers: (groupId: string) => Promise<string[]>;
  onLookupFailure?: (what: string, error: unknown) => void;
}

/** Who may do what: the one policy every handler asks, before any Connecteam call. */
export class AccessPolicy {
  constructor(private readonly deps: PolicyDeps) {}

  async refusal(requester: Requester, action: Action): Promise<Refusal | undefined> {
    const { home, auditors } = this.deps;
    if (requester.teamId !== undefined && requester.teamId !== home.teamId)
      return { kind: 'foreign_workspace' };
    if (requester.enterpriseId && home.enterpriseId && requester.enterpriseId !== home.enterpriseId) {
      return { kind: 'foreign_workspace' };
    }
    if (action === 'self_check') return undefined;
    // Guests never audit, even when a user group in AUDITORS happens to include them.
    let profile: SlackProfile | undefined;
    try {
      profile = await this.deps.profile(requester.userId);
    } catch (error) {
      this.deps.onLookupFailure?.('users.info', error);
      return { kind: 'unverifiable' };
    }
    if (!profile || profile.deleted || profile.bot) return { kind: 'unknown_user' };
    if (profile.teamId !== undefined && profile.teamId !== home.teamId) return { kind: 'foreign_workspace' };
    if (profile.guest) return { kind: 'guest' };
    if (!auditors) return undefined;
    return this.auditorRefusal(requester.userId, auditors);
  }

  private async auditorRefusal(
    userId: string,
    auditors: { users: Set<string>; groups: Set<string> },
  ): Promise<Refusal | undefined> {
    if (auditors.users.has(userId)) return undefined;
    let failed = false;
    for (const group of auditors.groups) {
      try {
        if ((await this.deps.usergroupMembers(group)).includes(userId)) return undefined;
      } catch (error) {
        // One broken group must not hide the others' members.
        this.deps.onLookupFailure?.(`usergroups.users.list ${group}`, error);
        failed = true;
      }
    }
    return failed ? { kind: 'unverifiable' } : { kind: 'not_auditor' };
  }
}
