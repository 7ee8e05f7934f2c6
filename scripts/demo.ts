/**
 * `npm run demo [-- <command text>]`: the real app in HTTP mode against local fakes of Slack and
 * Connecteam (seeded with the API page's example), driven by signed Slack requests.
 * `npm run demo -- shortcut "please check asset 12345" [--as U0ALAN] [--answer 12345]` runs the
 * "Am I assigned?" shortcut on that message instead. No accounts, nothing beyond 127.0.0.1.
 */
import { loadConfig } from '../src/config.js';
import { createLog } from '../src/log.js';
import { startApp } from '../src/runtime.js';
import { FakeConnecteam } from '../test/support/fake-connecteam.js';
import { fakeEnv } from '../test/support/fake-env.js';
import { FakeSlack } from '../test/support/fake-slack.js';
import { messageShortcut, viewSubmission } from '../test/support/slack-payloads.js';
import { commandBody, payloadBody, postToApp, SIGNING_SECRET } from '../test/support/slack-request.js';
import { blockKitBuilderUrl, renderBlocks } from './terminal-render.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(name);
  if (at === -1) return fallback;
  const [, value] = args.splice(at, 2);
  return value ?? fallback;
};
const asUser = option('--as', '');
const modalAnswer = option('--answer', '12345');
const shortcut = args[0] === 'shortcut';
const text = (shortcut ? args.slice(1) : args).join(' ') || (shortcut ? 'please check asset 12345' : '12345');
const userId = asUser || (shortcut ? 'U0ALAN' : 'U0ADA');

const slack = await new FakeSlack().start();
const connecteam = await new FakeConnecteam().start();
const config = loadConfig({
  ...fakeEnv(slack, connecteam),
});
const app = await startApp(config, {
  log: createLog({
    level: 'warn',
    secrets: [config.connecteamApiKey, config.slackBotToken, SIGNING_SECRET],
    write: (line) => process.stderr.write(`${line}\n`),
  }),
});
const appUrl = `http://127.0.0.1:${app.port}`;

async function showReply(responseUrl: string): Promise<void> {
  await slack.waitForResponses(responseUrl, 1, 30_000);
  // A slow answer arrives as "on its way" first; give the real one a moment.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const body = slack.responsesTo(responseUrl).at(-1)?.body ?? {};
  const blocks = (body.blocks ?? []) as Parameters<typeof renderBlocks>[0];
  console.log(`── reply (${body.response_type ?? 'ephemeral'}: only ${userId} sees it) ──────────────────`);
  console.log(renderBlocks(blocks));
  console.log('──────────────────────────────────────────────────────────────\n');
  console.log('Block Kit JSON:');
  console.log(JSON.stringify({ blocks }, null, 2));
  console.log(`\nSee it as Slack would show it (paste into a browser):\n${blockKitBuilderUrl(blocks)}`);
}

try {
  console.log(
    `asset-audit demo: app on ${appUrl}, fake Slack on ${slack.url}, fake Connecteam on ${connecteam.url}\n`,
  );
  const responseUrl = slack.responseUrl();
  if (shortcut) {
    console.log(`> "Am I assigned?" run by ${userId} on the message: ${JSON.stringify(text)}\n`);
    const payload = messageShortcut({ userId, responseUrl, message: { text, user: 'U0GRACE' } });
    const ack = await postToApp(appUrl, payloadBody(payload));
    console.log(`Slack got its ack: HTTP ${ack.status} in ${ack.ms.toFixed(0)} ms\n`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const opened = slack.callsTo('views.open')[0];
    if (opened) {
      const view = opened.params.view as { private_metadata: string; callback_id: string };
      console.log(
        `The message names no asset, so a modal opened (views.open). Submitting it with ${modalAnswer}…\n`,
      );
      const submission = viewSubmission({
        userId,
        callbackId: view.callback_id,
        privateMetadata: view.private_metadata,
        blockId: 'asset',
        actionId: 'asset_id',
        value: modalAnswer,
      });
      const submitted = await postToApp(appUrl, payloadBody(submission));
      if (submitted.text) console.log(`The modal answered: ${submitted.text}\n`);
    }
    await showReply(responseUrl);
  } else {
    console.log(`> /asset-audit ${text}   (signed Slack request from ${userId} in #general)\n`);
    const ack = await postToApp(appUrl, commandBody({ text, response_url: responseUrl, user_id: userId }));
    console.log(`Slack got its ack: HTTP ${ack.status} in ${ack.ms.toFixed(0)} ms\n`);
    await showReply(responseUrl);
  }
  console.log(`\nConnecteam calls made: ${connecteam.calls.map((c) => c.path).join(', ') || 'none'}`);
} finally {
  await app.stop();
  await slack.stop();
  await connecteam.stop();
}
