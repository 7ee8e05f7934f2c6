/**
 * `npx tsx scripts/bench-watch.ts [--minutes 3] [--assets 10000] [--concurrent 20] [--aged]`: a benchmark,
 * not a test. Starts fake Slack, fake Connecteam (announcing Expert limits: 100/min, 10,000/day)
 * and the real app (HTTP mode, memory store, WATCH_INTERVAL_SECONDS=300) like bench-audit.ts,
 * has many channels watch `--assets` assets through signed `/asset-audit watch <20 ids>` commands,
 * then measures for `--minutes`:
 *   - Connecteam requests made by the watcher, per minute and projected per day, vs the budget;
 *   - process memory (the app runs in this process, next to the fakes) before/after subscribing, at the end;
 *   - the check frequency the app reports (`/asset-audit watching`, the "stretched" log line);
 *   - the time from a change of the asset due next (least recently checked) to its alert.
 * While subscribing, the fake's quota is raised (each watch takes a first snapshot, one call per
 * asset); it is set back to Expert limits, with fresh counters, before measuring.
 * Right after subscribing, every asset has just had its first snapshot, so none is due before
 * max(interval, assets × spacing) — 2 days for 10,000 on Expert. `--aged` shows the steady state
 * instead: the app runs on a SQLite file in a temp dir, and after subscribing it is stopped, every
 * `checked:<id>` record is moved back by one period (order kept) and the app is started again, as
 * if the 2 days had passed; the asset due next is changed just before that restart.
 * Memory includes the fakes (their call logs too); run with NODE_OPTIONS=--expose-gc to collect
 * garbage before each reading.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { loadConfig } from '../src/config.js';
import { createLog } from '../src/log.js';
import { startApp } from '../src/runtime.js';
import { type FakeAsset, FakeConnecteam } from '../test/support/fake-connecteam.js';
import { FakeSlack, type ResponseUrlPost } from '../test/support/fake-slack.js';
import { commandBody, postToApp, SIGNING_SECRET } from '../test/support/slack-request.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(name);
  const value = at === -1 ? undefined : Number(args[at + 1]);
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
};
const MINUTES = option('--minutes', 3);
const ASSETS = Math.floor(option('--assets', 10_000));
const CONCURRENT = Math.floor(option('--concurrent', 20));
const INTERVAL_S = 300;
const SHARE = 0.5;
const EXPERT = { minute: 100, day: 10_000 };
const BUDGET = { minute: Math.floor(EXPERT.minute * SHARE), day: Math.floor(EXPERT.day * SHARE) };
const IDS_PER_COMMAND = 20;
const ASSETS_PER_CHANNEL = 100;
const FIRST_ASSET = 100_001;
const WATCHERS = ['U0ADA', 'U0GRACE', 'U0ALAN', 'U0KATE', 'U0ALICE'];
const REPLY_TIMEOUT_MS = 120_000;
const AGED = args.includes('--aged');
const tempDir = AGED ? mkdtempSync(join(tmpdir(), 'bench-watch-')) : undefined;
const STORE_URL = tempDir ? `file:${join(tempDir, 'state.sqlite')}` : 'memory://';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
/** With `NODE_OPTIONS=--expose-gc`, garbage is collected first so figures compare. */
const memory = () => {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed };
};
const showMemory = (label: string, m: { rss: number; heap: number }) =>
  console.log(
    `  memory ${label.padEnd(22)} RSS ${mb(m.rss).padStart(9)} · heap used ${mb(m.heap).padStart(9)}`,
  );
const duration = (ms: number) =>
  ms >= 86_400_000
    ? `${(ms / 86_400_000).toFixed(2)} days`
    : ms >= 3_600_000
      ? `${(ms / 3_600_000).toFixed(2)} h`
      : ms >= 60_000
        ? `${(ms / 60_000).toFixed(2)} min`
        : `${(ms / 1000).toFixed(2)} s`;

// --- Fakes: Expert limits announced; the quota is raised only while subscribing.

const slack = await new FakeSlack().start();
const connecteam = await new FakeConnecteam().start();
const assetIds = Array.from({ length: ASSETS }, (_, i) => FIRST_ASSET + i);
for (const id of assetIds) {
  const asset: FakeAsset = {
    permissions: [{ userId: 9170357 }],
    assignments: { userIds: [9170359], smartGroups: ['sg-sales'] },
  };
  connecteam.assets.set(id, asset);
}
const channelOf = (assetId: number) =>
  `C0BENCH${String(Math.floor((assetId - FIRST_ASSET) / ASSETS_PER_CHANNEL)).padStart(4, '0')}`;

// --- The app, with per-person limits out of the way and the watcher's log lines kept.

const stretched: Array<{ at: number; assets: number; everyMs: number }> = [];
let warnings = 0;
const config = loadConfig({
  SLACK_BOT_TOKEN: slack.botToken,
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_API_URL: slack.apiUrl,
  CONNECTEAM_API_KEY: connecteam.apiKey,
  CONNECTEAM_BASE_URL: connecteam.url,
  STORE_URL,
  PORT: '0',
  WATCH_INTERVAL_SECONDS: String(INTERVAL_S),
  WATCH_BUDGET_SHARE: String(SHARE),
  PERSON_LIMIT_PER_MINUTE: '10000',
  PERSON_LIMIT_PER_DAY: '1000000',
});
const memoryAtBoot = memory();
const startTheApp = () =>
  startApp(config, {
    log: createLog({
      level: 'info',
      secrets: [config.connecteamApiKey, config.slackBotToken, SIGNING_SECRET],
      write: (line) => {
        const record = JSON.parse(line) as { level: string; msg: string; assets?: number; everyMs?: number };
        if (record.msg === 'watch interval stretched by the quota') {
          stretched.push({ at: Date.now(), assets: record.assets ?? 0, everyMs: record.everyMs ?? 0 });
        } else if (record.level === 'warn' || record.level === 'error') {
          warnings += 1;
          if (warnings <= 10) process.stderr.write(`${line}\n`);
        }
      },
    }),
  });
let app = await startTheApp();
let appUrl = `http://127.0.0.1:${app.port}`;

const isFinal = (post: ResponseUrlPost) => !/answer will appear here shortly/.test(post.body.text ?? '');

/** Runs a slash command and resolves with its final replies (ephemeral and in-channel). */
async function command(text: string, channelId: string, userId: string): Promise<ResponseUrlPost[]> {
  const responseUrl = slack.responseUrl();
  const ack = await postToApp(
    appUrl,
    commandBody({ text, channel_id: channelId, user_id: userId, response_url: responseUrl }),
  );
  if (ack.status !== 200) throw new Error(`command "${text.slice(0, 40)}" got HTTP ${ack.status}`);
  const deadline = Date.now() + REPLY_TIMEOUT_MS;
  for (;;) {
    const finals = slack.responsesTo(responseUrl).filter(isFinal);
    if (finals.length > 0) {
      await sleep(20); // an in-channel announcement may be followed by a private note
      return slack.responsesTo(responseUrl).filter(isFinal);
    }
    if (Date.now() > deadline) throw new Error(`no reply to "${text.slice(0, 40)}"`);
    await sleep(5);
  }
}

const assetCalls = () => connecteam.calls.filter((c) => c.path.startsWith('/assets/v1/asset/'));

try {
  console.log(
    `asset-audit watch benchmark: real app (HTTP mode, ${tempDir ? 'SQLite file store' : 'memory store'}) against local fakes on 127.0.0.1`,
  );
  console.log(
    `  ${ASSETS} assets in ${Math.ceil(ASSETS / ASSETS_PER_CHANNEL)} channels, WATCH_INTERVAL_SECONDS=${INTERVAL_S}, share ${SHARE}; fake Connecteam announces Expert (${EXPERT.minute}/min, ${EXPERT.day}/day)`,
  );
  showMemory('at boot (fakes seeded):', memoryAtBoot);
  const beforeSubscribing = memory();
  showMemory('app started:', beforeSubscribing);

  // --- Subscribing, with the fake's quota raised so first snapshots are not rate limited.
  connecteam.quota.minuteLimit = 10_000_000;
  connecteam.quota.dayLimit = 1_000_000_000;
  const batches: number[][] = [];
  for (let i = 0; i < assetIds.length; i += IDS_PER_COMMAND)
    batches.push(assetIds.slice(i, i + IDS_PER_COMMAND));
  const subscribeStart = performance.now();
  const callsBeforeSubscribing = connecteam.calls.length;
  let next = 0;
  let announced = 0;
  let failed = 0;
  let lastAnnouncement = '';
  const worker = async (w: number) => {
    for (;;) {
      const index = next++;
      const batch = batches[index];
      if (!batch) return;
      const channel = channelOf(batch[0] ?? FIRST_ASSET);
      const replies = await command(
        `watch ${batch.join(' ')}`,
        channel,
        WATCHERS[(index + w) % WATCHERS.length] ?? 'U0ADA',
      );
      for (const reply of replies) {
        const text = reply.body.text ?? '';
        const ok = /set this channel to watch/.exec(text);
        if (ok) {
          announced += (text.match(/\d{6}/g) ?? []).length;
          lastAnnouncement = text;
        } else failed += (text.match(/Not watching asset/g) ?? []).length;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENT }, (_, w) => worker(w)));
  const subscribeMs = performance.now() - subscribeStart;
  console.log(
    `\n== Subscribing: ${batches.length} commands of up to ${IDS_PER_COMMAND} ids, ${CONCURRENT} at a time, in ${duration(subscribeMs)}`,
  );
  console.log(
    `  announced as watched: ${announced} · failed: ${failed} · Connecteam calls: ${connecteam.calls.length - callsBeforeSubscribing}`,
  );
  const interval = /checked about every ([^(]+?) \((.+?) watched in all\)/.exec(lastAnnouncement);
  if (interval)
    console.log(
      `  last announcement: "each watched asset is checked about every ${interval[1]}" (${interval[2]})`,
    );
  const afterSubscribing = memory();
  showMemory('after subscribing:', afterSubscribing);

  // --- The asset due next: the one least recently fetched (first snapshot or poll).
  const lastFetch = new Map<number, number>();
  for (const call of assetCalls()) {
    const id = Number(call.path.split('/').at(-1));
    if (id >= FIRST_ASSET) lastFetch.set(id, call.at);
  }
  let dueNext = FIRST_ASSET;
  let dueNextAt = Number.POSITIVE_INFINITY;
  for (const [id, at] of lastFetch) {
    if (at < dueNextAt) {
      dueNext = id;
      dueNextAt = at;
    }
  }
  // Every asset is checked at most every max(interval, assets × spacing); spacing per Expert at 0.5.
  const spacingMs = Math.ceil(Math.max(60_000 / BUDGET.minute, 86_400_000 / BUDGET.day));
  const expectedEveryMs = Math.max(INTERVAL_S * 1000, ASSETS * spacingMs);
  const channel = channelOf(dueNext);
  const postsBefore = slack.posted(channel).length;
  const changeIt = () => {
    const asset = connecteam.assets.get(dueNext) as FakeAsset;
    asset.assignments.userIds = [...asset.assignments.userIds, 9170360];
    return Date.now();
  };

  // --- Back to Expert limits with fresh counters.
  const expertAgain = () => {
    connecteam.quota.minuteLimit = EXPERT.minute;
    connecteam.quota.dayLimit = EXPERT.day;
    connecteam.quota.minuteUsed = 0;
    connecteam.quota.dayUsed = 0;
    connecteam.quota.windowStart = Date.now();
  };
  let changedAt: number;
  let restartedAt: { calls: number; at: number } | undefined;
  if (tempDir) {
    // Steady state: as if one full period had passed since every first snapshot.
    await app.stop();
    const shiftMs = expectedEveryMs + 60_000;
    const db = new Database(join(tempDir, 'state.sqlite'));
    const aged = db
      .prepare("UPDATE state SET value = CAST(CAST(value AS INTEGER) - ? AS TEXT) WHERE key LIKE 'checked:%'")
      .run(shiftMs).changes;
    db.close();
    dueNextAt -= shiftMs;
    expertAgain();
    changedAt = changeIt();
    const restarted = performance.now();
    restartedAt = { calls: connecteam.calls.length, at: Date.now() };
    app = await startTheApp();
    appUrl = `http://127.0.0.1:${app.port}`;
    console.log(
      `\n  app stopped; ${aged} checked:<id> records moved back by ${duration(shiftMs)}; fake quota set back to Expert; asset ${dueNext} changed; app restarted in ${(performance.now() - restarted).toFixed(0)} ms`,
    );
  } else {
    expertAgain();
    // One audit makes the app read the Expert x-ratelimit headers before measuring.
    const primingFrom = connecteam.calls.length;
    await command(String(FIRST_ASSET), channelOf(FIRST_ASSET), 'U0ADA');
    console.log(
      `\n  fake quota set back to Expert; one audit (${connecteam.calls.length - primingFrom} Connecteam calls) let the app read the x-ratelimit headers`,
    );
    changedAt = changeIt();
  }

  // --- Measuring: calls to the fake Connecteam and posts to the fake Slack.
  // After a restart the watcher starts with the app: measure from the restart.
  const measureFrom = restartedAt?.calls ?? connecteam.calls.length;
  const measureStart = restartedAt?.at ?? Date.now();
  console.log(
    `\n== Measuring for ${MINUTES} min: asset ${dueNext} (least recently fetched, ${duration(changedAt - dueNextAt)} before the change${tempDir ? ', after aging' : ''}; watched in ${channel}) was changed`,
  );
  const endAt = measureStart + MINUTES * 60_000;
  let alertAt: number | undefined;
  let alertText = '';
  const perMinute: number[] = [];
  let minuteStart = measureStart;
  let minuteFrom = measureFrom;
  while (Date.now() < endAt) {
    await sleep(50);
    if (alertAt === undefined) {
      const post = slack
        .posted(channel)
        .slice(postsBefore)
        .find((c) => String(c.params.text).includes(String(dueNext)));
      if (post) {
        alertAt = post.at;
        alertText = String(post.params.text);
      }
    }
    if (Date.now() - minuteStart >= 60_000) {
      perMinute.push(connecteam.calls.length - minuteFrom);
      minuteStart += 60_000;
      minuteFrom = connecteam.calls.length;
    }
  }
  const window = connecteam.calls.slice(measureFrom);
  const reportedWatching = await command('watching', channel, 'U0ADA');
  const watchingText = reportedWatching.map((r) => r.body.text ?? '').join('\n');
  const reportedEvery = /each checked about every ([^:]+):/.exec(watchingText)?.[1] ?? '?';
  const channelCount = /This channel watches ([\d,]+ assets?)/.exec(watchingText)?.[1] ?? '?';
  const minutes = (Date.now() - measureStart) / 60_000;
  const rate = window.length / minutes;
  const polled = new Set(
    window.filter((c) => c.path.startsWith('/assets/v1/asset/')).map((c) => c.path.split('/').at(-1)),
  );
  const atEnd = memory();

  console.log('\n== Results');
  console.log(
    `  watcher's Connecteam requests: ${window.length} in ${minutes.toFixed(2)} min (per minute: ${perMinute.join(', ') || '-'}) = ${rate.toFixed(2)}/min`,
  );
  console.log(
    `    of which asset polls: ${window.filter((c) => c.path.startsWith('/assets/v1/asset/')).length} (${polled.size} distinct assets); other: ${window.filter((c) => !c.path.startsWith('/assets/v1/asset/')).length}`,
  );
  console.log(
    `  projected per day: ${Math.round(rate * 1440)} · budget ${BUDGET.minute}/min, ${BUDGET.day}/day (share ${SHARE} of Expert) · fake's counters: minute used ${connecteam.quota.minuteUsed}, day used ${connecteam.quota.dayUsed}`,
  );
  console.log(
    `  check frequency: app's \`watching\` reply says "each checked about every ${reportedEvery}" (${channel} watches ${channelCount}); expected max(${INTERVAL_S} s, ${ASSETS} × ${spacingMs / 1000} s) = ${duration(expectedEveryMs)}`,
  );
  const lastStretch = stretched.at(-1);
  console.log(
    `  'watch interval stretched' log lines: ${stretched.length}${lastStretch ? `; last: ${lastStretch.assets} assets, everyMs ${lastStretch.everyMs} (${duration(lastStretch.everyMs)})` : ''}`,
  );
  if (alertAt !== undefined) {
    console.log(
      `  change -> alert for asset ${dueNext}: ${duration(alertAt - changedAt)} (chat.postMessage to ${channel})${tempDir ? `; ${duration(alertAt - measureStart)} after the restarted app was up` : ''}`,
    );
    console.log(`    alert text: ${alertText.slice(0, 160)}`);
  } else {
    const dueAt = dueNextAt + expectedEveryMs;
    console.log(
      `  change -> alert for asset ${dueNext}: no alert within ${MINUTES} min. It was last fetched at ${new Date(dueNextAt).toISOString()}, so it is due at ~${new Date(dueAt).toISOString()} (${duration(dueAt - changedAt)} after the change)`,
    );
  }
  showMemory('before subscribing:', beforeSubscribing);
  showMemory('after subscribing:', afterSubscribing);
  showMemory('at the end:', atEnd);
  console.log(
    `  (memory is the whole process: app + fakes with their call logs; garbage collected first: ${typeof (globalThis as { gc?: unknown }).gc === 'function' ? 'yes' : 'no'})`,
  );
  console.log(`  warnings/errors logged by the app: ${warnings}`);
} finally {
  await app.stop();
  await slack.stop();
  await connecteam.stop();
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
}
