import type Database from 'better-sqlite3';

/**
 * A keyv storage adapter over the embedded SQLite file, so the cache needs no extra native
 * module. keyv itself checks expiry; the column lets us drop dead rows.
 */
export class SqliteKeyvStore {
  namespace: string | undefined;
  private readonly statements;

  constructor(
    db: Database.Database,
    private readonly now: () => number = Date.now,
  ) {
    db.exec(
      'CREATE TABLE IF NOT EXISTS cache (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER)',
    );
    this.statements = {
      get: db.prepare<[string, number], { value: string }>(
        'SELECT value FROM cache WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)',
      ),
      set: db.prepare<[string, string, number | null]>(
        'INSERT INTO cache (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at',
      ),
      delete: db.prepare<[string]>('DELETE FROM cache WHERE key = ?'),
      clear: db.prepare<[string]>('DELETE FROM cache WHERE key LIKE ?'),
      purge: db.prepare<[number]>('DELETE FROM cache WHERE expires_at IS NOT NULL AND expires_at <= ?'),
    };
  }

  async get(key: string): Promise<string | undefined> {
    return this.statements.get.get(key, this.now())?.value;
  }

  async set(key: string, value: unknown, ttl?: number): Promise<boolean> {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    this.statements.set.run(key, text, typeof ttl === 'number' && ttl > 0 ? this.now() + ttl : null);
    return true;
  }

  async delete(key: string): Promise<boolean> {
    return this.statements.delete.run(key).changes > 0;
  }

  async clear(): Promise<void> {
    this.statements.clear.run(`${this.namespace ?? ''}%`);
  }

  purgeExpired(): number {
    return this.statements.purge.run(this.now()).changes;
  }
}
