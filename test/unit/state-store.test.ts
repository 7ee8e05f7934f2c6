import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisStateStore } from '../../src/store/redis-state.js';
import { SqliteStateStore } from '../../src/store/sqlite-state.js';
import type { StateStore } from '../../src/store/state-store.js';
import { eachStateBackend, type StoreSubject } from '../support/state-backends.js';

type Subject = StoreSubject;

/** TTLs short enough for real Redis; the fake clocks jump past them. */
const TTL = 50;
const PAST_TTL = 120;

function contract(name: string, open: () => Promise<Subject>) {
  describe(`${name} (StateStore contract)`, () => {
    let subject: Subject;
    let store: StateStore;
    const advance = (ms: number) => subject.advance(ms);

    beforeEach(async () => {
      subject = await open();
      store = subject.store;
    });

    afterEach(async () => {
      await subject.close();
    });

    describe('get / set / delete', () => {
      it('returns undefined for a key never set', async () => {
        expect(await store.get('nothing-here')).toBeUndefined();
      });

      it('reads back what it wrote, and overwrites', async () => {
        await store.set('k', 'v1');
        expect(await store.get('k')).toBe('v1');
        await store.set('k', 'v2');
        expect(await store.get('k')).toBe('v2');
      });

      it('keeps the empty string and unicode as they are', async () => {
        await store.set('empty', '');
        expect(await store.get('empty')).toBe('');
        await store.set('uni', 'é 😀 "quoted" \\ \n');
        expect(await store.get('uni')).toBe('é 😀 "quoted" \\ \n');
      });

      it('keeps keys apart', async () => {
        await store.set('a', '1');
        await store.set('b', '2');
        expect(await store.get('a')).toBe('1');
        expect(await store.get('b')).toBe('2');
      });

      it('deletes, and deleting a missing key is fine', async () => {
        await store.set('k', 'v');
        await store.delete('k');
        expect(await store.get('k')).toBeUndefined();
        await expect(store.delete('never-there')).resolves.toBeUndefined();
      });

      it('forgets a value after its TTL', async () => {
        await store.set('k', 'v', TTL);
        expect(await store.get('k')).toBe('v');
        await advance(PAST_TTL);
        expect(await store.get('k')).toBeUndefined();
      });

      it('keeps a value without TTL', async () => {
        await store.set('k', 'v');
        await advance(PAST_TTL);
        expect(await store.get('k')).toBe('v');
      });

      it('set without TTL clears an earlier TTL', async () => {
        await store.set('k', 'v1', TTL);
        await store.set('k', 'v2');
        await advance(PAST_TTL);
        expect(await store.get('k')).toBe('v2');
      });
    });

    describe('setIfAbsent', () => {
      it('writes only when the key is absent', async () => {
        expect(await store.setIfAbsent('lock', 'first')).toBe(true);
        expect(await store.setIfAbsent('lock', 'second')).toBe(false);
        expect(await store.get('lock')).toBe('first');
      });

      it('writes again once the earlier value expired', async () => {
        expect(await store.setIfAbsent('lock', 'first', TTL)).toBe(true);
        await advance(PAST_TTL);
        expect(await store.setIfAbsent('lock', 'second', TTL)).toBe(true);
        expect(await store.get('lock')).toBe('second');
      });

      it('gives its value a TTL', async () => {
        await store.setIfAbsent('lock', 'first', TTL);
        await advance(PAST_TTL);
        expect(await store.get('lock')).toBeUndefined();
      });

      it('lets exactly one of many concurrent callers win', async () => {
        const results = await Promise.all(
          Array.from({ length: 25 }, (_, i) => store.setIfAbsent('race', `caller-${i}`, 10_000)),
        );
        const winners = results.flatMap((won, i) => (won ? [i] : []));
        expect(winners).toHaveLength(1);
        expect(await store.get('race')).toBe(`caller-${winners[0]}`);
      });
    });

    describe('compareAndSet', () => {
      it('replaces only while the value is the expected one', async () => {
        await store.set('k', 'a');
        expect(await store.compareAndSet('k', 'b', 'c')).toBe(false);
        expect(await store.get('k')).toBe('a');
        expect(await store.compareAndSet('k', 'a', 'c')).toBe(true);
        expect(await store.get('k')).toBe('c');
        expect(await store.compareAndSet('k', 'a', 'd')).toBe(false);
        expect(await store.get('k')).toBe('c');
      });

      it('does nothing on a missing key', async () => {
        expect(await store.compareAndSet('missing', 'a', 'b')).toBe(false);
        expect(await store.get('missing')).toBeUndefined();
      });

      it('does nothing on an expired key', async () => {
        await store.set('k', 'a', TTL);
        await advance(PAST_TTL);
        expect(await store.compareAndSet('k', 'a', 'b')).toBe(false);
        expect(await store.get('k')).toBeUndefined();
      });

      it('sets the new TTL when given one', async () => {
        await store.set('k', 'a');
        expect(await store.compareAndSet('k', 'a', 'b', TTL)).toBe(true);
        await advance(PAST_TTL);
        expect(await store.get('k')).toBeUndefined();
      });

      it('without a TTL the new value does not expire', async () => {
        await store.set('k', 'a', TTL);
        expect(await store.compareAndSet('k', 'a', 'b')).toBe(true);
        await advance(PAST_TTL);
        expect(await store.get('k')).toBe('b');
      });

      it('lets exactly one of many concurrent swaps from the same value win', async () => {
        await store.set('k', 'v0');
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => store.compareAndSet('k', 'v0', `v-${i}`)),
        );
        const winners = results.flatMap((won, i) => (won ? [i] : []));
        expect(winners).toHaveLength(1);
        expect(await store.get('k')).toBe(`v-${winners[0]}`);
      });
    });

    describe('compareAndDelete', () => {
      it('deletes only while the value is the expected one', async () => {
        await store.set('lock', 'mine');
        expect(await store.compareAndDelete('lock', 'theirs')).toBe(false);
        expect(await store.get('lock')).toBe('mine');
        expect(await store.compareAndDelete('lock', 'mine')).toBe(true);
        expect(await store.get('lock')).toBeUndefined();
        expect(await store.compareAndDelete('lock', 'mine')).toBe(false);
      });

      it('does nothing on a missing or expired key', async () => {
        expect(await store.compareAndDelete('missing', 'x')).toBe(false);
        await store.set('k', 'x', TTL);
        await advance(PAST_TTL);
        expect(await store.compareAndDelete('k', 'x')).toBe(false);
      });

      it('lets a released lock be taken again', async () => {
        expect(await store.setIfAbsent('lock', 'a', 10_000)).toBe(true);
        expect(await store.compareAndDelete('lock', 'a')).toBe(true);
        expect(await store.setIfAbsent('lock', 'b', 10_000)).toBe(true);
        expect(await store.get('lock')).toBe('b');
      });
    });

    describe('increment', () => {
      it('creates the counter, then adds to it', async () => {
        expect(await store.increment('count', 1, 10_000)).toBe(1);
        expect(await store.increment('count', 1, 10_000)).toBe(2);
        expect(await store.increment('count', 5, 10_000)).toBe(7);
        expect(await store.increment('count', -3, 10_000)).toBe(4);
        expect(await store.get('count')).toBe('4');
      });

      it('gives a new counter the TTL', async () => {
        await store.increment('count', 1, TTL);
        await advance(PAST_TTL);
        expect(await store.get('count')).toBeUndefined();
        expect(await store.increment('count', 1, TTL)).toBe(1);
      });

      it('does not extend the TTL of an existing counter', async () => {
        await store.increment('count', 1, TTL);
        await advance(TTL / 2);
        expect(await store.increment('count', 1, 60_000)).toBe(2);
        await advance(PAST_TTL);
        expect(await store.get('count')).toBeUndefined();
      });

      it('adds to a number written with set, keeping its lack of TTL', async () => {
        await store.set('count', '10');
        expect(await store.increment('count', 2, TTL)).toBe(12);
        await advance(PAST_TTL);
        expect(await store.get('count')).toBe('12');
      });

      it('counts every one of many concurrent increments', async () => {
        const results = await Promise.all(
          Array.from({ length: 30 }, () => store.increment('count', 1, 10_000)),
        );
        expect(new Set(results).size).toBe(30);
        expect(Math.max(...results)).toBe(30);
        expect(await store.get('count')).toBe('30');
      });
    });

    describe('sets', () => {
      it('adds, reports whether it added, and lists members', async () => {
        expect(await store.setAdd('s', 'a')).toBe(true);
        expect(await store.setAdd('s', 'b')).toBe(true);
        expect(await store.setAdd('s', 'a')).toBe(false);
        expect((await store.setMembers('s')).sort()).toEqual(['a', 'b']);
      });

      it('removes, and reports whether it removed', async () => {
        await store.setAdd('s', 'a');
        await store.setAdd('s', 'b');
        expect(await store.setRemove('s', 'a')).toBe(true);
        expect(await store.setRemove('s', 'a')).toBe(false);
        expect(await store.setRemove('never', 'a')).toBe(false);
        expect(await store.setMembers('s')).toEqual(['b']);
      });

      it('an unknown set is empty, and sets are kept apart', async () => {
        expect(await store.setMembers('none')).toEqual([]);
        await store.setAdd('s1', 'x');
        await store.setAdd('s2', 'y');
        expect(await store.setMembers('s1')).toEqual(['x']);
        expect(await store.setMembers('s2')).toEqual(['y']);
      });

      it('a set and a value with the same key do not clash', async () => {
        await store.set('shared', 'value');
        await store.setAdd('shared-set', 'member');
        expect(await store.get('shared')).toBe('value');
        expect(await store.setMembers('shared-set')).toEqual(['member']);
      });
    });
  });
}

eachStateBackend('state', contract, (redis, runPrefix) => {
  it('keeps every key under its prefix', async () => {
    const prefix = `${runPrefix}prefix-check:`;
    const store = new RedisStateStore(redis(), prefix);
    await store.set('plain', 'v');
    await store.setAdd('set', 'm');
    await store.increment('counter', 1, 10_000);
    expect(await redis().get(`${prefix}plain`)).toBe('v');
    expect(await redis().sMembers(`${prefix}set`)).toEqual(['m']);
    expect(await redis().get('plain')).toBeNull();
    const ttl = await redis().pTTL(`${prefix}counter`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(10_000);
  });
});

describe('SqliteStateStore extras', () => {
  it('purgeExpired drops only expired rows', async () => {
    let clock = 0;
    const db = new Database(':memory:');
    try {
      const store = new SqliteStateStore(db, () => clock);
      await store.set('short', 'x', 10);
      await store.set('long', 'y', 1_000);
      await store.set('forever', 'z');
      clock = 500;
      expect(store.purgeExpired()).toBe(1);
      expect(await store.get('long')).toBe('y');
      expect(await store.get('forever')).toBe('z');
      const rows = db.prepare('SELECT COUNT(*) AS n FROM state').get() as { n: number };
      expect(rows.n).toBe(2);
    } finally {
      db.close();
    }
  });

  it('two stores on one database file share state', async () => {
    const db = new Database(':memory:');
    try {
      const a = new SqliteStateStore(db);
      const b = new SqliteStateStore(db);
      expect(await a.setIfAbsent('lock', 'a')).toBe(true);
      expect(await b.setIfAbsent('lock', 'b')).toBe(false);
      expect(await b.get('lock')).toBe('a');
    } finally {
      db.close();
    }
  });
});
