import type { KnownBlock } from '@slack/types';
import type { AssetAnswer, AssignmentReport, AssignmentStatus } from '../../audit/assignment.js';
import type { Identity } from '../../audit/identity.js';
import { fullName } from '../../connecteam/model.js';
import { freshnessNotes, groupLine } from './audit-reply.js';
import { errorReply } from './error-replies.js';
import { escapeMrkdwn, type Message, truncate } from './mrkdwn.js';

const OVERRIDE_HINT =
  'ask whoever runs asset-audit to link your Slack account to your Connecteam user (`IDENTITY_OVERRIDES`)';

/** Why we can't answer for this person, and what they can do about it. */
export function unlinkedText(identity: Exclude<Identity, { kind: 'linked' }>): string {
  switch (identity.kind) {
    case 'unknown_slack_user':
      return ":question: Slack couldn't tell me who you are, so I can't check your assignments. Please try again.";
    case 'no_email':
      return `:bust_in_silhouette: I couldn't find you in Connecteam: your Slack profile has no email address that asset-audit can read. Add one to your Slack profile, or ${OVERRIDE_HINT}.`;
    case 'no_match':
      return `:bust_in_silhouette: I couldn't find you in Connecteam: no Connecteam user has your Slack email (${escapeMrkdwn(identity.email)}). If you use another email in Connecteam, ${OVERRIDE_HINT}.`;
    case 'claimed':
      return `:bust_in_silhouette: Your Slack email matches a Connecteam user that asset-audit has linked to another Slack account, so I won't answer for it. If that user is you, ${OVERRIDE_HINT}.`;
  }
}

function statusText(status: AssignmentStatus): string {
  const groups = status.viaGroups.map((g) => groupLine(g).replace(/^• /, ''));
  const through =
    groups.length > 0 ? `through smart group${groups.length > 1 ? 's' : ''} ${groups.join(', ')}` : '';
  const assigned = status.direct ? `directly${through ? ` and ${through}` : ''}` : through;
  const id = `*Asset ${status.assetId}*`;
  if (status.admin && assigned)
    return `:white_check_mark: ${id}: you are an admin of it, and also assigned to it ${assigned}.`;
  if (status.admin) return `:key: ${id}: you are an admin of it (but not assigned to it).`;
  if (assigned) return `:white_check_mark: ${id}: you are assigned to it ${assigned}.`;
  return `:no_entry_sign: ${id}: you are not assigned to it, and not an admin of it.`;
}

function answerBlocks(answer: AssetAnswer, now: number): KnownBlock[] {
  if ('error' in answer) return errorReply(answer.error, answer.assetId, now).blocks;
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: truncate(statusText(answer.status), 3000) } },
  ];
  if (answer.status.source === 'stale') {
    blocks.push({
      type: 'context',
      elements: freshnessNotes(answer.status, now).map((text) => ({ type: 'mrkdwn', text })),
    });
  }
  return blocks;
}

/** The private answer to "Am I assigned?" (shortcut, modal or `/asset-audit me`). */
export function assignmentReply(report: AssignmentReport, now: number, leftOut: number[] = []): Message {
  const { identity } = report;
  if (identity.kind !== 'linked') {
    const text = unlinkedText(identity);
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
  }
  const name = fullName(identity.user) || 'no name';
  const who = `You are *${escapeMrkdwn(truncate(name, 80))}* (Connecteam user ${identity.user.userId})${identity.via === 'override' ? ', linked by an override' : ''}.`;
  const archived = identity.user.archived
    ? ' :warning: Your Connecteam account is *archived*: while it is, assignments give you no access.'
    : '';
  const blocks: KnownBlock[] = [{ type: 'context', elements: [{ type: 'mrkdwn', text: who + archived }] }];
  for (const answer of report.answers) blocks.push(...answerBlocks(answer, now));
  if (leftOut.length > 0) {
    const shown = leftOut.slice(0, 20).join(', ');
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `${leftOut.length} more asset id${leftOut.length > 1 ? 's were' : ' was'} left out (${shown}${leftOut.length > 20 ? ', …' : ''}); check them with \`/asset-audit me <id>\`.`,
        },
      ],
    });
  }
  const summary = report.answers
    .map((a) => ('error' in a ? `Asset ${a.assetId}: could not check` : plain(statusText(a.status))))
    .join('; ');
  return { text: truncate(summary || who, 3000), blocks: blocks.slice(0, 50) };
}

/** Notification text has no formatting: drop emoji codes and bold marks. */
const plain = (text: string) => text.replace(/:[a-z0-9_+-]+:\s*/g, '').replace(/\*/g, '');

export const AM_I_ASSIGNED_MODAL = 'am_i_assigned_modal';
export const ASSET_INPUT_BLOCK = 'asset';
export const ASSET_INPUT_ACTION = 'asset_id';

/** The modal that asks for an asset id when the message names none. */
export function askForAssetModal(privateMetadata: string) {
  return {
    type: 'modal' as const,
    callback_id: AM_I_ASSIGNED_MODAL,
    private_metadata: privateMetadata,
    title: { type: 'plain_text' as const, text: 'Am I assigned?' },
    submit: { type: 'plain_text' as const, text: 'Check' },
    close: { type: 'plain_text' as const, text: 'Cancel' },
    blocks: [
      {
        type: 'section' as const,
        text: {
          type: 'mrkdwn' as const,
          text: "That message doesn't name an asset. Which asset should I check for you?",
        },
      },
      {
        type: 'input' as const,
        block_id: ASSET_INPUT_BLOCK,
        label: { type: 'plain_text' as const, text: 'Asset id' },
        hint: {
          type: 'plain_text' as const,
          text: 'The number Connecteam shows for the form, time clock, schedule, course or document.',
        },
        element: {
          type: 'plain_text_input' as const,
          action_id: ASSET_INPUT_ACTION,
          placeholder: { type: 'plain_text' as const, text: '12345' },
          max_length: 100,
        },
      },
    ],
  };
}
