#!/usr/bin/env node
// Authenticated connections with presence on versus off: the same generated app (gateway with
// auth + redis-adapter, REDIS_URL set to a Redis of the benchmark's own, so presence keeps its
// counts in Redis), once with `presence chat` and once without. With presence, every connection
// runs the store's connect script, and each instance sends the changes of a diff window
// (`presenceDiff`, 250 ms by default) to every client of the namespace in one broadcast, instead
// of one message per arrival. Connections/s, handshake p50/p99, server CPU per connection and
// presence writes per arrival (the presence messages the clients received, counted until a
// second after the last arrival: each is one socket write of the server's); rounds alternate the
// two. `--breakdown` adds presence on with every connection a device of one user (one join in all).
//
//   node bench/runtime-presence.mjs [--rounds=3] [--connections=600] [--concurrency=16] [--breakdown]
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../scripts/load-app-helpers.mjs';
import { io } from 'socket.io-client';
import { connectAll, refusesBadToken } from './connect-load.mjs';
import { JWT_SECRET, apps, connect, generatedApp, ownRedis, signToken } from './runtime-apps.mjs';
import { checkTarget, measureInRounds, percentile, printTable, processCpuMs, targetCell, writeResults } from './stats.mjs';

const RESULTS = path.join(ROOT, 'bench/results/presence.json');
const TARGET = 0.8;
/** Presence's server events, today's and the per-user ones it replaced (to measure an older app with the same script). */
const PRESENCE_EVENTS = ['presenceDiff', 'userOnline', 'userOffline'];
/** How long after the last arrival the clients keep counting: the last diff window's broadcast, with room to spare. */
const LAST_WINDOW_MS = 1000;

/**
 * connectAll's load (connect-load.mjs: one socket per token, `concurrency` connecting at a time,
 * kept open; the same figures), with every client counting the presence messages it receives,
 * from before its handshake until LAST_WINDOW_MS after the last arrival.
 */
async function connectCountingPresence(server, connections, concurrency, userOf = (i) => `user-${i}`) {
  const tokens = Array.from({ length: connections }, (_, i) => signToken(userOf(i)));
  const sockets = [];
  const latencies = [];
  let presenceWrites = 0;
  const open = (token) =>
    new Promise((resolve, reject) => {
      const socket = io(`${server.url}/chat`, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token } });
      sockets.push(socket);
      for (const event of PRESENCE_EVENTS) socket.on(event, () => presenceWrites++);
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
  let next = 0;
  const lane = async () => {
    while (next < tokens.length) {
      const at = performance.now();
      await open(tokens[next++]);
      latencies.push(performance.now() - at);
    }
  };
  const cpuBefore = processCpuMs(server.pid);
  const started = performance.now();
  try {
    await Promise.all(Array.from({ length: concurrency }, lane));
    const seconds = (performance.now() - started) / 1000;
    const cpuMs = processCpuMs(server.pid) - cpuBefore;
    await new Promise((resolve) => setTimeout(resolve, LAST_WINDOW_MS));
    return {
      connectionsPerSecond: connections / seconds,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      serverCpuUsPerConnection: (cpuMs * 1000) / connections,
      presenceWritesPerArrival: presenceWrites / connections,
    };
  } finally {
    // After the figures: disconnections are not part of what is measured.
    sockets.forEach((socket) => socket.disconnect());
  }
}

/** Proof that presence is on: a connected user is listed by `onlineUsers`. */
async function listsOnlineUser(server) {
  const socket = await connect(`${server.url}/chat`, { auth: { token: signToken('presence-check') } });
  try {
    const ack = await socket.timeout(5_000).emitWithAck('onlineUsers', {});
    return ack?.ok === true && ack.data.userIds.includes('presence-check');
  } finally {
    socket.disconnect();
  }
}

async function main() {
  const { values } = parseArgs({
    options: { rounds: { type: 'string', default: '3' }, connections: { type: 'string', default: '600' }, concurrency: { type: 'string', default: '16' }, breakdown: { type: 'boolean', default: false } },
  });
  const [rounds, connections, concurrency] = [values.rounds, values.connections, values.concurrency].map(Number);
  const redis = await ownRedis('runtime-presence.mjs');
  if (!redis) return writeResults(RESULTS, { skipped: 'no redis-server', targets: [], reported: [] });
  let variants = [];
  let summary;
  try {
    variants = [
      {
        id: 'presence',
        label: 'A',
        describe: 'generated, presence on (auth, presence, redis-adapter)',
        presence: true,
        dir: await generatedApp({ auth: { enabled: true }, presence: { enabled: true } }, { moreCommands: [['presence', 'chat'], ['redis-adapter']] }),
      },
      { id: 'noPresence', label: 'B', describe: 'generated, presence off (auth, redis-adapter)', dir: await generatedApp({ auth: { enabled: true } }, { moreCommands: [['redis-adapter']] }) },
    ];
    if (values.breakdown) {
      variants.push({ ...variants[0], id: 'oneUser', label: 'C', describe: 'A, every connection a device of one user', userOf: () => 'one-user', copy: true });
    }
    summary = await measureInRounds(variants, rounds, async (variant) => {
      // Every round starts from an empty Redis: no presence counts left by an earlier round.
      execFileSync('redis-cli', ['-u', redis.url, 'flushall']);
      const server = await apps.startApp(variant.dir, { JWT_SECRET, REDIS_URL: redis.url });
      try {
        if (!(await refusesBadToken(server))) throw new Error(`${variant.describe} accepted a bad token`);
        if (variant.presence && !(await listsOnlineUser(server))) throw new Error(`${variant.describe}: onlineUsers does not list a connected user`);
        await connectAll(server, 50, concurrency, (i) => `warm-up-${i}`); // warm-up: JIT
        return await connectCountingPresence(server, connections, concurrency, variant.userOf);
      } finally {
        await server.stop();
      }
    });
  } finally {
    for (const variant of variants.filter((variant) => !variant.copy)) await apps.removeTestApp(variant.dir);
    await redis.stop();
  }
  const [presence, noPresence, oneUser] = summary;
  const range = (values) => `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;
  const spread = (figure, row = presence) => range(row.runs.map((run, round) => run[figure] / noPresence.runs[round][figure]));
  const checked = {
    ...checkTarget('presence: authenticated connections/s, presence on vs off', presence.connectionsPerSecond / noPresence.connectionsPerSecond, 'at least', TARGET),
    spread: spread('connectionsPerSecond'),
  };
  const reported = [
    {
      // A count, not a ratio (bench/run-all.mjs lists every reported figure in its ratio column).
      figure: 'presence: socket writes per arrival, presence on (a count: presence messages the clients received ÷ connections)',
      ratio: Math.round(presence.presenceWritesPerArrival * 100) / 100,
      spread: range(presence.runs.map((run) => run.presenceWritesPerArrival)),
    },
    { figure: 'presence: server CPU per connection, on vs off', ratio: Math.round((presence.serverCpuUsPerConnection / noPresence.serverCpuUsPerConnection) * 1000) / 1000, spread: spread('serverCpuUsPerConnection') },
    ...(oneUser
      ? [
          { figure: 'presence: connections/s, on (one user, one announcement) vs off', ratio: Math.round((oneUser.connectionsPerSecond / noPresence.connectionsPerSecond) * 1000) / 1000, spread: spread('connectionsPerSecond', oneUser) },
          { figure: 'presence: server CPU per connection, on (one user) vs off', ratio: Math.round((oneUser.serverCpuUsPerConnection / noPresence.serverCpuUsPerConnection) * 1000) / 1000, spread: spread('serverCpuUsPerConnection', oneUser) },
        ]
      : []),
  ];
  console.log(`\nPresence on vs off: ${connections} clients, each its own user, ${concurrency} connecting at a time, kept open; medians of ${rounds} rounds\n`);
  printTable(
    ['', 'app', 'connections/s', 'p50', 'p99', 'server CPU/connection', 'presence writes/arrival'],
    summary.map((row) => [row.label, row.describe, Math.round(row.connectionsPerSecond), `${row.p50Ms.toFixed(1)} ms`, `${row.p99Ms.toFixed(1)} ms`, `${Math.round(row.serverCpuUsPerConnection)} µs`, row.presenceWritesPerArrival.toFixed(2)]),
  );
  console.log(`\n${checked.figure}: ${checked.ratio.toFixed(2)} (rounds ${checked.spread}; target ${targetCell(checked)})`);
  for (const { figure, ratio, spread: rounds } of reported) console.log(`${figure}: ${ratio.toFixed(2)} (rounds ${rounds}; no target)`);
  writeResults(RESULTS, {
    connections,
    concurrency,
    rounds,
    variants: Object.fromEntries(
      summary.map(({ id, describe, connectionsPerSecond, p50Ms, p99Ms, serverCpuUsPerConnection, presenceWritesPerArrival, runs }) => [
        id,
        { describe, connectionsPerSecond, p50Ms, p99Ms, serverCpuUsPerConnection, presenceWritesPerArrival, runs },
      ]),
    ),
    targets: [checked],
    reported,
  });
}

await main();
