import type { Refusal } from '../../access/policy.js';
import {
  AccessDeniedError,
  AssetNotFoundError,
  BadApiKeyError,
  InvalidAssetIdError,
  RateLimitedError,
  UnavailableError,
  UnexpectedResponseError,
  ValidationError,
} from '../../connecteam/errors.js';
import { durationText, escapeMrkdwn, type Message, truncate } from './mrkdwn.js';

/** A short message as a single section, with the same text as notification fallback. */
export function textMessage(text: string): Message {
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } }] };
}

/**
 * The one place where failures become words. Each says what happened to which asset, and
 * whether it was the person's mistake or not.
 */
export function errorReply(error: unknown, assetId: number | undefined, now: number): Message {
  const asset = assetId === undefined ? 'that asset' : `asset ${assetId}`;
  if (error instanceof AssetNotFoundError) {
    return textMessage(
      `:mag: Connecteam has no asset with id *${error.assetId}*. Check the number: it is the id Connecteam shows for the form, time clock, schedule, course or document.`,
    );
  }
  if (error instanceof AccessDeniedError) {
    return textMessage(
      `:lock: The app's Connecteam API key can't see ${asset}. Nothing you did wrong: the key's owner in Connecteam has to give it access to this asset.`,
    );
  }
  if (error instanceof BadApiKeyError) {
    return textMessage(
      `:key: Connecteam refused the app's API key while checking ${asset} (it may have expired or been revoked). This is not your mistake: please tell whoever installed asset-audit.`,
    );
  }
  if (error instanceof RateLimitedError) {
    return textMessage(
      `:hourglass: Connecteam is busy: the company's API request limit has been reached, so ${asset} can't be checked right now. Try again in ${waitText(error.retryAt - now)}. (Not your mistake.)`,
    );
  }
  if (error instanceof ValidationError) {
    return textMessage(
      `:warning: Connecteam refused the request for ${asset} as invalid. This is the app's problem, not yours: please tell whoever runs asset-audit.`,
    );
  }
  if (error instanceof UnexpectedResponseError && error.shape) {
    return textMessage(
      `:warning: Connecteam's answer about ${asset} was not in a form asset-audit understands. This is not your mistake, and trying again won't help: please tell whoever runs asset-audit (the app may need an update).`,
    );
  }
  if (error instanceof UnavailableError || error instanceof UnexpectedResponseError) {
    return textMessage(
      `:cloud: Connecteam didn't answer properly while checking ${asset}. Not your mistake; please try again in a minute.`,
    );
  }
  if (error instanceof InvalidAssetIdError) {
    return invalidInputReply('that is not a valid asset id', error.input);
  }
  return textMessage(
    `:warning: Something went wrong on our side while checking ${asset}. Please try again; if it keeps happening, tell whoever runs asset-audit.`,
  );
}

/** A wait as people say it: "12 s" while it is short (rounded up, at least 1 s), else "2 hours". */
function waitText(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return seconds < 90 ? `${seconds} s` : durationText(ms);
}

export function invalidInputReply(problem: string, input: string): Message {
  const shown = escapeMrkdwn(truncate(input.replace(/`/g, "'"), 100));
  return textMessage(
    `I couldn't use \`${shown}\`: ${problem}.\nWrite the asset's id after the command, for example \`/asset-audit 12345\` (\`/asset-audit help\` shows everything it can do).`,
  );
}

export function usageReply(): Message {
  return textMessage(
    [
      '*asset-audit* tells you who can reach a Connecteam asset (a form, time clock, schedule, course or document).',
      '• `/asset-audit 12345`: who administers asset 12345 and who is assigned to it',
      '• `/asset-audit me 12345`: whether *you* are assigned to asset 12345 (or an admin of it)',
      '• The *Am I assigned?* shortcut on any message that names an asset (`asset 12345`, `#12345`) does the same',
      '• `/asset-audit help`: this message',
      'The asset id is the number Connecteam shows for the asset. Answers are visible only to you.',
    ].join('\n'),
  );
}

export function stillWorkingReply(assetId: number): Message {
  return textMessage(
    `:hourglass_flowing_sand: Connecteam is slow to answer about asset ${assetId}; the answer will appear here shortly.`,
  );
}

export interface RefusalContext {
  /** AUDITORS_CONTACT: whom to ask, as free text. */
  contact: string | undefined;
  limits: { perMinute: number; perDay: number };
  now: number;
}

const SELF_CHECK_HINT =
  'You can still check your own access with `/asset-audit me <asset id>` or the *Am I assigned?* message shortcut.';

/** Why a request was refused, what the person can still do, and whom to ask. */
export function refusalReply(refusal: Refusal, context: RefusalContext): Message {
  const ask = context.contact
    ? escapeMrkdwn(truncate(context.contact, 200))
    : 'a workspace admin or whoever runs asset-audit';
  switch (refusal.kind) {
    case 'foreign_workspace':
      return textMessage(':no_entry: asset-audit only answers people of the workspace it is installed in.');
    case 'guest':
      return textMessage(
        `:no_entry: Guests can't look up who can reach an asset. ${SELF_CHECK_HINT} For a full audit, ask ${ask}.`,
      );
    case 'not_auditor':
      return textMessage(
        `:no_entry: Only auditors can look up who can reach an asset or watch assets. ${SELF_CHECK_HINT} To become an auditor, ask ${ask}.`,
      );
    case 'unverifiable':
      return textMessage(
        `:warning: I couldn't check with Slack whether you may run that right now, so I didn't. Please try again in a minute; if it keeps happening, tell ${ask}.`,
      );
    case 'unknown_user':
      return textMessage(
        `:no_entry: I couldn't confirm your Slack account, so I can't run that look-up. Please try again, or ask ${ask}.`,
      );
    case 'person_limit': {
      const limit =
        refusal.window === 'minute'
          ? `${context.limits.perMinute} a minute`
          : `${context.limits.perDay} a day`;
      return textMessage(
        `:hourglass: You've reached your limit of new Connecteam look-ups (${limit}), which keeps the company's shared Connecteam quota free for everyone. You can go on in ${durationText(refusal.retryAt - context.now)}; answers asset-audit already has come straight away.`,
      );
    }
  }
}
