/**
 * Persistent state that needs atomic operations keyv does not offer (locks, counters, records).
 * Values are strings; callers serialize. A TTL is in milliseconds; no TTL means forever.
 */
export interface StateStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Writes only when the key is absent (or expired); true when it wrote. */
  setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean>;
  /** Replaces the value only while it still equals `expected`; true when it wrote. */
  compareAndSet(key: string, expected: string, value: string, ttlMs?: number): Promise<boolean>;
  /** Deletes only while the value still equals `expected`; true when it deleted. */
  compareAndDelete(key: string, expected: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Adds to a counter, creating it with `ttlMs` when absent; returns the new value. */
  increment(key: string, by: number, ttlMs: number): Promise<number>;
  setAdd(key: string, member: string): Promise<boolean>;
  setRemove(key: string, member: string): Promise<boolean>;
  setMembers(key: string): Promise<string[]>;
  close(): Promise<void>;
}
