/**
 * `npm run bench:audit [-- --people 300 --concurrent 20 --latency-ms 0]`: a benchmark, not a test.
 * Starts fake Slack, fake Connecteam and the real app (HTTP mode, in-memory store) like
 * scripts/demo.ts, seeds big assets whose people are all Slack users too, and measures end to end:
 *   (a) the first audit right after app start (cold caches, Slack directory maybe still loading),
 *   (b) the same audit again (warm),
 *   (c) N concurrent audits of another uncached asset by N different people.
 * For each: ack time, time until the answer reaches the response_url, upstream Connecteam calls,
 * Slack API calls by method, and how many `<@U…>` mentions the answer holds.
 */
import { loadConfig } from '../src/config.js';
import { createLog } from '../src/log.js';
import { startApp } from '../src/runtime.js';
import { type FakeAsset, FakeConnecteam, type FakeUser } from '../test/support/fake-connecteam.js';
import { fakeEnv } from '../test/support/fake-env.js';
import { FakeSlack, type ResponseUrlPost, type SlackUser, TEAM_ID } from '../test/support/fake-slack.js';
import { commandBody, postToApp, SIGNING_SECRET } from '../test/support/slack-request.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(name);
  const value = at === -1 ? undefined : Number(args[at + 1]);
  return value !== undefined && Number.isFinite(value) ? value : fallback;
};
const PEOPLE = option('--people', 300);
const CONCURRENT = option('--concurrent', 20);
const LATENCY_MS = option('--latency-ms', 0);
const GROUPS = 10;
const ADMINS = Math.round(PEOPLE / 3);
const ASSET_COLD = 60_001;
const ASSET_CONCURRENT = 60_002;
const REPLY_TIMEOUT_MS = 60_000;

// --- Seed data: two assets of PEOPLE people each, everyone also a Slack user with the same email.

const slack = await new FakeSlack().start();
const connecteam = await new FakeConnecteam().start();
connecteam.latencyMs = LATENCY_MS;

function seedAsset(assetId: number, firstUserId: number): void {
  const ids = Array.from({ length: PEOPLE }, (_, i) => firstUserId + i);
  for (const [i, userId] of ids.entries()) {
    const user: FakeUser = {
      userId,
      firstName: `Bench${i}`,
      lastName: `Person${assetId}`,
      email: `bench-${userId}@example.com`,
      isArchived: i % 50 === 49,
      smartGroupsIds: [],
      userType: 'user',
    };
    connecteam.users.set(userId, user);
    const slackUser: SlackUser = {
      id: `UB${userId}`,
      team_id: TEAM_ID,
      name: `bench${userId}`,
      profile: { email: user.email ?? undefined, real_name: `Bench${i}`, display_name: `bench${i}` },
    };
    slack.users.push(slackUser);
  }
  const groupKeys = Array.from({ length: GROUPS }, (_, g) => `sg-${assetId}-${g}`);
  for (const [g, key] of groupKeys.entries())
    connecteam.groups.push({ id: key, name: `Team ${g} of ${assetId}` });
  const asset: FakeAsset = {
    permissions: ids.slice(0, ADMINS).map((userId) => ({ userId })),
    assignments: { userIds: ids.slice(ADMINS), smartGroups: groupKeys },
  };
  connecteam.assets.set(assetId, asset);
}
seedAsset(ASSET_COLD, 7_000_000);
seedAsset(ASSET_CONCURRENT, 8_000_000);
const requesters = Array.from({ length: CONCURRENT }, (_, i) => `UREQ${String(i).padStart(3, '0')}`);
for (const id of requesters) {
  slack.users.push({ id, team_id: TEAM_ID, name: id.toLowerCase(), profile: { email: `${id}@example.com` } });
}

// --- The app, as in scripts/demo.ts, with per-person limits out of the way.

const config = loadConfig({
  ...fakeEnv(slack, connecteam),
  PERSON_LIMIT_PER_MINUTE: '10000',
  PERSON_LIMIT_PER_DAY: '1000000',
});
const startedAt = performance.now();
const app = await startApp(config, {
  log: createLog({
    level: 'warn',
    secrets: [config.connecteamApiKey, config.slackBotToken, SIGNING_SECRET],
    write: (line) => process.stderr.write(`${line}\n`),
  }),
});
const startMs = performance.now() - startedAt;
const appUrl = `http://127.0.0.1:${app.port}`;

// --- Measuring.

interface Marks {
  connecteam: number;
  slack: number;
}
const mark = (): Marks => ({ connecteam: connecteam.calls.length, slack: slack.calls.length });

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

const upstreamKind = (path: string) =>
  path.startsWith('/assets/v1/asset/')
    ? 'asset'
    : path === '/users/v1/users'
      ? 'users'
      : path === '/users/v1/smart-groups'
        ? 'smart-groups'
        : path;

function describeCalls(from: Marks, to: Marks): string[] {
  const upstream = connecteam.calls.slice(from.connecteam, to.connecteam);
  const api = slack.calls.slice(from.slack, to.slack);
  const list = (counts: Map<string, number>) =>
    [...counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([name, n]) => `${name} ${n}`)
      .join(', ') || 'none';
  return [
    `Connecteam calls: ${upstream.length} (${list(countBy(upstream, (c) => upstreamKind(c.path)))})`,
    `Slack API calls:  ${api.length} (${list(countBy(api, (c) => c.method))})`,
  ];
}

const isFinal = (post: ResponseUrlPost) => !/answer will appear here shortly/.test(post.body.text ?? '');

async function finalReply(responseUrl: string): Promise<ResponseUrlPost> {
  const deadline = Date.now() + REPLY_TIMEOUT_MS;
  for (;;) {
    const found = slack.responsesTo(responseUrl).find(isFinal);
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(`no final reply at ${responseUrl} within ${REPLY_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

interface Run {
  ackMs: number;
  ackStatus: number;
  replyMs: number;
  stillWorkingFirst: boolean;
  mentions: number;
  headline: string;
  listTails: string[];
}

async function audit(assetId: number, userId: string): Promise<Run> {
  const responseUrl = slack.responseUrl();
  const sentAt = Date.now();
  const sentPerf = performance.now();
  const ack = await postToApp(
    appUrl,
    commandBody({ text: String(assetId), response_url: responseUrl, user_id: userId }),
  );
  const reply = await finalReply(responseUrl);
  const replyMs = Math.max(reply.at - sentAt, performance.now() - sentPerf - 2);
  const blocksJson = JSON.stringify(reply.body.blocks ?? []);
  const sections = (reply.body.blocks ?? [])
    .filter((b) => b.type === 'section')
    .map((b) => String((b.text as { text?: string } | undefined)?.text ?? ''));
  return {
    ackMs: ack.ms,
    ackStatus: ack.status,
    replyMs,
    stillWorkingFirst: slack.responsesTo(responseUrl).some((p) => !isFinal(p)),
    mentions: (blocksJson.match(/<@U/g) ?? []).length,
    headline: reply.body.text ?? '',
    listTails: sections.slice(1).map((text) => {
      const rows = text.split('\n');
      const shown = rows.filter((row) => row.startsWith('• ')).length;
      const more = /^…and (\d+) more$/.exec(rows.at(-1) ?? '');
      return `${rows[0]}: ${shown} shown${more ? ` + "…and ${more[1]} more"` : ''}`;
    }),
  };
}

const ms = (n: number) => `${n.toFixed(0).padStart(5)} ms`;
const settle = (delay: number) => new Promise((resolve) => setTimeout(resolve, delay));

function printRun(title: string, run: Run, from: Marks, atReply: Marks, settled: Marks): void {
  console.log(`\n== ${title}`);
  console.log(`  ack:              HTTP ${run.ackStatus} in ${ms(run.ackMs)}`);
  console.log(
    `  reply arrived:    ${ms(run.replyMs)} after the command${run.stillWorkingFirst ? ' ("still working" note sent first)' : ''}`,
  );
  console.log(`  reply:            ${run.headline}`);
  for (const tail of run.listTails) console.log(`                    ${tail}`);
  console.log(`  mentions <@U…>:   ${run.mentions}`);
  for (const line of describeCalls(from, atReply)) console.log(`  until reply, ${line}`);
  for (const line of describeCalls(from, settled)) console.log(`  incl. 1 s after, ${line}`);
}

try {
  console.log('asset-audit benchmark: real app (HTTP mode, memory store) against local fakes on 127.0.0.1');
  console.log(
    `  ${PEOPLE} people per asset (${ADMINS} admins + ${PEOPLE - ADMINS} assignees, all Slack users by email), ${GROUPS} smart groups; Connecteam latency ${LATENCY_MS} ms`,
  );
  console.log(`  Slack directory: ${slack.users.length} users; app started in ${startMs.toFixed(0)} ms`);
  const boot = describeCalls({ connecteam: 0, slack: 0 }, mark());
  console.log(`  during start-up: ${boot.join('; ')}`);

  // (a) cold: right after start, the Slack directory may still be loading.
  let from = mark();
  const cold = await audit(ASSET_COLD, 'U0ADA');
  let atReply = mark();
  await settle(1_000);
  printRun(
    `(a) first audit of asset ${ASSET_COLD}, cold (sent right after app start)`,
    cold,
    from,
    atReply,
    mark(),
  );

  // (b) warm: same asset, same person.
  from = mark();
  const warm = await audit(ASSET_COLD, 'U0ADA');
  atReply = mark();
  await settle(1_000);
  printRun(`(b) second audit of asset ${ASSET_COLD}, warm`, warm, from, atReply, mark());

  // (c) concurrent: another uncached asset, by different people at the same moment.
  from = mark();
  const began = performance.now();
  const runs = await Promise.all(requesters.map((userId) => audit(ASSET_CONCURRENT, userId)));
  const wall = performance.now() - began;
  atReply = mark();
  await settle(1_000);
  const settled = mark();
  const stats = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return `min ${ms(sorted[0] ?? 0)} · median ${ms(at(0.5))} · p95 ${ms(at(0.95))} · max ${ms(sorted.at(-1) ?? 0)}`;
  };
  console.log(
    `\n== (c) ${CONCURRENT} concurrent audits of asset ${ASSET_CONCURRENT}, uncached, by ${CONCURRENT} different people`,
  );
  console.log(
    `  acks:             ${stats(runs.map((r) => r.ackMs))} (statuses: ${[...new Set(runs.map((r) => r.ackStatus))].join(', ')})`,
  );
  console.log(
    `  replies arrived:  ${stats(runs.map((r) => r.replyMs))}; all ${CONCURRENT} answered in ${ms(wall)}`,
  );
  console.log(
    `  "still working" notes sent first: ${runs.filter((r) => r.stillWorkingFirst).length} of ${CONCURRENT}`,
  );
  const headlines = countBy(runs, (r) => r.headline);
  for (const [headline, n] of headlines) console.log(`  reply (${n}x):      ${headline}`);
  const mentions = runs.map((r) => r.mentions);
  console.log(`  mentions <@U…>:   min ${Math.min(...mentions)} · max ${Math.max(...mentions)} per reply`);
  for (const line of describeCalls(from, atReply)) console.log(`  until last reply, ${line}`);
  for (const line of describeCalls(from, settled)) console.log(`  incl. 1 s after, ${line}`);
} finally {
  await app.stop();
  await slack.stop();
  await connecteam.stop();
}
