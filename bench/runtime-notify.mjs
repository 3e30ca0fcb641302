#!/usr/bin/env node
// Pushing to a user from app code: an HTTP POST whose controller calls the generated
// `ChatNotifier.toUser(sub, 'notification', …)`, delivered to the user's two devices, one on each
// of two instances sharing a Redis of the benchmark's own (the Redis adapter carries it across),
// versus the tutorial pattern (bench/baselines/seed-notify: the controller emits through the
// gateway's `@WebSocketServer() server` to `user:<sub>`). p99 delivery latency, from sending the
// POST to the last of the user's sockets receiving it, and the server CPU per notification, both
// instances summed. Real apps, built and started; rounds alternate the two.
//
//   node bench/runtime-notify.mjs [--rounds=5] [--users=100] [--notifications=2000]
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../scripts/load-app-helpers.mjs';
import { openSockets } from './connect-load.mjs';
import { JWT_SECRET, addNotificationsController, apps, baselineApp, generatedApp, ownRedis, signToken } from './runtime-apps.mjs';
import { checkTarget, measureInRounds, percentile, printTable, processCpuMs, targetCell, writeResults } from './stats.mjs';

const RESULTS = path.join(ROOT, 'bench/results/notify.json');
/** POSTs in flight at a time. */
const IN_FLIGHT = 8;
/**
 * The generated notifier does what the tutorial's controller does (one emit to the user's room,
 * which the Redis adapter publishes to the other instance), behind one more call: it may cost no
 * more server CPU than the run-to-run noise of an HTTP request.
 */
const CPU_TARGET = 1.05;

const userOf = (index) => `user-${index}`;

/**
 * Connects every user once to each server (their devices), then POSTs `notifications`, user after
 * user, alternating the instance posted to, IN_FLIGHT at a time, and waits until every device has
 * every notification of its user. Fails if a device receives another user's notification or one
 * twice.
 */
async function notifyLoad(servers, users, notifications) {
  const devices = [];
  for (const server of servers) {
    const tokens = Array.from({ length: users }, (_, user) => signToken(userOf(user)));
    const { sockets } = await openSockets(`${server.url}/chat`, tokens, 50);
    devices.push(...sockets.map((socket, user) => ({ socket, user: userOf(user) })));
  }
  const pending = new Map();
  const latencies = [];
  let failure;
  let allDelivered;
  const done = new Promise((resolve, reject) => (allDelivered = (error) => (error ? reject(error) : resolve())));
  // Awaited once the POSTs are sent: a wrong delivery while they are in flight is raised there.
  done.catch(() => undefined);
  for (const { socket, user } of devices) {
    socket.on('notification', ({ message }) => {
      const sent = pending.get(message);
      if (!sent || sent.user !== user || sent.remaining === 0) {
        failure ??= new Error(`${user} received ${message}, meant for ${sent?.user ?? 'nobody'}${sent?.remaining === 0 ? ' (again)' : ''}`);
        return allDelivered(failure);
      }
      if (--sent.remaining === 0) {
        latencies.push(performance.now() - sent.at);
        if (latencies.length === notifications) allDelivered();
      }
    });
  }
  const cpuBefore = servers.map((server) => processCpuMs(server.pid));
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < notifications && !failure) {
      const index = next++;
      const message = `notification-${index}`;
      const user = userOf(index % users);
      pending.set(message, { user, remaining: servers.length, at: performance.now() });
      const response = await fetch(`${servers[index % servers.length].url}/notifications`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: user, message }),
      });
      await response.arrayBuffer();
      if (response.status !== 202) throw new Error(`POST /notifications answered ${response.status}`);
    }
  };
  let timer;
  try {
    await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
    const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`only ${latencies.length}/${notifications} delivered to every device`)), 60_000)));
    await Promise.race([done, timeout]);
  } finally {
    clearTimeout(timer);
    devices.forEach(({ socket }) => socket.disconnect());
  }
  const seconds = (performance.now() - started) / 1000;
  const cpuMs = servers.reduce((total, server, index) => total + processCpuMs(server.pid) - cpuBefore[index], 0);
  return { notificationsPerSecond: notifications / seconds, p99Ms: percentile(latencies, 99), serverCpuUsPerNotification: (cpuMs * 1000) / notifications };
}

async function main() {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, users: { type: 'string', default: '100' }, notifications: { type: 'string', default: '2000' } } });
  const [rounds, users, notifications] = [values.rounds, values.users, values.notifications].map(Number);
  const redis = await ownRedis('runtime-notify.mjs');
  if (!redis) return writeResults(RESULTS, { skipped: 'no redis-server', targets: [], reported: [] });
  let variants = [];
  let summary;
  try {
    variants = [
      {
        id: 'generated',
        label: 'A',
        describe: 'generated ChatNotifier.toUser (auth, notifier, redis-adapter)',
        dir: await generatedApp({ auth: { enabled: true }, notifier: { enabled: true } }, { moreCommands: [['notifier', 'chat'], ['redis-adapter']], setup: addNotificationsController }),
      },
      { id: 'seed', label: 'B', describe: "tutorial: gateway's server.to('user:' + sub).emit", dir: await baselineApp('seed-notify') },
    ];
    summary = await measureInRounds(variants, rounds, async (variant) => {
      // Both instances start at once; one that fails is stopped with the other.
      const started = await Promise.allSettled([0, 1].map(() => apps.startApp(variant.dir, { JWT_SECRET, REDIS_URL: redis.url })));
      const servers = started.filter((result) => result.status === 'fulfilled').map((result) => result.value);
      try {
        const failed = started.find((result) => result.status === 'rejected');
        if (failed) throw failed.reason;
        await notifyLoad(servers, users, 200); // warm-up: JIT, and every device in its user's room
        return await notifyLoad(servers, users, notifications);
      } finally {
        for (const server of servers) await server.stop();
      }
    });
  } finally {
    for (const variant of variants) await apps.removeTestApp(variant.dir);
    await redis.stop();
  }
  const [generated, seed] = summary;
  const spread = (figure) => {
    const ratios = generated.runs.map((run, round) => run[figure] / seed.runs[round][figure]);
    return `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
  };
  const cpu = { ...checkTarget('notify: server CPU per toUser notification (2 instances), generated vs tutorial', generated.serverCpuUsPerNotification / seed.serverCpuUsPerNotification, 'at most', CPU_TARGET), spread: spread('serverCpuUsPerNotification') };
  const reported = [
    { figure: 'notify: p99 delivery latency to both devices, generated vs tutorial', ratio: Math.round((generated.p99Ms / seed.p99Ms) * 1000) / 1000, spread: spread('p99Ms') },
    { figure: 'notify: notifications/s, generated vs tutorial', ratio: Math.round((generated.notificationsPerSecond / seed.notificationsPerSecond) * 1000) / 1000, spread: spread('notificationsPerSecond') },
  ];
  console.log(`\ntoUser: ${users} users with one device on each of 2 instances (1 Redis), ${notifications} POSTs (${IN_FLIGHT} in flight); medians of ${rounds} rounds\n`);
  printTable(
    ['', 'app', 'notifications/s', 'p99 (both devices)', 'server CPU/notification'],
    summary.map((row) => [row.label, row.describe, Math.round(row.notificationsPerSecond), `${row.p99Ms.toFixed(1)} ms`, `${Math.round(row.serverCpuUsPerNotification)} µs`]),
  );
  console.log('');
  console.log(`${cpu.figure}: ${cpu.ratio.toFixed(2)} (rounds ${cpu.spread}; target ${targetCell(cpu)})`);
  for (const { figure, ratio, spread: range } of reported) console.log(`${figure}: ${ratio.toFixed(2)} (rounds ${range}; no target)`);
  writeResults(RESULTS, {
    users,
    devicesPerUser: 2,
    notifications,
    inFlight: IN_FLIGHT,
    rounds,
    variants: Object.fromEntries(summary.map(({ id, describe, notificationsPerSecond, p99Ms, serverCpuUsPerNotification, runs }) => [id, { describe, notificationsPerSecond, p99Ms, serverCpuUsPerNotification, runs }])),
    targets: [cpu],
    reported,
  });
}

await main();
