import { describe, expect, it } from 'vitest';
import { ChannelPacer } from '../../src/alerts/pacer.js';

/** A fake clock whose sleep moves time forward, recording when each wait resolved. */
function clock(start = 1_000_000) {
  let now = start;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    set: (t: number) => {
      now = t;
    },
    sleeps,
  };
}

describe('ChannelPacer', () => {
  it('lets the first post to a channel go at once', async () => {
    const c = clock();
    const pacer = new ChannelPacer(1_100, c.now, c.sleep);
    await pacer.wait('C1');
    expect(c.sleeps).toEqual([]);
    expect(c.now()).toBe(1_000_000);
  });

  it('spaces posts to one channel by at least the gap', async () => {
    const c = clock();
    const pacer = new ChannelPacer(1_100, c.now, c.sleep);
    const at: number[] = [];
    for (let i = 0; i < 5; i++) {
      await pacer.wait('C1');
      at.push(c.now());
    }
    for (let i = 1; i < at.length; i++) expect((at[i] ?? 0) - (at[i - 1] ?? 0)).toBeGreaterThanOrEqual(1_100);
    expect(at).toEqual([1_000_000, 1_001_100, 1_002_200, 1_003_300, 1_004_400]);
  });

  it('books slots for concurrent waiters on one channel', async () => {
    // A real clock does not move while the waiters queue up: each must get its own slot.
    const start = 5_000;
    const sleeps: number[] = [];
    const pacer = new ChannelPacer(
      1_000,
      () => start,
      async (ms) => {
        sleeps.push(ms);
      },
    );
    await Promise.all([pacer.wait('C1'), pacer.wait('C1'), pacer.wait('C1')]);
    expect(sleeps).toEqual([1_000, 2_000]);
  });

  it('does not wait when the gap has already passed', async () => {
    const c = clock();
    const pacer = new ChannelPacer(1_100, c.now, c.sleep);
    await pacer.wait('C1');
    c.set(c.now() + 5_000);
    await pacer.wait('C1');
    expect(c.sleeps).toEqual([]);
  });

  it('keeps channels apart: a busy channel does not delay another', async () => {
    const c = clock();
    const pacer = new ChannelPacer(1_100, c.now, c.sleep);
    await pacer.wait('C1');
    await pacer.wait('C2');
    await pacer.wait('C3');
    expect(c.sleeps).toEqual([]);
    await pacer.wait('C1');
    expect(c.sleeps).toEqual([1_100]);
  });

  it('holdOff delays the next post to that channel until the given time', async () => {
    const c = clock();
    const pacer = new ChannelPacer(1_100, c.now, c.sleep);
    pacer.holdOff('C1', 1_030_000);
    await pacer.wait('C2');
    expect(c.now()).toBe(1_000_000);
    await pacer.wait('C1');
    expect(c.now()).toBe(1_030_000);
    await pacer.wait('C1');
    expect(c.now()).toBe(1_031_100);
  });

  it('holdOff never shortens a wait already booked', async () => {
    const c = clock();
    const pacer = new ChannelPacer(10_000, c.now, c.sleep);
    await pacer.wait('C1');
    pacer.holdOff('C1', 1_000_500);
    await pacer.wait('C1');
    expect(c.now()).toBe(1_010_000);
  });

  it('holdOff in the past changes nothing', async () => {
    const c = clock();
    const pacer = new ChannelPacer(1_100, c.now, c.sleep);
    pacer.holdOff('C1', 10);
    await pacer.wait('C1');
    expect(c.sleeps).toEqual([]);
  });

  it('uses about one second by default with the real clock', async () => {
    const pacer = new ChannelPacer(50);
    const started = performance.now();
    await pacer.wait('C1');
    await pacer.wait('C1');
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
  });
});
