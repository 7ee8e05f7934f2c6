import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Lease } from '../../src/alerts/lock.js';
import { type Subscription, Subscriptions } from '../../src/alerts/subscriptions.js';
import type { StateStore } from '../../src/store/state-store.js';
import { eachStateBackend, type StoreSubject } from '../support/state-backends.js';

type Subject = StoreSubject;
/** Short enough for real Redis; the fake clocks jump past it. */
const TTL = 100;
const PAST_TTL = 250;

function sub(assetId: number, channelId: string, overrides: Partial<Subscription> = {}): Subscription {
  return {
    assetId,
    channelId,
    createdBy: 'U0ADA',
    createdAt: 1_750_000_000_000,
    told: { status: 'ok', admins: [1], assignees: [2], groups: ['sg-a'] },
    lastReadable: { status: 'ok', admins: [1], assignees: [2], groups: ['sg-a'] },
    ...overrides,
  };
}

const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);

function contract(name: string, open: () => Promise<Subject>) {
  describe(name, () => {
    let subject: Subject;
    let store: StateStore;
    let subs: Subscriptions;

    beforeEach(async () => {
      subject = await open();
      store = subject.store;
      subs = new Subscriptions(store);
    });

    afterEach(async () => {
      await subject.close();
    });

    describe('Subscriptions', () => {
      it('add creates the record once; adding again says "already watching"', async () => {
        expect(await subs.add(sub(12345, 'C1'))).toBe(true);
        expect(await subs.add(sub(12345, 'C1', { createdBy: 'U0OTHER' }))).toBe(false);
        expect(await subs.get(12345, 'C1')).toEqual(sub(12345, 'C1'));
        expect(await subs.channelsOf(12345)).toEqual(['C1']);
        expect(await subs.assetsOf('C1')).toEqual([12345]);
        expect(await subs.watchedAssets()).toEqual([12345]);
      });

      it('get is undefined for a subscription that does not exist', async () => {
        expect(await subs.get(1, 'C1')).toBeUndefined();
        expect(await subs.getRaw(1, 'C1')).toBeUndefined();
      });

      it('add revives a paused subscription', async () => {
        await subs.add(sub(7, 'C1'));
        const record = await subs.getRaw(7, 'C1');
        if (!record) throw new Error('missing');
        expect(
          await subs.advance(record.raw, { ...record.parsed, paused: { reason: 'not_in_channel', at: 5 } }),
        ).toBe(true);
        expect((await subs.get(7, 'C1'))?.paused).toEqual({ reason: 'not_in_channel', at: 5 });

        expect(await subs.add(sub(7, 'C1'))).toBe(true);
        const revived = await subs.get(7, 'C1');
        expect(revived).toBeDefined();
        expect(revived?.paused).toBeUndefined();
        expect(await subs.channelsOf(7)).toEqual(['C1']);
        expect(await subs.watchedAssets()).toEqual([7]);
        // Once revived, watching again is "already watching".
        expect(await subs.add(sub(7, 'C1'))).toBe(false);
      });

      it('remove deletes the record and the bookkeeping; removing again is false', async () => {
        await subs.add(sub(7, 'C1'));
        expect(await subs.remove(7, 'C1')).toBe(true);
        expect(await subs.get(7, 'C1')).toBeUndefined();
        expect(await subs.channelsOf(7)).toEqual([]);
        expect(await subs.assetsOf('C1')).toEqual([]);
        expect(await subs.watchedAssets()).toEqual([]);
        expect(await subs.remove(7, 'C1')).toBe(false);
      });

      it('an asset stays watched while another channel watches it', async () => {
        await subs.add(sub(1, 'C1'));
        await subs.add(sub(1, 'C2'));
        await subs.add(sub(2, 'C1'));
        expect(sorted(await subs.watchedAssets())).toEqual([1, 2]);
        expect((await subs.channelsOf(1)).sort()).toEqual(['C1', 'C2']);
        expect(await subs.assetsOf('C1')).toEqual([1, 2]);
        expect(await subs.assetsOf('C2')).toEqual([1]);

        await subs.remove(1, 'C1');
        expect(sorted(await subs.watchedAssets())).toEqual([1, 2]);
        expect(await subs.channelsOf(1)).toEqual(['C2']);
        expect(await subs.assetsOf('C1')).toEqual([2]);
        expect(await subs.get(1, 'C2')).toBeDefined();

        await subs.remove(1, 'C2');
        expect(await subs.watchedAssets()).toEqual([2]);
        expect(await subs.channelsOf(1)).toEqual([]);
        expect(await subs.assetsOf('C2')).toEqual([]);
      });

      it('assetsOf sorts numerically', async () => {
        for (const id of [100, 9, 20, 1_000_000]) await subs.add(sub(id, 'C1'));
        expect(await subs.assetsOf('C1')).toEqual([9, 20, 100, 1_000_000]);
      });

      it('removing what a channel never watched leaves other watches alone', async () => {
        await subs.add(sub(1, 'C1'));
        expect(await subs.remove(1, 'C2')).toBe(false);
        expect(await subs.watchedAssets()).toEqual([1]);
        expect(await subs.channelsOf(1)).toEqual(['C1']);
      });

      it('advance replaces the record from the raw it was read as', async () => {
        await subs.add(sub(1, 'C1'));
        const record = await subs.getRaw(1, 'C1');
        if (!record) throw new Error('missing');
        const next = sub(1, 'C1', { told: { status: 'not_found' } });
        expect(await subs.advance(record.raw, next)).toBe(true);
        expect(await subs.get(1, 'C1')).toEqual(next);
      });

      it('advance refuses a stale raw', async () => {
        await subs.add(sub(1, 'C1'));
        const stale = await subs.getRaw(1, 'C1');
        if (!stale) throw new Error('missing');
        expect(await subs.advance(stale.raw, sub(1, 'C1', { told: { status: 'denied' } }))).toBe(true);
        expect(await subs.advance(stale.raw, sub(1, 'C1', { told: { status: 'not_found' } }))).toBe(false);
        expect((await subs.get(1, 'C1'))?.told).toEqual({ status: 'denied' });
      });

      it('of two concurrent advances from the same raw, exactly one wins', async () => {
        await subs.add(sub(1, 'C1'));
        const record = await subs.getRaw(1, 'C1');
        if (!record) throw new Error('missing');
        const a = sub(1, 'C1', { told: { status: 'denied' } });
        const b = sub(1, 'C1', { told: { status: 'not_found' } });
        const results = await Promise.all([subs.advance(record.raw, a), subs.advance(record.raw, b)]);
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await subs.get(1, 'C1')).toEqual(results[0] ? a : b);
      });

      it('advance does not resurrect a removed subscription', async () => {
        await subs.add(sub(1, 'C1'));
        const record = await subs.getRaw(1, 'C1');
        if (!record) throw new Error('missing');
        await subs.remove(1, 'C1');
        expect(await subs.advance(record.raw, sub(1, 'C1', { told: { status: 'denied' } }))).toBe(false);
        expect(await subs.get(1, 'C1')).toBeUndefined();
      });

      it('markChecked / lastChecked', async () => {
        expect(await subs.lastChecked(1)).toBeUndefined();
        await subs.markChecked(1, 1_750_000_000_123);
        expect(await subs.lastChecked(1)).toBe(1_750_000_000_123);
        await subs.markChecked(1, 1_750_000_000_999);
        expect(await subs.lastChecked(1)).toBe(1_750_000_000_999);
        expect(await subs.lastChecked(2)).toBeUndefined();
      });
    });

    describe('Lease', () => {
      it('only one of two leases acquires', async () => {
        const a = new Lease(store, 'lock', 10_000);
        const b = new Lease(store, 'lock', 10_000);
        const got = await Promise.all([a.acquire(), b.acquire()]);
        expect(got.filter(Boolean)).toHaveLength(1);
        expect(await a.acquire()).toBe(false);
        expect(await b.acquire()).toBe(false);
      });

      it('the holder renews; the other cannot', async () => {
        const a = new Lease(store, 'lock', 10_000);
        const b = new Lease(store, 'lock', 10_000);
        expect(await a.acquire()).toBe(true);
        expect(await a.renew()).toBe(true);
        expect(await b.renew()).toBe(false);
        expect(await a.renew()).toBe(true);
      });

      it('release by a non-holder does nothing; by the holder frees it', async () => {
        const a = new Lease(store, 'lock', 10_000);
        const b = new Lease(store, 'lock', 10_000);
        expect(await a.acquire()).toBe(true);
        expect(await b.release()).toBe(false);
        expect(await b.acquire()).toBe(false);
        expect(await a.renew()).toBe(true);
        expect(await a.release()).toBe(true);
        expect(await b.acquire()).toBe(true);
        expect(await a.renew()).toBe(false);
      });

      it('leases on different keys do not interfere', async () => {
        expect(await new Lease(store, 'lock-1', 10_000).acquire()).toBe(true);
        expect(await new Lease(store, 'lock-2', 10_000).acquire()).toBe(true);
      });

      it('after the TTL runs out another acquires, and the old holder can no longer renew', async () => {
        const a = new Lease(store, 'lock', TTL);
        const b = new Lease(store, 'lock', TTL);
        expect(await a.acquire()).toBe(true);
        expect(await b.acquire()).toBe(false);
        await subject.advance(PAST_TTL);
        expect(await b.acquire()).toBe(true);
        expect(await a.renew()).toBe(false);
        expect(await a.release()).toBe(false);
        expect(await b.renew()).toBe(true);
      });

      it('renewing extends the lease', async () => {
        const a = new Lease(store, 'lock', TTL * 2);
        const b = new Lease(store, 'lock', TTL * 2);
        expect(await a.acquire()).toBe(true);
        await subject.advance(TTL + 20);
        expect(await a.renew()).toBe(true);
        await subject.advance(TTL + 20);
        // 2 TTL + 40 after acquiring, but only TTL + 20 after renewing: still held.
        expect(await b.acquire()).toBe(false);
      });

      it('a lapsed lease cannot be renewed even if nobody took it', async () => {
        const a = new Lease(store, 'lock', TTL);
        expect(await a.acquire()).toBe(true);
        await subject.advance(PAST_TTL);
        expect(await a.renew()).toBe(false);
        expect(await a.acquire()).toBe(true);
      });
    });
  });
}

eachStateBackend('subs', contract);
