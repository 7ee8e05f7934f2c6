import type { StateStore } from './state-store.js';

interface Item {
  value: string;
  expiresAt: number | undefined;
}

/** In-process state for tests and the demo; single-threaded JS makes each call atomic. */
export class MemoryStateStore implements StateStore {
  private readonly items = new Map<string, Item>();
  private readonly sets = new Map<string, Set<string>>();

  constructor(private readonly now: () => number = Date.now) {}

  private live(key: string): Item | undefined {
    const item = this.items.get(key);
    if (item?.expiresAt !== undefined && item.expiresAt <= this.now()) {
      this.items.delete(key);
      return undefined;
    }
    return item;
  }

  private put(key: string, value: string, ttlMs: number | undefined): void {
    this.items.set(key, { value, expiresAt: ttlMs === undefined ? undefined : this.now() + ttlMs });
  }

  async get(key: string) {
    return this.live(key)?.value;
  }

  async set(key: string, value: string, ttlMs?: number) {
    this.put(key, value, ttlMs);
  }

  async setIfAbsent(key: string, value: string, ttlMs?: number) {
    if (this.live(key)) return false;
    this.put(key, value, ttlMs);
    return true;
  }

  async compareAndSet(key: string, expected: string, value: string, ttlMs?: number) {
    if (this.live(key)?.value !== expected) return false;
    this.put(key, value, ttlMs);
    return true;
  }

  async compareAndDelete(key: string, expected: string) {
    if (this.live(key)?.value !== expected) return false;
    this.items.delete(key);
    return true;
  }

  async delete(key: string) {
    this.items.delete(key);
  }

  async increment(key: string, by: number, ttlMs: number) {
    const item = this.live(key);
    const next = (item ? Number(item.value) : 0) + by;
    this.items.set(key, { value: String(next), expiresAt: item ? item.expiresAt : this.now() + ttlMs });
    return next;
  }

  async setAdd(key: string, member: string) {
    const set = this.sets.get(key) ?? new Set<string>();
    this.sets.set(key, set);
    if (set.has(member)) return false;
    set.add(member);
    return true;
  }

  async setRemove(key: string, member: string) {
    return this.sets.get(key)?.delete(member) ?? false;
  }

  async setMembers(key: string) {
    return [...(this.sets.get(key) ?? [])];
  }

  async close() {}
}
