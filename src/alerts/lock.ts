import { randomUUID } from 'node:crypto';
import type { StateStore } from '../store/state-store.js';

/**
 * A lease in the state store: set-if-absent with expiry to take it, compare-and-set to renew,
 * compare-and-delete to release. If the holder dies, the lease runs out and another takes it.
 */
export class Lease {
  readonly token = randomUUID();

  constructor(
    private readonly state: StateStore,
    private readonly key: string,
    readonly ttlMs: number,
  ) {}

  acquire(): Promise<boolean> {
    return this.state.setIfAbsent(this.key, this.token, this.ttlMs);
  }

  renew(): Promise<boolean> {
    return this.state.compareAndSet(this.key, this.token, this.token, this.ttlMs);
  }

  release(): Promise<boolean> {
    return this.state.compareAndDelete(this.key, this.token);
  }
}
