import type { AssetAccess } from '../connecteam/model.js';

/** What a channel was last told about an asset: its access lists, or that it could not be read. */
export type Snapshot =
  | { status: 'ok'; admins: number[]; assignees: number[]; groups: string[] }
  | { status: 'not_found' }
  | { status: 'denied' };

export interface ListChange<T> {
  added: T[];
  removed: T[];
}

export type Change =
  | { kind: 'access'; admins: ListChange<number>; assignees: ListChange<number>; groups: ListChange<string> }
  | { kind: 'disappeared' }
  | { kind: 'unreadable' }
  /** It can be read again; `access` holds what changed against the last readable snapshot, if known. */
  | { kind: 'back'; access: Extract<Change, { kind: 'access' }> | undefined };

export function snapshotOf(access: AssetAccess): Snapshot {
  const sorted = <T>(items: T[]) => [...new Set(items)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    status: 'ok',
    admins: sorted(access.adminIds),
    assignees: sorted(access.assignedUserIds),
    groups: sorted(access.smartGroups),
  };
}

function listChange<T>(before: T[], after: T[]): ListChange<T> {
  const was = new Set(before);
  const now = new Set(after);
  return { added: [...now].filter((x) => !was.has(x)), removed: [...was].filter((x) => !now.has(x)) };
}

const isEmpty = (c: ListChange<unknown>) => c.added.length === 0 && c.removed.length === 0;

/** What changed between two snapshots (order does not matter); undefined when nothing did. */
export function diffSnapshots(
  before: Snapshot,
  after: Snapshot,
  lastReadable?: Snapshot,
): Change | undefined {
  if (after.status === 'not_found')
    return before.status === 'not_found' ? undefined : { kind: 'disappeared' };
  if (after.status === 'denied') return before.status === 'denied' ? undefined : { kind: 'unreadable' };
  if (before.status !== 'ok') {
    const reference = lastReadable?.status === 'ok' ? lastReadable : undefined;
    return { kind: 'back', access: reference ? accessChange(reference, after) : undefined };
  }
  return accessChange(before, after);
}

function accessChange(
  before: Extract<Snapshot, { status: 'ok' }>,
  after: Extract<Snapshot, { status: 'ok' }>,
): Extract<Change, { kind: 'access' }> | undefined {
  const change = {
    kind: 'access' as const,
    admins: listChange(before.admins, after.admins),
    assignees: listChange(before.assignees, after.assignees),
    groups: listChange(before.groups, after.groups),
  };
  return isEmpty(change.admins) && isEmpty(change.assignees) && isEmpty(change.groups) ? undefined : change;
}
