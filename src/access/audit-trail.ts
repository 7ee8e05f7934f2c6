import type { Log } from '../log.js';

export type TrailAction = 'audit' | 'self_check' | 'watch' | 'unwatch';

export interface TrailEntry {
  /** Slack user id of whoever asked. */
  actor: string;
  action: TrailAction;
  assetIds: number[];
  channelId: string | undefined;
  /** 'answered', 'refused:<reason>', 'error:<kind>', 'invalid_input', … */
  outcome: string;
  via: 'command' | 'shortcut' | 'modal' | 'button';
}

export type PostToChannel = (channel: string, text: string) => Promise<void>;

/**
 * "Who looked at what": one structured line per audit, watch and unwatch, allowed or refused.
 * Ids only: no names, emails or other Connecteam personal data.
 */
export class AuditTrail {
  constructor(
    private readonly log: Log,
    private readonly channel: string | undefined,
    private readonly post: PostToChannel,
    private readonly now: () => number = Date.now,
  ) {}

  record(entry: TrailEntry): void {
    const at = new Date(this.now()).toISOString();
    this.log.info('audit trail', { trail: true, at, ...entry });
    if (!this.channel) return;
    const assets = entry.assetIds.length > 0 ? entry.assetIds.join(', ') : '-';
    const where = entry.channelId ? ` in <#${entry.channelId}>` : '';
    // The actor as code, not a mention: a log channel must not ping people on every look-up.
    const text = `\`${entry.actor}\` ${entry.action} asset ${assets}${where} via ${entry.via}: ${entry.outcome} (${at})`;
    this.post(this.channel, text).catch((error: unknown) =>
      this.log.warn('could not post to AUDIT_LOG_CHANNEL', { error }),
    );
  }
}
