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
  | { kind: 'person_limit'; retryAt: number; window: 'minute' | 'day' };

export interface PolicyDeps {
  /** Where the app is installed (from auth.test). */
  home: { teamId: string; enterpriseId: string | undefined };
  auditors: { users: Set<string>; groups: Set<string> } | undefined;
  profile: (slackUserId: string) => Promise<SlackProfile | undefined>;
  usergroupMembers: (groupId: string) => Promise<string[]>;
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
    if (auditors)
      return (await this.isAuditor(requester.userId, auditors)) ? undefined : { kind: 'not_auditor' };
    const profile = await this.deps.profile(requester.userId);
    if (!profile || profile.deleted || profile.bot) return { kind: 'unknown_user' };
    if (profile.teamId !== undefined && profile.teamId !== home.teamId) return { kind: 'foreign_workspace' };
    if (profile.guest) return { kind: 'guest' };
    return undefined;
  }

  private async isAuditor(
    userId: string,
    auditors: { users: Set<string>; groups: Set<string> },
  ): Promise<boolean> {
    if (auditors.users.has(userId)) return true;
    for (const group of auditors.groups) {
      if ((await this.deps.usergroupMembers(group)).includes(userId)) return true;
    }
    return false;
  }
}
