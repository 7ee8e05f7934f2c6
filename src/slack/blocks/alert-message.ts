import type { KnownBlock } from '@slack/types';
import type { AlertRenderer, Names } from '../../alerts/alert-port.js';
import type { Subscription } from '../../alerts/subscriptions.js';
import type { Change, ListChange } from '../../audit/diff.js';
import type { ConnecteamError } from '../../connecteam/errors.js';
import { fitLines, serializedLength, shareBudget } from './fit.js';
import { LIMITS } from './limits.js';
import { escapeMrkdwn, type Message, truncate } from './mrkdwn.js';

/** Plain names, never mentions: a bulk change must not ping hundreds of people. */
const personName = (names: Names, id: number) => {
  const name = names.people.get(id);
  return name ? `${escapeMrkdwn(truncate(name.replace(/\s+/g, ' '), 80))} (${id})` : `Connecteam user ${id}`;
};
const groupName = (names: Names, key: string) => {
  const name = names.groups.get(key);
  const shown = escapeMrkdwn(truncate(key.replace(/\s+/g, ' '), 80));
  return name ? `${escapeMrkdwn(truncate(name.replace(/\s+/g, ' '), 80))} (${shown})` : shown;
};

function listSections<T>(
  label: string,
  change: ListChange<T>,
  show: (item: T) => string,
): Array<[string, string[]]> {
  const out: Array<[string, string[]]> = [];
  if (change.added.length > 0)
    out.push([`*${label} added (${change.added.length})*`, change.added.map((x) => `• ${show(x)}`)]);
  if (change.removed.length > 0)
    out.push([`*${label} removed (${change.removed.length})*`, change.removed.map((x) => `• ${show(x)}`)]);
  return out;
}

const AUDIT_HINT = (assetId: number) =>
  `Run \`/asset-audit ${assetId}\` for the full list of who can reach it.`;

function message(
  assetId: number,
  headline: string,
  lists: Array<[string, string[]]>,
  notes: string[],
): Message {
  const head: KnownBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: truncate(`Asset ${assetId} changed`, LIMITS.headerText) },
    },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(headline, LIMITS.sectionText) } },
  ];
  const tail: KnownBlock[] = [
    {
      type: 'context',
      elements: [...notes, AUDIT_HINT(assetId)]
        .slice(0, LIMITS.contextElements)
        .map((text) => ({ type: 'mrkdwn' as const, text })),
    },
  ];
  const overhead = serializedLength({ type: 'section', text: { type: 'mrkdwn', text: '' } }) + 1;
  const room = LIMITS.blocksJson - serializedLength([...head, ...tail]) - lists.length * overhead;
  const shares = shareBudget(
    lists.map(([title, lines]) => serializedLength([title, ...lines].join('\n'))),
    room,
  );
  const sections: KnownBlock[] = lists.map(([title, lines], i) => ({
    type: 'section',
    text: { type: 'mrkdwn', text: fitLines(title, lines, shares[i] ?? 0) },
  }));
  return {
    text: headline.replace(/[*_]/g, '').replace(/:[a-z_]+:\s*/g, ''),
    blocks: [...head, ...sections, ...tail].slice(0, LIMITS.blocksPerMessage),
  };
}

function outageWords(error: ConnecteamError): string {
  switch (error.kind) {
    case 'bad_api_key':
      return "Connecteam refused the app's API key";
    case 'rate_limited':
      return "the company's Connecteam request limit was reached";
    case 'unexpected':
      return 'Connecteam answered in a way asset-audit did not understand';
    default:
      return 'Connecteam is not answering';
  }
}

const PAUSE_REASONS: Record<string, string> = {
  not_in_channel: 'the app is not a member of that channel',
  channel_not_found: 'the channel no longer exists or the app cannot see it',
  is_archived: 'the channel was archived',
};

/** Alert texts for channels, and the notice to a subscription's creator. */
export const alertRenderer: AlertRenderer<Message> = {
  change(sub: Subscription, change: Change | undefined, recovered: boolean, names: Names): Message {
    const id = sub.assetId;
    const back = recovered ? 'Checks of it work again. ' : '';
    if (change?.kind === 'disappeared') {
      return message(
        id,
        `${back}:wastebasket: *Asset ${id} no longer exists in Connecteam* (it answers "not found"). This channel will be told if it comes back.`,
        [],
        [],
      );
    }
    if (change?.kind === 'unreadable') {
      return message(
        id,
        `${back}:lock: *Asset ${id} can no longer be read* with the app's Connecteam API key (access denied). This channel will be told when it can be read again.`,
        [],
        [],
      );
    }
    const access = change?.kind === 'access' ? change : change?.kind === 'back' ? change.access : undefined;
    const lists = access
      ? [
          ...listSections('Admins', access.admins, (x) => personName(names, x)),
          ...listSections('Assigned people', access.assignees, (x) => personName(names, x)),
          ...listSections('Smart groups', access.groups, (x) => groupName(names, x)),
        ]
      : [];
    if (change?.kind === 'back') {
      const what = access ? 'Since it was last readable:' : 'Nothing changed in who can reach it.';
      return message(id, `${back}:white_check_mark: *Asset ${id} can be read again.* ${what}`, lists, []);
    }
    if (!access)
      return message(
        id,
        `:white_check_mark: Checks of asset ${id} work again; nothing changed meanwhile.`,
        [],
        [],
      );
    return message(id, `${back}:bell: *Who can reach asset ${id} changed.*`, lists, []);
  },

  outage(sub: Subscription, error: ConnecteamError): Message {
    const text = `:warning: Asset ${sub.assetId} can't be checked right now: ${outageWords(error)}. Alerts for it will resume when Connecteam answers again; this channel will be told then.`;
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
  },

  paused(sub: Subscription, reason: string): Message {
    const why = PAUSE_REASONS[reason] ?? `Slack refused the post (${reason})`;
    const text = `:pause_button: I stopped posting alerts about asset ${sub.assetId} to <#${sub.channelId}>: ${why}. To resume, invite the app there (\`/invite @asset-audit\`) and run \`/asset-audit watch ${sub.assetId}\` in that channel again.`;
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
  },
};
