import type { KnownBlock } from '@slack/types';
import type { AssetAudit, GroupRef, PersonRef } from '../../audit/audit.js';
import { fitLines, serializedLength, shareBudget } from './fit.js';
import { LIMITS } from './limits.js';
import { durationText, inlineText, type Message, plural, slackDate, truncate } from './mrkdwn.js';

const NAME_MAX = 80;

export function personLine(person: PersonRef, options: { mention: boolean }): string {
  const mention = options.mention && person.slackUserId ? `<@${person.slackUserId}> ` : '';
  const name = inlineText(person.name ?? '', NAME_MAX) || 'Connecteam user';
  const archived = person.archived ? ' · _archived_' : '';
  return `• ${mention}${name} (${person.userId})${archived}`;
}

export function groupLine(group: GroupRef): string {
  const key = inlineText(group.key, NAME_MAX);
  const name = inlineText(group.name ?? '', NAME_MAX);
  if (key === '') return name ? `• ${name} (blank group id)` : '• (blank group id)';
  return name ? `• ${name} (${key})` : `• ${key}`;
}

/** Where the data came from and how old it is, for the context line. */
export function freshnessNotes(
  audit: Pick<AssetAudit, 'fetchedAt' | 'source' | 'staleBecause'>,
  now: number,
): string[] {
  const age = now - audit.fetchedAt;
  if (audit.source === 'stale') {
    return [
      `:warning: Connecteam is not answering right now; this is the last known answer, *${durationText(age)} old* (fetched ${slackDate(audit.fetchedAt)}).`,
    ];
  }
  if (audit.source === 'cache')
    return [`Fetched from Connecteam ${slackDate(audit.fetchedAt)} (cached, ${durationText(age)} old).`];
  return [`Fetched from Connecteam ${slackDate(audit.fetchedAt)}.`];
}

/** The `/asset-audit <id>` answer: admins, assigned people and smart groups, within Slack's limits. */
export function auditReply(audit: AssetAudit, now: number, extra: KnownBlock[] = []): Message {
  const { assetId, admins, assignees, groups } = audit;
  const summary = `*${plural(admins.length, 'admin')}* · *${plural(assignees.length, 'person', 'people')} assigned directly* · *${plural(groups.length, 'smart group')}*`;
  const notes = freshnessNotes(audit, now);
  if (audit.namesIncomplete)
    notes.push('Some names could not be loaded from Connecteam; those are shown by id.');
  const head: KnownBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: truncate(`Who can reach asset ${assetId}`, LIMITS.headerText) },
    },
    { type: 'section', text: { type: 'mrkdwn', text: summary } },
  ];
  const tail: KnownBlock[] = [
    {
      type: 'context',
      elements: notes.slice(0, LIMITS.contextElements).map((text) => ({ type: 'mrkdwn', text })),
    },
    ...extra,
  ];
  const lists = [
    { title: `*Admins (${admins.length})*`, lines: admins.map((p) => personLine(p, { mention: true })) },
    {
      title: `*Assigned people (${assignees.length})*`,
      lines: assignees.map((p) => personLine(p, { mention: true })),
    },
    { title: `*Smart groups (${groups.length})*`, lines: groups.map(groupLine) },
  ];
  const sectionOverhead = serializedLength({ type: 'section', text: { type: 'mrkdwn', text: '' } }) + 1;
  const room = LIMITS.blocksJson - serializedLength([...head, ...tail]) - lists.length * sectionOverhead;
  const wanted = lists.map(({ title, lines }) => serializedLength([title, ...lines].join('\n')));
  const shares = shareBudget(wanted, room);
  const sections: KnownBlock[] = lists.map(({ title, lines }, i) => ({
    type: 'section',
    text: { type: 'mrkdwn', text: fitLines(title, lines, shares[i] ?? 0) },
  }));
  return {
    text: `Asset ${assetId}: ${plural(admins.length, 'admin')}, ${plural(assignees.length, 'person', 'people')} assigned, ${plural(groups.length, 'smart group')}`,
    blocks: [...head, ...sections, ...tail],
  };
}
