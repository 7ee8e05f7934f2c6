import type { Change } from '../audit/diff.js';
import type { ConnecteamError } from '../connecteam/errors.js';
import type { Subscription } from './subscriptions.js';

/** What posting to Slack came to: done, never going to work, or try again later. */
export type PostResult =
  | { ok: true }
  | { ok: false; permanent: string }
  | { ok: false; retryAfterMs: number };

/** The alerts domain talks to Slack through this, so it never imports Bolt. */
export interface AlertPort<M> {
  post(channel: string, message: M): Promise<PostResult>;
  /** Tells a person directly (in the app's DM with them). */
  tell(userId: string, message: M): Promise<PostResult>;
}

/** Names for the people and groups in a change, looked up when an alert is written. */
export interface Names {
  people: Map<number, string>;
  groups: Map<string, string>;
}

export interface AlertRenderer<M> {
  change(subscription: Subscription, change: Change | undefined, recovered: boolean, names: Names): M;
  outage(subscription: Subscription, error: ConnecteamError): M;
  paused(subscription: Subscription, reason: string): M;
}
