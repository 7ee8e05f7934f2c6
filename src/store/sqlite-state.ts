import type Database from 'better-sqlite3';
import type { StateStore } from './state-store.js';

/** State in the embedded SQLite file; each operation is one statement or one transaction. */
export class SqliteStateStore implements StateStore {
  private readonly statements;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number = Date.now,
  ) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER);
      CREATE TABLE IF NOT EXISTS state_sets (key TEXT NOT NULL, member TEXT NOT NULL, PRIMARY KEY (key, member));
    `);
    this.statements = {
      get: db.prepare<[string, number], { value: string }>(
        'SELECT value FROM state WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)',
      ),
      upsert: db.prepare<[string, string, number | null]>(
        'INSERT INTO state (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at',
      ),
      insertIfAbsent: db.prepare<[string, string, number | null, number]>(
        `INSERT INTO state (key, value, expires_at) VALUES (?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
         WHERE state.expires_at IS NOT NULL AND state.expires_at <= ?`,
      ),
      compareAndSet: db.prepare<[string, number | null, string, string, number]>(
        'UPDATE state SET value = ?, expires_at = ? WHERE key = ? AND value = ? AND (expires_at IS NULL OR expires_at > ?)',
      ),
      compareAndDelete: db.prepare<[string, string, number]>(
        'DELETE FROM state WHERE key = ? AND value = ? AND (expires_at IS NULL OR expires_at > ?)',
      ),
      delete: db.prepare<[string]>('DELETE FROM state WHERE key = ?'),
      updateValue: db.prepare<[string, string]>('UPDATE state SET value = ? WHERE key = ?'),
      purge: db.prepare<[number]>('DELETE FROM state WHERE expires_at IS NOT NULL AND expires_at <= ?'),
      setAdd: db.prepare<[string, string]>('INSERT OR IGNORE INTO state_sets (key, member) VALUES (?, ?)'),
      setRemove: db.prepare<[string, string]>('DELETE FROM state_sets WHERE key = ? AND member = ?'),
      setMembers: db.prepare<[string], { member: string }>('SELECT member FROM state_sets WHERE key = ?'),
    };
  }

  private expiry(ttlMs: number | undefined): number | null {
    return ttlMs === undefined ? null : this.now() + ttlMs;
  }

  async get(key: string) {
    return this.statements.get.get(key, this.now())?.value;
  }

  async set(key: string, value: string, ttlMs?: number) {
    this.statements.upsert.run(key, value, this.expiry(ttlMs));
  }

  async setIfAbsent(key: string, value: string, ttlMs?: number) {
    return this.statements.insertIfAbsent.run(key, value, this.expiry(ttlMs), this.now()).changes > 0;
  }

  async compareAndSet(key: string, expected: string, value: string, ttlMs?: number) {
    return (
      this.statements.compareAndSet.run(value, this.expiry(ttlMs), key, expected, this.now()).changes > 0
    );
  }

  async compareAndDelete(key: string, expected: string) {
    return this.statements.compareAndDelete.run(key, expected, this.now()).changes > 0;
  }

  async delete(key: string) {
    this.statements.delete.run(key);
  }

  async increment(key: string, by: number, ttlMs: number) {
    const run = this.db.transaction(() => {
      const now = this.now();
      const current = this.statements.get.get(key, now);
      if (current === undefined) {
        this.statements.upsert.run(key, String(by), now + ttlMs);
        return by;
      }
      const next = Number(current.value) + by;
      this.statements.updateValue.run(String(next), key);
      return next;
    });
    return run.immediate();
  }

  async setAdd(key: string, member: string) {
    return this.statements.setAdd.run(key, member).changes > 0;
  }

  async setRemove(key: string, member: string) {
    return this.statements.setRemove.run(key, member).changes > 0;
  }

  async setMembers(key: string) {
    return this.statements.setMembers.all(key).map((row) => row.member);
  }

  /** Drops expired rows; called now and then so the file does not grow with dead keys. */
  purgeExpired(): number {
    return this.statements.purge.run(this.now()).changes;
  }

  async close() {}
}
