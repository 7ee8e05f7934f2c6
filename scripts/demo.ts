/**
 * `npm run demo [-- <asset id or command text>]`: the real app in HTTP mode against local fakes
 * of Slack and Connecteam (seeded with the API page's example), driven by a signed Slack request.
 * No accounts, no network beyond 127.0.0.1.
 */
import { loadConfig } from '../src/config.js';
import { createLog } from '../src/log.js';
import { startApp } from '../src/runtime.js';
import { FakeConnecteam } from '../test/support/fake-connecteam.js';
import { FakeSlack } from '../test/support/fake-slack.js';
import { commandBody, postToApp, SIGNING_SECRET } from '../test/support/slack-request.js';
import { blockKitBuilderUrl, renderBlocks } from './terminal-render.js';

const args = process.argv.slice(2);
const text = args.length > 0 ? args.join(' ') : '12345';

const slack = await new FakeSlack().start();
const connecteam = await new FakeConnecteam().start();
const config = loadConfig({
  SLACK_BOT_TOKEN: slack.botToken,
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_API_URL: slack.apiUrl,
  CONNECTEAM_API_KEY: connecteam.apiKey,
  CONNECTEAM_BASE_URL: connecteam.url,
  STORE_URL: 'memory://',
  PORT: '0',
});
const app = await startApp(config, {
  log: createLog({
    level: 'warn',
    secrets: [config.connecteamApiKey, config.slackBotToken, SIGNING_SECRET],
    write: (l) => process.stderr.write(`${l}\n`),
  }),
});
const appUrl = `http://127.0.0.1:${app.port}`;

try {
  console.log(
    `asset-audit demo: app on ${appUrl}, fake Slack on ${slack.url}, fake Connecteam on ${connecteam.url}\n`,
  );
  console.log(`> /asset-audit ${text}   (signed Slack request from user U0ADA in #general)\n`);
  const responseUrl = slack.responseUrl();
  const ack = await postToApp(appUrl, commandBody({ text, response_url: responseUrl }));
  console.log(`Slack got its ack: HTTP ${ack.status} in ${ack.ms.toFixed(0)} ms\n`);
  const replies = await slack.waitForResponses(responseUrl, 1, 30_000);
  // A slow answer arrives as "on its way" first; wait briefly for the real one.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const last = slack.responsesTo(responseUrl).at(-1) ?? replies[0];
  const body = last?.body ?? {};
  const blocks = (body.blocks ?? []) as Parameters<typeof renderBlocks>[0];
  console.log(`── reply (${body.response_type ?? 'ephemeral'}: only you see it) ──────────────────────`);
  console.log(renderBlocks(blocks));
  console.log('──────────────────────────────────────────────────────────────\n');
  console.log('Block Kit JSON:');
  console.log(JSON.stringify({ blocks }, null, 2));
  console.log(`\nSee it as Slack would show it (paste into a browser):\n${blockKitBuilderUrl(blocks)}`);
  console.log(`\nConnecteam calls made: ${connecteam.calls.map((c) => c.path).join(', ') || 'none'}`);
} finally {
  await app.stop();
  await slack.stop();
  await connecteam.stop();
}
