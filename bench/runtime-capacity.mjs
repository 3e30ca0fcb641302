#!/usr/bin/env node
// Capacity, as Hashrocket's websocket-shootout measures it: the largest number of subscribers of one
// room for which 95 % of broadcasts reach every subscriber within 500 ms, on one instance. The
// generated room app (room handler + redis-adapter, started without REDIS_URL: the fan-out
// benchmark's A) versus plain socket.io doing the same work (bench/baselines/plain-socketio).
// Subscribers are added step by step (STEPS) to the same server; at each step a publisher posts
// BROADCASTS room messages, IN_FLIGHT at a time, and each broadcast's time is from its send until the
// last subscriber has it. The first step whose p95 exceeds 500 ms ends the climb; the capacity is the
// step before it. Rounds alternate the two servers.
//
// On this 2-core machine the subscribers' client process shares the cores with the server: the
// figures are the same load generator's limits on both servers, so the ratio is what compares them.
//
//   node bench/runtime-capacity.mjs [--rounds=2] [--broadcasts=40] [--max=10000]
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../scripts/load-app-helpers.mjs';
import { openSockets } from './connect-load.mjs';
import { JWT_SECRET, apps, generatedApp, plainSocketIoApp, signToken } from './runtime-apps.mjs';
import { checkTarget, measureInRounds, percentile, printTable, targetCell, writeResults } from './stats.mjs';

const TARGET = 0.9;
// About 10 % apart, so that one step is not a quarter of the figure it measures.
const STEPS = [250, 500, 750, 900, 1000, 1100, 1250, 1400, 1500, 1650, 1800, 2000, 2200, 2500, 2750, 3000, 3500, 4000, 4500, 5000, 6000, 7000, 8000, 10_000, 12_000];
const BAR_MS = 500;
const IN_FLIGHT = 4;
const ROOM = 'capacity';
const CONNECT_CONCURRENCY = 50;

/** Joins every socket to the room, CONNECT_CONCURRENCY at a time. */
async function joinAll(sockets) {
  let next = 0;
  const lane = async () => {
    while (next < sockets.length) {
      const ack = await sockets[next++].timeout(30_000).emitWithAck('joinRoom', { room: ROOM });
      if (!ack?.ok) throw new Error(`joinRoom refused: ${JSON.stringify(ack)}`);
    }
  };
  await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, lane));
}

/** Each of `count` broadcasts' time until every one of `subscribers` has it, IN_FLIGHT at a time. */
async function broadcastTimes(subscribers, count) {
  const pending = new Map(); // text -> { sentAt, left, done }
  const onMessage = ({ text }) => {
    const broadcast = pending.get(text);
    if (broadcast && --broadcast.left === 0) broadcast.done(performance.now() - broadcast.sentAt);
  };
  for (const socket of subscribers) socket.on('roomMessage', onMessage);
  const [publisher] = subscribers;
  const times = [];
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const text = `${subscribers.length}-${next++}`;
      const reached = new Promise((resolve) => pending.set(text, { sentAt: performance.now(), left: subscribers.length, done: resolve }));
      const ack = await publisher.timeout(60_000).emitWithAck('roomMessage', { room: ROOM, text });
      if (!ack?.ok) throw new Error(`roomMessage refused: ${JSON.stringify(ack)}`);
      times.push(await reached);
      pending.delete(text);
    }
  };
  try {
    await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  } finally {
    for (const socket of subscribers) socket.off('roomMessage', onMessage);
  }
  return times;
}

/** Climbs the steps on one server; returns the capacity and each step's p95. */
async function climb(server, broadcasts, max) {
  const sockets = [];
  const steps = [];
  let capacity = 0;
  try {
    for (const size of STEPS.filter((step) => step <= max)) {
      const tokens = Array.from({ length: size - sockets.length }, (_, i) => signToken(`capacity-${sockets.length + i}`));
      const { sockets: added } = await openSockets(`${server.url}/chat`, tokens, CONNECT_CONCURRENCY);
      await joinAll(added);
      sockets.push(...added);
      const p95Ms = percentile(await broadcastTimes(sockets, broadcasts), 95);
      steps.push(`${size}: ${Math.round(p95Ms)} ms`);
      if (p95Ms > BAR_MS) break;
      capacity = size;
    }
  } finally {
    sockets.forEach((socket) => socket.disconnect());
  }
  return { capacity, steps };
}

async function main() {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '2' }, broadcasts: { type: 'string', default: '40' }, max: { type: 'string', default: '12000' } } });
  const [rounds, broadcasts, max] = [values.rounds, values.broadcasts, values.max].map(Number);
  const variants = [
    { id: 'generated', label: 'A', describe: 'generated room handler + adapter (in memory)', dir: await generatedApp({ rooms: { enabled: true } }, { moreCommands: [['redis-adapter']] }) },
    { id: 'plain', label: 'B', describe: 'plain socket.io: same options, JWT, checks', dir: await plainSocketIoApp() },
  ];
  const stepsOf = { generated: [], plain: [] };
  let summary;
  try {
    summary = await measureInRounds(variants, rounds, async (variant) => {
      const server = await apps.startApp(variant.dir, { JWT_SECRET, REDIS_URL: '' });
      try {
        const { capacity, steps } = await climb(server, broadcasts, max);
        stepsOf[variant.id].push(steps.join(', '));
        return { capacity };
      } finally {
        await server.stop();
      }
    });
  } finally {
    for (const variant of variants) await apps.removeTestApp(variant.dir);
  }
  const [generated, plain] = summary;
  const ratios = generated.runs.map((run, round) => run.capacity / plain.runs[round].capacity);
  const checked = {
    ...checkTarget(`capacity: room subscribers with 95 % of broadcasts to all within ${BAR_MS} ms, generated vs plain socket.io`, generated.capacity / plain.capacity, 'at least', TARGET),
    spread: `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`,
  };
  console.log(`\nCapacity: subscribers of one room, ${broadcasts} broadcasts per step (${IN_FLIGHT} in flight), p95 to the last subscriber ≤ ${BAR_MS} ms; medians of ${rounds} rounds\n`);
  printTable(
    ['', 'server', 'capacity', 'p95 per step (each round)'],
    summary.map((row) => [row.label, row.describe, row.capacity, stepsOf[row.id].join(' | ')]),
  );
  console.log(`\n${checked.figure}: ${checked.ratio.toFixed(2)} (rounds ${checked.spread}; target ${targetCell(checked)})`);
  writeResults(path.join(ROOT, 'bench/results/capacity.json'), {
    broadcastsPerStep: broadcasts,
    inFlight: IN_FLIGHT,
    barMs: BAR_MS,
    rounds,
    variants: Object.fromEntries(summary.map(({ id, describe, capacity, runs }) => [id, { describe, capacity, runs, steps: stepsOf[id] }])),
    targets: [checked],
  });
}

await main();
