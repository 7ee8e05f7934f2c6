import { describe, expect, it } from 'vitest';
import { type Change, diffSnapshots, type Snapshot, snapshotOf } from '../../src/audit/diff.js';

type Ok = Extract<Snapshot, { status: 'ok' }>;

const ok = (admins: number[] = [], assignees: number[] = [], groups: string[] = []): Ok => ({
  status: 'ok',
  admins,
  assignees,
  groups,
});
const NOT_FOUND: Snapshot = { status: 'not_found' };
const DENIED: Snapshot = { status: 'denied' };
const none = { added: [], removed: [] };

describe('snapshotOf', () => {
  it('sorts and de-duplicates every list', () => {
    expect(
      snapshotOf({
        assetId: 1,
        adminIds: [30, 4, 30, 200],
        assignedUserIds: [9, 1, 9, 1],
        smartGroups: ['sg-b', 'sg-a', 'sg-b', '10', '9'],
      }),
    ).toEqual({ status: 'ok', admins: [4, 30, 200], assignees: [1, 9], groups: ['10', '9', 'sg-a', 'sg-b'] });
  });

  it('sorts numbers numerically, not as text', () => {
    expect(
      snapshotOf({ assetId: 1, adminIds: [100, 9, 20], assignedUserIds: [], smartGroups: [] }),
    ).toMatchObject({
      admins: [9, 20, 100],
    });
  });

  it('gives equal snapshots for the same sets in any order', () => {
    const a = snapshotOf({ assetId: 1, adminIds: [1, 2], assignedUserIds: [3, 4], smartGroups: ['x', 'y'] });
    const b = snapshotOf({
      assetId: 1,
      adminIds: [2, 1, 2],
      assignedUserIds: [4, 3],
      smartGroups: ['y', 'x'],
    });
    expect(a).toEqual(b);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});

describe('diffSnapshots between readable snapshots', () => {
  it('is undefined when nothing changed', () => {
    expect(diffSnapshots(ok([1], [2], ['g']), ok([1], [2], ['g']))).toBeUndefined();
    expect(diffSnapshots(ok(), ok())).toBeUndefined();
  });

  it('is undefined for the same sets in a different order', () => {
    expect(
      diffSnapshots(ok([1, 2, 3], [4, 5], ['a', 'b']), ok([3, 1, 2], [5, 4], ['b', 'a'])),
    ).toBeUndefined();
  });

  it('is undefined when only duplicates differ', () => {
    expect(diffSnapshots(ok([1, 2], [3], ['a']), ok([2, 1, 1], [3, 3], ['a', 'a']))).toBeUndefined();
  });

  it('reports an added person once even if the list repeats them', () => {
    const change = diffSnapshots(ok([]), ok([7, 7]));
    expect(change).toEqual({
      kind: 'access',
      admins: { added: [7], removed: [] },
      assignees: none,
      groups: none,
    });
  });

  it.each<[string, Ok, Ok, Change]>([
    [
      'admin added',
      ok([1]),
      ok([1, 2]),
      { kind: 'access', admins: { added: [2], removed: [] }, assignees: none, groups: none },
    ],
    [
      'admin removed',
      ok([1, 2]),
      ok([1]),
      { kind: 'access', admins: { added: [], removed: [2] }, assignees: none, groups: none },
    ],
    [
      'assignee added',
      ok([], [5]),
      ok([], [5, 6]),
      { kind: 'access', admins: none, assignees: { added: [6], removed: [] }, groups: none },
    ],
    [
      'assignee removed',
      ok([], [5, 6]),
      ok([], [6]),
      { kind: 'access', admins: none, assignees: { added: [], removed: [5] }, groups: none },
    ],
    [
      'group added',
      ok([], [], ['a']),
      ok([], [], ['a', 'b']),
      { kind: 'access', admins: none, assignees: none, groups: { added: ['b'], removed: [] } },
    ],
    [
      'group removed',
      ok([], [], ['a', 'b']),
      ok([], [], ['b']),
      { kind: 'access', admins: none, assignees: none, groups: { added: [], removed: ['a'] } },
    ],
  ])('%s', (_name, before, after, expected) => {
    expect(diffSnapshots(before, after)).toEqual(expected);
  });

  it('reports every kind of change at once', () => {
    expect(diffSnapshots(ok([1, 2], [3, 4], ['a', 'b']), ok([2, 9], [4, 8], ['b', 'c']))).toEqual({
      kind: 'access',
      admins: { added: [9], removed: [1] },
      assignees: { added: [8], removed: [3] },
      groups: { added: ['c'], removed: ['a'] },
    });
  });

  it('treats the same id moving from admin to assignee as two changes', () => {
    expect(diffSnapshots(ok([1], []), ok([], [1]))).toEqual({
      kind: 'access',
      admins: { added: [], removed: [1] },
      assignees: { added: [1], removed: [] },
      groups: none,
    });
  });

  it('ignores lastReadable while the asset stays readable', () => {
    expect(diffSnapshots(ok([1]), ok([1]), ok([99]))).toBeUndefined();
  });
});

describe('diffSnapshots across readability', () => {
  it('ok -> not_found: disappeared', () => {
    expect(diffSnapshots(ok([1]), NOT_FOUND)).toEqual({ kind: 'disappeared' });
  });

  it('ok -> denied: unreadable', () => {
    expect(diffSnapshots(ok([1]), DENIED)).toEqual({ kind: 'unreadable' });
  });

  it('denied -> not_found: disappeared', () => {
    expect(diffSnapshots(DENIED, NOT_FOUND)).toEqual({ kind: 'disappeared' });
  });

  it('not_found -> denied: unreadable', () => {
    expect(diffSnapshots(NOT_FOUND, DENIED)).toEqual({ kind: 'unreadable' });
  });

  it('not_found -> not_found and denied -> denied: nothing new', () => {
    expect(diffSnapshots(NOT_FOUND, NOT_FOUND)).toBeUndefined();
    expect(diffSnapshots(DENIED, DENIED)).toBeUndefined();
  });

  it.each([
    ['not_found', NOT_FOUND],
    ['denied', DENIED],
  ])('%s -> ok: back, with what changed against lastReadable', (_name, before) => {
    expect(diffSnapshots(before, ok([1, 3], [4], ['a']), ok([1, 2], [4], ['a', 'b']))).toEqual({
      kind: 'back',
      access: {
        kind: 'access',
        admins: { added: [3], removed: [2] },
        assignees: none,
        groups: { added: [], removed: ['b'] },
      },
    });
  });

  it.each([
    ['not_found', NOT_FOUND],
    ['denied', DENIED],
  ])('%s -> ok: back with undefined access when nothing changed against lastReadable', (_name, before) => {
    expect(diffSnapshots(before, ok([2, 1], [4]), ok([1, 2], [4]))).toEqual({
      kind: 'back',
      access: undefined,
    });
  });

  it('back with undefined access when there is no readable reference', () => {
    expect(diffSnapshots(NOT_FOUND, ok([1]))).toEqual({ kind: 'back', access: undefined });
    expect(diffSnapshots(DENIED, ok([1]), DENIED)).toEqual({ kind: 'back', access: undefined });
  });
});
