#!/usr/bin/env node
// Deploys and failures without loss (issue 22, SPEC §5.10), on real apps:
// 1. Rolling restart: the generated app as a new user sets it up (`init` + `feature chat` +
//    `redis-adapter`: streams adapter, auth, rooms, presence, rate limit, notifier) with a
//    notifications controller of the team's own, two instances on a redis-server of the
//    benchmark's own behind the loopback balancer (test/support/balancer.ts); N followers in one
//    room and a publisher through it, a steady stream of numbered room messages (and `toUser`
//    notifications to some of the followers) from test/support/deploy.ts; instance 0 then 1 is
//    restarted (SIGTERM, started again). Delivered, duplicates, reconnect outages, presence
//    announcements, how long each instance took to exit.
// 2. Network drops, AnyCable's shape scaled to this machine: every client behind a balancer of its
//    own, its TCP connection cut every PERIOD (staggered over the clients) and new connections
//    refused for 2 s; a room message every 500 ms from a publisher connected to the instance
//    directly. The generated app (one instance, streams adapter on Redis: init's shape) and plain
//    socket.io with its defaults (bench/baselines/plain-socketio with WS_RECOVERY=off), side by side
//    in the same window.
// 3. streams vs pubsub: the cross-instance fan-out (bench/room-load.mjs) of the generated room app
//    with `adapter.kind` streams and pubsub, two instances on one Redis, and one instance
//    (in-memory), rotating rounds: deliveries/s and server CPU per delivery.
//
//   node bench/runtime-deploy.mjs [--followers=200] [--notified=10] [--drop-clients=100]
//     [--drop-seconds=45] [--rounds=5] [--subscribers=200] [--messages=400] [--only=restart,drops,streams]
//     [--app=<an init app built before, with the notifications controller: kept>]
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';
import { ROOT, loadTestSupport } from '../scripts/load-app-helpers.mjs';
import { fanOut, roomsApp, startInstances } from './room-load.mjs';
import { addNotificationsController, apps, initApp, ownRedis, plainSocketIoApp } from './runtime-apps.mjs';
import { checkTarget, measureInRounds, median, percentile, printTable, targetCell, writeResults } from './stats.mjs';

const RESULTS = path.join(ROOT, 'bench/results/deploy.json');
const { deliveryReport, follow, publish, startCluster, startBalancer, TEST_JWT_SECRET } = loadTestSupport('deploy', 'balancer', 'jwt');

/** Room messages every this many ms during the rolling restart (deploy.ts's default, as the e2e test). */
const RESTART_INTERVAL_MS = 100;
/**
 * How long the publisher waits for an ack (or a POST's response) before sending it again: the
 * generated client's default request timeout. A request that timed out may have run, so sending it
 * again can deliver it twice: such duplicates are named apart.
 */
const REQUEST_TIMEOUT_MS = 10_000;
/** AnyCable's shape: a broadcast every 500 ms, each client's TCP cut every ~15 s and out for ~2 s. */
const DROP_MESSAGE_INTERVAL_MS = 500;
const DROP_PERIOD_MS = 15_000;
const DROP_OUTAGE_MS = 2_000;
/**
 * The instances' drain bound: below the 5 s after which the test support kills a process that has
 * not exited (as the deploy e2e test sets it), so a slow drain shows as its own timeout, not as a kill.
 */
const DRAIN_TIMEOUT_MS = 4000;
/** Streams must keep what two instances on pub/sub keep over one (the cross-instance target). */
const STREAMS_TARGET = 0.7;

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const percent = (fraction) => `${(fraction * 100).toFixed(2)} %`;

/**
 * socket.io-client with its own reconnection defaults (1 s first delay, doubling up to 5 s,
 * randomised), as the generated client uses it: deploy.ts's follow() asks for quick retries, which
 * would flatter both servers' outages.
 */
const connect = (url, { reconnectionDelay, reconnectionDelayMax, ...options }) => io(url, options);

/**
 * What an app's client does after a reconnection the server did not recover: joins its room again
 * (the generated client does it by itself; a plain socket.io app writes it in its `connect`
 * listener). Without it a plain socket.io client would miss everything after its first drop.
 * Counts the presence announcements the follower receives: `presenceDiff` (presence v2) and
 * `userOnline`/`userOffline` (presence v1).
 */
function instrument(follower) {
  follower.rejoins = 0;
  follower.presenceAnnouncements = 0;
  // When it got each numbered message (ms since epoch): where a loss happened, see missedBy.
  follower.roomMessageAt = new Map();
  follower.socket.on('roomMessage', (message) => follower.roomMessageAt.set(Number(message.text.slice(1)), Date.now()));
  follower.socket.on('userOnline', () => follower.presenceAnnouncements++);
  follower.socket.on('userOffline', () => follower.presenceAnnouncements++);
  follower.socket.on('connect', () => {
    if (follower.socket.recovered) return;
    follower.rejoins++;
    follower.socket
      .timeout(5000)
      .emitWithAck('joinRoom', { room: 'deploy' })
      .catch(() => undefined);
  });
  return follower;
}

/** `count` followers through `url`, `batch` connecting at a time; the first `notified` are sent `toUser` notifications. */
async function followers(url, count, { prefix, notified = 0, batch = 25 }) {
  const all = [];
  for (let i = 0; i < count; i += batch) {
    const subs = Array.from({ length: Math.min(batch, count - i) }, (_, j) => i + j);
    all.push(...(await Promise.all(subs.map((index) => follow(connect, url, `${prefix}-${index}`, { notified: index < notified }).then(instrument)))));
  }
  return all;
}

/** Waits until every follower is connected (at most `ms`), then a moment for the last deliveries. */
async function settle(all, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && all.some((follower) => !follower.socket.connected)) await pause(100);
  await pause(1000);
}

/** Lost/duplicated/out-of-order of room messages and of notifications apart, from deliveryReport's perFollower. */
function byKind(report) {
  const sum = (kind, key) => report.perFollower.reduce((total, follower) => total + follower[kind][key], 0);
  return Object.fromEntries(['roomMessages', 'notifications'].map((kind) => [kind, { lost: sum(kind, 'lost'), duplicated: sum(kind, 'duplicated'), outOfOrder: sum(kind, 'outOfOrder') }]));
}

/** Which numbered messages each follower that missed some (or got some twice) did not get, with its reconnections: where a loss happened. */
function missedBy(all, sent) {
  const missing = (received, count) => {
    const seen = new Set(received);
    return Array.from({ length: count }, (_, i) => i + 1).filter((n) => !seen.has(n));
  };
  // When the others first got message n: about when it was sent.
  const firstAt = (n) => Math.min(...all.map((follower) => follower.roomMessageAt.get(n) ?? Infinity));
  /** Where a missed room message fell in the follower's connection: in its outage k, or while it was connected. */
  const when = (follower, n) => {
    const at = firstAt(n);
    const outage = follower.outages.findIndex(({ from, to }) => at >= from && at <= (to ?? Infinity));
    return { n, othersGotItAt: at, ...(outage >= 0 ? { duringOutage: outage, msIntoOutage: at - follower.outages[outage].from } : { whileConnected: true }) };
  };
  const twice = (received) => received.filter((n, i) => received.indexOf(n) !== i);
  return all
    .map((follower) => ({
      sub: follower.sub,
      roomMessages: missing(follower.roomMessages, sent.roomMessages).map((n) => when(follower, n)),
      twice: twice(follower.roomMessages),
      notificationsTwice: twice(follower.notifications),
      notifications: follower.notified ? missing(follower.notifications, sent.notifications) : [],
      reconnections: follower.reconnections,
      outages: follower.outages.map(({ from, to }) => ({ from, ms: to === undefined ? undefined : to - from })),
    }))
    .filter((follower) => [follower.roomMessages, follower.notifications, follower.twice, follower.notificationsTwice].some((numbers) => numbers.length > 0))
    .slice(0, 20);
}

function countBy(values) {
  const counts = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

/** deploy.ts's publish() names each failure `what: reason`. */
const reasonOf = (failure) => failure.slice(failure.indexOf(': ') + 2);
const whatOf = (failure) => failure.slice(0, failure.indexOf(': '));
/** Requests sent again after a timeout (`room #3`, `notification #3 to user-1`): they may have run. */
const resentAfterTimeout = (sent) => [...new Set(sent.failures.filter((failure) => /time/i.test(reasonOf(failure))).map(whatOf))];

/** Duplicates of messages the publisher sent again (after a timeout, or `any` reason): a resend that may have run. */
function duplicatedAfterResend(all, sent, { any = false } = {}) {
  const resent = new Set(any ? sent.failures.map(whatOf) : resentAfterTimeout(sent));
  const extra = (received, isResent) => received.filter((n, i) => received.indexOf(n) !== i && isResent(n)).length;
  return all.reduce(
    (total, follower) =>
      total + extra(follower.roomMessages, (n) => resent.has(`room #${n}`)) + extra(follower.notifications, (n) => resent.has(`notification #${n} to ${follower.sub}`)),
    0,
  );
}

function outageSummary(outagesMs) {
  return outagesMs.length ? { outages: outagesMs.length, p50Ms: percentile(outagesMs, 50), p95Ms: percentile(outagesMs, 95), maxMs: outagesMs[outagesMs.length - 1] } : { outages: 0 };
}

async function rollingRestart(app, redisUrl, count, notified) {
  const cluster = await startCluster(app, { REDIS_URL: redisUrl, JWT_SECRET: TEST_JWT_SECRET, WS_DRAIN_TIMEOUT_MS: String(DRAIN_TIMEOUT_MS) });
  const all = [];
  let publisher;
  try {
    const users = await followers(cluster.balancer.url, count, { prefix: 'user', notified });
    publisher = instrument(await follow(connect, cluster.balancer.url, 'publisher', { notified: false }));
    all.push(...users, publisher);
    // Only what the restart causes: the connects' own announcements are not counted (presence v2
    // batches its diffs over at most 1 s: they have all arrived after 1.5 s).
    await pause(1500);
    for (const follower of all) {
      follower.presenceAnnouncements = 0;
      follower.presenceDiffs.length = 0;
    }
    const stream = publish(
      publisher,
      cluster.balancer.url,
      users.filter((user) => user.notified).map((user) => user.sub),
      RESTART_INTERVAL_MS,
      { timeoutMs: REQUEST_TIMEOUT_MS },
    );
    await pause(2000);
    const restarts = [];
    for (const slot of [0, 1]) {
      const stopped = await cluster.stop(slot);
      const startedAt = performance.now();
      await cluster.start(slot);
      restarts.push({ slot, ...stopped, startMs: Math.round(performance.now() - startedAt) });
      process.stderr.write(`restart of instance ${slot}: exited in ${stopped.exitMs} ms (${stopped.exitReason}), started again in ${restarts.at(-1).startMs} ms\n`);
      await pause(3000);
    }
    const sent = await stream.stop();
    await settle(all);
    const report = deliveryReport(all, sent);
    return {
      followers: count,
      missed: missedBy(all, sent),
      notified,
      intervalMs: RESTART_INTERVAL_MS,
      // Why requests were sent again: refused or cut with a connection (ran nowhere), or timed out
      // (may have run: sending it again can deliver it twice).
      sent: { roomMessages: sent.roomMessages, notifications: sent.notifications, retries: sent.retries, failures: countBy(sent.failures.map(reasonOf)), resentAfterTimeout: resentAfterTimeout(sent) },
      duplicatedAfterTimedOutResend: duplicatedAfterResend(all, sent),
      // Duplicates of messages sent again for any reason (a request cut with its connection ran nowhere, deploy.ts assumes).
      duplicatedAfterAnyResend: duplicatedAfterResend(all, sent, { any: true }),
      expected: report.expected,
      delivered: 1 - report.lost / report.expected,
      lost: report.lost,
      duplicated: report.duplicated,
      outOfOrder: report.outOfOrder,
      byKind: byKind(report),
      disconnectedAtEnd: report.disconnectedNow.length,
      reconnections: report.reconnections,
      notRecovered: report.notRecovered,
      rejoins: all.reduce((total, follower) => total + follower.rejoins, 0),
      presenceDiffs: report.presenceDiffs,
      presenceV1Announcements: all.reduce((total, follower) => total + follower.presenceAnnouncements, 0),
      // The diffs the publisher received, each with how many joins and leaves and the first few users.
      presenceDiffsSeenByPublisher: publisher.presenceDiffs.slice(0, 10).map((diff) => ({
        joins: diff.joins?.length,
        leaves: diff.leaves?.length,
        sample: { joins: diff.joins?.slice(0, 5), leaves: diff.leaves?.slice(0, 5) },
      })),
      reconnect: outageSummary(report.outagesMs),
      restarts,
    };
  } finally {
    for (const follower of all) follower.socket.disconnect();
    await cluster.close();
  }
}

/**
 * `count` clients on `instance`, each through a balancer of its own; each one's connection cut
 * every DROP_PERIOD_MS (client i first at i/count of the period) and refused for DROP_OUTAGE_MS;
 * a publisher on the instance directly posts a room message every DROP_MESSAGE_INTERVAL_MS for
 * `seconds`.
 */
async function networkDrops(instance, count, seconds, prefix) {
  const balancers = [];
  const clients = [];
  const timers = [];
  let cuts = 0;
  try {
    for (let i = 0; i < count; i++) balancers.push(await startBalancer([instance.port]));
    for (let i = 0; i < count; i += 25) {
      const batch = balancers.slice(i, i + 25).map((balancer, j) => follow(connect, balancer.url, `${prefix}-${i + j}`, { notified: false }).then(instrument));
      clients.push(...(await Promise.all(batch)));
    }
    const publisher = await follow(connect, instance.url, `${prefix}-publisher`, { notified: false });
    const stream = publish(publisher, instance.url, [], DROP_MESSAGE_INTERVAL_MS, { timeoutMs: REQUEST_TIMEOUT_MS });
    const cut = (balancer) => {
      balancer.cut();
      balancer.refuseFor(DROP_OUTAGE_MS);
      cuts++;
    };
    balancers.forEach((balancer, i) => {
      timers.push(
        setTimeout(() => {
          cut(balancer);
          timers.push(setInterval(() => cut(balancer), DROP_PERIOD_MS));
        }, 1000 + Math.round((i / count) * DROP_PERIOD_MS)),
      );
    });
    await pause(seconds * 1000);
    timers.forEach((timer) => clearTimeout(timer));
    const sent = await stream.stop();
    await settle(clients);
    publisher.socket.disconnect();
    const report = deliveryReport(clients, sent);
    return {
      clients: count,
      seconds,
      messages: sent.roomMessages,
      cuts,
      expected: report.expected,
      delivered: 1 - report.lost / report.expected,
      lost: report.lost,
      duplicated: report.duplicated,
      outOfOrder: report.outOfOrder,
      reconnections: report.reconnections,
      recovered: report.reconnections - report.notRecovered,
      rejoins: clients.reduce((total, client) => total + client.rejoins, 0),
      disconnectedAtEnd: report.disconnectedNow.length,
      reconnect: outageSummary(report.outagesMs),
      // Where a server that recovers lost something: the first 20 clients that missed a message.
      missed: report.reconnections > report.notRecovered ? missedBy(clients, sent) : undefined,
    };
  } finally {
    timers.forEach((timer) => clearTimeout(timer));
    for (const client of clients) client.socket.disconnect();
    await Promise.all(balancers.map((balancer) => balancer.close()));
  }
}

function flushRedis(url) {
  execFileSync('redis-cli', ['-u', url, 'flushall'], { stdio: 'ignore' });
}

async function main() {
  const { values } = parseArgs({
    options: {
      followers: { type: 'string', default: '200' },
      notified: { type: 'string', default: '10' },
      'drop-clients': { type: 'string', default: '100' },
      'drop-seconds': { type: 'string', default: '45' },
      rounds: { type: 'string', default: '5' },
      subscribers: { type: 'string', default: '200' },
      messages: { type: 'string', default: '400' },
      only: { type: 'string', default: 'restart,drops,streams' },
      // An init app built by an earlier run (kept): saves its build when repeating the deploy parts.
      app: { type: 'string' },
    },
  });
  const [count, notified, dropClients, dropSeconds, rounds, subscribers, messages] = ['followers', 'notified', 'drop-clients', 'drop-seconds', 'rounds', 'subscribers', 'messages'].map((key) => Number(values[key]));
  const only = new Set(values.only.split(','));
  const redis = await ownRedis('runtime-deploy.mjs');
  if (!redis) {
    writeResults(RESULTS, { skipped: 'no redis-server', targets: [], reported: [] });
    return;
  }
  const made = [];
  const results = {};
  const targets = [];
  const reported = [];
  const phases = {};
  let phaseStarted = performance.now();
  const phaseDone = (name) => {
    phases[name] = Math.round((performance.now() - phaseStarted) / 100) / 10;
    process.stderr.write(`${name}: ${phases[name]} s\n`);
    phaseStarted = performance.now();
  };
  const report = (figure, ratio, spread) => reported.push({ figure, ratio: Math.round(ratio * 1000) / 1000, ...(spread && { spread }) });
  try {
    // Every app built at once, before anything is measured: the builds overlap their waits.
    const build = async (needed, make) => {
      if (!needed) return undefined;
      const dir = await make();
      made.push(dir);
      return dir;
    };
    const built = await Promise.allSettled([
      values.app ?? build(only.has('restart') || only.has('drops'), () => initApp('chat', { setup: addNotificationsController })),
      build(only.has('drops'), plainSocketIoApp),
      build(only.has('streams'), () => roomsApp('streams')),
      build(only.has('streams'), () => roomsApp('pubsub')),
    ]);
    const failed = built.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    const [app, plainApp, streamsApp, pubsubApp] = built.map((result) => result.value);
    phaseDone('build: the init app (+ notifications controller), plain socket.io, the room app with streams and with pubsub');

    if (only.has('restart')) {
      const restart = (results.rollingRestart = await rollingRestart(app, redis.url, count, notified));
      phaseDone('rolling restart');
      console.log(`\nRolling restart: ${count} followers in one room + a publisher through the balancer, 2 instances (init + feature chat + redis-adapter, streams), a room message every ${RESTART_INTERVAL_MS} ms and a toUser notification to ${notified} of the followers with each; instance 0 then 1 restarted (SIGTERM, start)\n`);
      printTable(
        ['figure', 'value'],
        [
          ['sent', `${restart.sent.roomMessages} room messages, ${restart.sent.notifications} × ${notified} notifications (${restart.sent.retries} requests sent again; after a ${REQUEST_TIMEOUT_MS / 1000} s timeout: ${restart.sent.resentAfterTimeout.length})`],
          ['delivered', `${percent(restart.delivered)} (${restart.expected - restart.lost} of ${restart.expected}; room messages lost ${restart.byKind.roomMessages.lost}, notifications lost ${restart.byKind.notifications.lost})`],
          ['duplicated (of messages sent again: after a timeout; any) / out of order', `${restart.duplicated} (${restart.duplicatedAfterTimedOutResend}; ${restart.duplicatedAfterAnyResend}) / ${restart.outOfOrder}`],
          ['reconnections (not recovered; re-joins)', `${restart.reconnections} (${restart.notRecovered}; ${restart.rejoins})`],
          ['reconnect outage p50 / p95 / max', restart.reconnect.outages ? `${restart.reconnect.p50Ms} / ${restart.reconnect.p95Ms} / ${restart.reconnect.maxMs} ms` : 'none'],
          ['presence diffs (v2) / userOnline+userOffline (v1)', `${restart.presenceDiffs} / ${restart.presenceV1Announcements}`],
          ['disconnected at the end', restart.disconnectedAtEnd],
          ...restart.restarts.map(({ slot, exitMs, exitReason, startMs }) => [`instance ${slot}: exit after SIGTERM; start`, `${exitMs} ms (${exitReason}); ${startMs} ms`]),
        ],
      );
      targets.push(
        checkTarget(`deploy: rolling restart, delivered ${percent(restart.delivered)} (${restart.lost} lost of ${restart.expected}; ${count} followers, 2 instances, streams)`, restart.delivered, 'at least', 1),
        checkTarget('deploy: rolling restart, messages received twice (count)', restart.duplicated, 'at most', 0),
        checkTarget('deploy: rolling restart, presence changes announced (count, v2 diffs + v1 events)', restart.presenceDiffs + restart.presenceV1Announcements, 'at most', 0),
      );
      report('deploy: rolling restart, messages out of order (count)', restart.outOfOrder);
      if (restart.reconnect.outages) {
        report('deploy: rolling restart, reconnect outage p50 (s)', restart.reconnect.p50Ms / 1000);
        report('deploy: rolling restart, reconnect outage p95 (s)', restart.reconnect.p95Ms / 1000);
      }
      report('deploy: rolling restart, slowest exit after SIGTERM (s)', Math.max(...restart.restarts.map((r) => r.exitMs)) / 1000);
      flushRedis(redis.url);
    }

    if (only.has('drops')) {
      const env = { JWT_SECRET: TEST_JWT_SECRET };
      const generated = await apps.startApp(app, { ...env, REDIS_URL: redis.url });
      const plain = await apps.startApp(plainApp, { ...env, WS_RECOVERY: 'off' });
      let drops;
      try {
        // Side by side in the same window: the same machine noise for both.
        const [ours, theirs] = await Promise.all([networkDrops(generated, dropClients, dropSeconds, 'gen'), networkDrops(plain, dropClients, dropSeconds, 'plain')]);
        drops = results.networkDrops = { generated: ours, plainSocketIo: theirs };
      } finally {
        await generated.stop();
        await plain.stop();
      }
      phaseDone('network drops');
      console.log(`\nNetwork drops: ${dropClients} clients per server, each behind its own balancer, its TCP cut every ${DROP_PERIOD_MS / 1000} s (staggered) and refused for ${DROP_OUTAGE_MS / 1000} s; a room message every ${DROP_MESSAGE_INTERVAL_MS} ms for ${dropSeconds} s; both servers at once\n`);
      printTable(
        ['server', 'cuts', 'delivered', 'lost', 'duplicated', 'out of order', 'recovered / reconnections', 're-joins', 'outage p50 / p95'],
        [
          ['generated (init, streams on Redis, 1 instance)', drops.generated],
          ['plain socket.io, defaults', drops.plainSocketIo],
        ].map(([label, row]) => [label, row.cuts, percent(row.delivered), row.lost, row.duplicated, row.outOfOrder, `${row.recovered} / ${row.reconnections}`, row.rejoins, row.reconnect.outages ? `${row.reconnect.p50Ms} / ${row.reconnect.p95Ms} ms` : '']),
      );
      console.log("\nplain socket.io's published figure in AnyCable's test: 84.6 % delivered");
      targets.push(checkTarget(`deploy: network drops, delivered ${percent(drops.generated.delivered)} (${drops.generated.lost} lost of ${drops.generated.expected}), generated app, ${dropClients} clients cut every ${DROP_PERIOD_MS / 1000} s`, drops.generated.delivered, 'at least', 1));
      report(`deploy: network drops, delivered ${percent(drops.plainSocketIo.delivered)}, plain socket.io defaults (AnyCable publishes 84.6 %)`, drops.plainSocketIo.delivered);
      report('deploy: network drops, generated app, messages received twice (count)', drops.generated.duplicated);
      flushRedis(redis.url);
    }

    if (only.has('streams')) {
      const setups = [
        { id: 'streams', label: 'streams ×2', dir: streamsApp, instances: 2 },
        { id: 'pubsub', label: 'pubsub ×2', dir: pubsubApp, instances: 2 },
        { id: 'single', label: '1 instance (in-memory)', dir: streamsApp, instances: 1 },
      ];
      // Each setup's instances are started once and warmed up, then measured in every round (the
      // rounds rotate the order): 5 starts instead of 15 keeps this part within the time budget.
      let measured;
      try {
        for (const setup of setups) {
          setup.servers = await startInstances(setup.dir, setup.instances, redis.url);
          await fanOut(setup.servers, 20, 20); // warm-up
        }
        measured = await measureInRounds(setups, rounds, ({ servers }) => fanOut(servers, subscribers, messages));
      } finally {
        for (const setup of setups) for (const server of setup.servers ?? []) await server.stop();
      }
      phaseDone('streams vs pubsub');
      const byId = Object.fromEntries(measured.map((row) => [row.id, row]));
      // Each variant runs once per round: the spread of a ratio over the rounds.
      const perRound = (a, b, key) => byId[a].runs.map((run, i) => run[key] / byId[b].runs[i][key]);
      const spread = (values) => `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;
      const ratios = {
        streamsVsSingle: perRound('streams', 'single', 'deliveriesPerSecond'),
        pubsubVsSingle: perRound('pubsub', 'single', 'deliveriesPerSecond'),
        streamsVsPubsub: perRound('streams', 'pubsub', 'deliveriesPerSecond'),
        cpuStreamsVsPubsub: perRound('streams', 'pubsub', 'serverCpuUsPerDelivery'),
      };
      const medians = Object.fromEntries(Object.entries(ratios).map(([key, values]) => [key, median(values)]));
      results.adapterKinds = { subscribers, messages, rounds, setups: Object.fromEntries(measured.map(({ id, label, instances, runs, dir, servers, ...figures }) => [id, { label, instances, ...figures, runs }])), ratios: medians, perRound: ratios };
      console.log(`\nstreams vs pubsub: the generated room app (rooms + redis-adapter), ${subscribers} subscribers in one room (split over the instances), ${messages} messages; medians of ${rounds} rotating rounds\n`);
      const streamsTarget = { ...checkTarget('deploy: streams, 2 instances vs 1 (deliveries/s)', medians.streamsVsSingle, 'at least', STREAMS_TARGET), spread: spread(ratios.streamsVsSingle) };
      printTable(
        ['setup', 'deliveries/s', 'p99', 'server CPU/delivery'],
        measured.map((row) => [row.label, Math.round(row.deliveriesPerSecond), `${row.p99Ms.toFixed(1)} ms`, `${row.serverCpuUsPerDelivery.toFixed(2)} µs`]),
      );
      console.log(
        `\nstreams ×2 / 1 instance: ${medians.streamsVsSingle.toFixed(2)} (rounds ${spread(ratios.streamsVsSingle)}; target ${targetCell(streamsTarget)})` +
          `\npubsub ×2 / 1 instance: ${medians.pubsubVsSingle.toFixed(2)} (rounds ${spread(ratios.pubsubVsSingle)})` +
          `\nstreams / pubsub deliveries/s: ${medians.streamsVsPubsub.toFixed(2)} (rounds ${spread(ratios.streamsVsPubsub)}); server CPU per delivery: ${medians.cpuStreamsVsPubsub.toFixed(2)} (rounds ${spread(ratios.cpuStreamsVsPubsub)})`,
      );
      targets.push(streamsTarget);
      report('deploy: streams vs pubsub, 2 instances, deliveries/s', medians.streamsVsPubsub, spread(ratios.streamsVsPubsub));
      report('deploy: streams vs pubsub, 2 instances, server CPU per delivery', medians.cpuStreamsVsPubsub, spread(ratios.cpuStreamsVsPubsub));
      report('deploy: pubsub, 2 instances vs 1 (deliveries/s)', medians.pubsubVsSingle, spread(ratios.pubsubVsSingle));
    }
  } finally {
    await redis.stop();
    for (const dir of made) await apps.removeTestApp(dir);
  }
  writeResults(RESULTS, { ...results, phasesSeconds: phases, targets, reported });
  console.log(`\nwritten to ${path.relative(ROOT, RESULTS)}`);
}

await main();
