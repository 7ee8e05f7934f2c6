import type { RedisClientType } from '@redis/client';
import type { StateStore } from './state-store.js';

const COMPARE_AND_SET = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  if ARGV[3] == '' then redis.call('SET', KEYS[1], ARGV[2]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
  return 1
end
return 0`;

const COMPARE_AND_DELETE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

// The TTL applies only when the counter is created (PTTL -2: no such key), as in the other stores.
const INCREMENT = `
local created = redis.call('PTTL', KEYS[1]) == -2
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if created then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return value`;

/** State in Redis, shared by every instance; multi-step operations run as Lua scripts. */
export class RedisStateStore implements StateStore {
  constructor(
    private readonly redis: RedisClientType,
    private readonly prefix = 'asset-audit:state:',
  ) {}

  private k(key: string): string {
    return this.prefix + key;
  }

  async get(key: string) {
    return (await this.redis.get(this.k(key))) ?? undefined;
  }

  async set(key: string, value: string, ttlMs?: number) {
    await this.redis.set(this.k(key), value, ttlMs === undefined ? undefined : { PX: ttlMs });
  }

  async setIfAbsent(key: string, value: string, ttlMs?: number) {
    const reply = await this.redis.set(
      this.k(key),
      value,
      ttlMs === undefined ? { NX: true } : { NX: true, PX: ttlMs },
    );
    return reply === 'OK';
  }

  async compareAndSet(key: string, expected: string, value: string, ttlMs?: number) {
    const reply = await this.redis.eval(COMPARE_AND_SET, {
      keys: [this.k(key)],
      arguments: [expected, value, ttlMs === undefined ? '' : String(ttlMs)],
    });
    return reply === 1;
  }

  async compareAndDelete(key: string, expected: string) {
    const reply = await this.redis.eval(COMPARE_AND_DELETE, { keys: [this.k(key)], arguments: [expected] });
    return reply === 1;
  }

  async delete(key: string) {
    await this.redis.del(this.k(key));
  }

  async increment(key: string, by: number, ttlMs: number) {
    const reply = await this.redis.eval(INCREMENT, {
      keys: [this.k(key)],
      arguments: [String(by), String(ttlMs)],
    });
    return Number(reply);
  }

  async setAdd(key: string, member: string) {
    return (await this.redis.sAdd(this.k(key), member)) > 0;
  }

  async setRemove(key: string, member: string) {
    return (await this.redis.sRem(this.k(key), member)) > 0;
  }

  async setMembers(key: string) {
    return this.redis.sMembers(this.k(key));
  }

  async close() {}
}
