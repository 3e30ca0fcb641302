#!/usr/bin/env node
// Memory per idle connection: the growth of the server's resident memory (VmRSS) over thousands
// of idle authenticated connections, divided by their number. The generated app as `init` sets it
// up (auth, rooms, presence and rate limiting on, redis-adapter, REDIS_URL set to a Redis of the
// benchmark's own) versus plain socket.io doing the same auth (bench/baselines/plain-socketio:
// the JWT verified in namespace middleware, the socket joined to `user:<sub>`). Rounds alternate.
//
//   node bench/runtime-memory.mjs [--rounds=3] [--connections=5000] [--devices=10] [--breakdown]
//
// Users have `--devices` connections each, every user's first device connected before anyone's
// second: presence announces each user's first connection to every client of the namespace, so N
// users arriving cost about N²/2 deliveries (5,000 users: 12.5 million, minutes of CPU here),
// and 5,000 connections of 500 users 125,000. `--breakdown` adds the generated app with presence,
// rate limiting or rooms turned off, one at a time.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../scripts/load-app-helpers.mjs';
import { openSockets } from './connect-load.mjs';
import { JWT_SECRET, apps, initFeaturesApp, ownRedis, plainSocketIoApp, signToken } from './runtime-apps.mjs';
import { checkTarget, measureInRounds, median, printTable, processCpuMs, targetCell, writeResults } from './stats.mjs';

const RESULTS = path.join(ROOT, 'bench/results/memory.json');
const TARGET = 1.0;
const CONCURRENCY = 50;
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The process's resident memory in bytes, from /proc/<pid>/status. */
function rssBytes(pid) {
  const [, kilobytes] = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB$/m);
  return Number(kilobytes) * 1024;
}

/**
 * The server's resident memory once it has settled: after its CPU use falls below 5% over half a
 * second (presence announcements and Redis replies done; at most 10 s), the median of 5 samples
 * 200 ms apart.
 */
async function settledRss(pid) {
  for (let waited = 0; waited < 10_000; waited += 500) {
    const before = processCpuMs(pid);
    await pause(500);
    if (processCpuMs(pid) - before < 25) break;
  }
  const samples = [];
  for (let i = 0; i < 5; i++) {
    samples.push(rssBytes(pid));
    await pause(200);
  }
  return median(samples);
}

/** `devices` connections per user, every user's first device before anyone's second. */
function tokensFor(connections, devices) {
  const users = Math.ceil(connections / devices);
  return Array.from({ length: connections }, (_, i) => signToken(`user-${i % users}`));
}

async function measure(server, connections, devices) {
  // Warm-up: JIT and the socket.io paths a connection takes, before the baseline is read.
  const warmUp = await openSockets(`${server.url}/chat`, tokensFor(50, 1), CONCURRENCY);
  warmUp.sockets.forEach((socket) => socket.disconnect());
  const before = await settledRss(server.pid);
  const { sockets } = await openSockets(`${server.url}/chat`, tokensFor(connections, devices), CONCURRENCY);
  try {
    const after = await settledRss(server.pid);
    return { rssBeforeMb: before / 2 ** 20, rssAfterMb: after / 2 ** 20, kbPerConnection: (after - before) / 1024 / connections };
  } finally {
    sockets.forEach((socket) => socket.disconnect());
  }
}

/** The generated app with `init`'s features, some turned off (`without`), started with REDIS_URL. */
function generatedVariant(id, label, without = []) {
  return async () => ({ id, label, redis: true, ...(await initFeaturesApp(without)) });
}

async function main() {
  const { values } = parseArgs({
    options: { rounds: { type: 'string', default: '3' }, connections: { type: 'string', default: '5000' }, devices: { type: 'string', default: '10' }, breakdown: { type: 'boolean', default: false } },
  });
  const [rounds, connections, devices] = [values.rounds, values.connections, values.devices].map(Number);
  const redis = await ownRedis('runtime-memory.mjs');
  if (!redis) return writeResults(RESULTS, { skipped: 'no redis-server', targets: [], reported: [] });
  const builders = [
    generatedVariant('generated', 'A'),
    async () => ({ id: 'plain', label: 'B', describe: 'plain socket.io: JWT middleware, user room', dir: await plainSocketIoApp() }),
    ...(values.breakdown
      ? [generatedVariant('noPresence', 'C', ['presence']), generatedVariant('noRateLimit', 'D', ['rateLimit']), generatedVariant('noRooms', 'E', ['rooms'])]
      : []),
  ];
  const variants = [];
  let summary;
  try {
    for (const build of builders) variants.push(await build());
    summary = await measureInRounds(variants, rounds, async (variant) => {
      execFileSync('redis-cli', ['-u', redis.url, 'flushall']);
      const server = await apps.startApp(variant.dir, { JWT_SECRET, REDIS_URL: variant.redis ? redis.url : '' });
      try {
        return await measure(server, connections, devices);
      } finally {
        await server.stop();
      }
    });
  } finally {
    for (const variant of variants) await apps.removeTestApp(variant.dir);
    await redis.stop();
  }
  const byId = Object.fromEntries(summary.map((row) => [row.id, row]));
  const { generated, plain } = byId;
  const spread = (row) => {
    const ratios = row.runs.map((run, round) => run.kbPerConnection / plain.runs[round].kbPerConnection);
    return `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
  };
  const checked = { ...checkTarget('memory: RSS per idle authenticated connection, generated vs plain socket.io', generated.kbPerConnection / plain.kbPerConnection, 'at most', TARGET), spread: spread(generated) };
  console.log(`\nMemory per idle connection: ${connections} authenticated connections (${devices} per user, ${CONCURRENCY} connecting at a time); medians of ${rounds} rounds\n`);
  printTable(
    ['', 'server', 'RSS before', 'RSS after', 'per connection', 'vs plain', 'per round'],
    summary.map((row) => [
      row.label,
      row.describe,
      `${row.rssBeforeMb.toFixed(1)} MB`,
      `${row.rssAfterMb.toFixed(1)} MB`,
      `${row.kbPerConnection.toFixed(1)} kB`,
      row === plain ? '' : (row.kbPerConnection / plain.kbPerConnection).toFixed(2),
      row === plain ? '' : spread(row),
    ]),
  );
  console.log(`\n${checked.figure}: ${checked.ratio.toFixed(2)} (rounds ${checked.spread}; target ${targetCell(checked)})`);
  writeResults(RESULTS, {
    connections,
    devicesPerUser: devices,
    concurrency: CONCURRENCY,
    rounds,
    variants: Object.fromEntries(summary.map(({ id, describe, rssBeforeMb, rssAfterMb, kbPerConnection, runs }) => [id, { describe, rssBeforeMb, rssAfterMb, kbPerConnection, runs }])),
    targets: [checked],
    reported: summary.filter((row) => row !== generated && row !== plain).map((row) => ({ figure: `memory: per connection, ${row.describe} vs plain socket.io`, ratio: Math.round((row.kbPerConnection / plain.kbPerConnection) * 1000) / 1000, spread: spread(row) })),
  });
}

await main();
