#!/usr/bin/env node
// Room fan-out: ≥200 subscribers in one room, one of them posting a fixed number of roomMessages
// (a few in flight). Deliveries/s, p99 delivery latency and server CPU per delivery of the
// generated app (room handler and adapter) versus the seeds' room gateway as written (no
// validation), the same gateway validated the way seed 003 teaches (ValidationPipe) and plain
// socket.io doing the same work by hand (the ceiling); and the generated app again with rate
// limiting on, at a limit the load stays under (what the guard costs when it refuses nothing).
// Real apps, built and started; rounds rotate the order.
//
//   node bench/runtime-fanout.mjs [--rounds=7] [--subscribers=200] [--messages=1000]
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../scripts/load-app-helpers.mjs';
import { IN_FLIGHT, fanOut } from './room-load.mjs';
import { JWT_SECRET, apps, baselineApp, connect, generatedApp, plainSocketIoApp, signToken } from './runtime-apps.mjs';
import { checkTarget, measureInRounds, printTable, targetCell, writeResults } from './stats.mjs';

/** What the ValidationPipe baseline needs beyond the app (exact: the cached app hashes it). */
const CLASS_TRANSFORMER = 'class-transformer@0.5.1';

/**
 * Proof that a variant which claims to validate does: an empty text is refused, through the ack
 * or (Nest's own exception filter, without one of ours) as an `exception` event.
 */
async function refusesInvalidPayload(server) {
  const socket = await connect(`${server.url}/chat`, { auth: { token: signToken('validation-check') } });
  try {
    await socket.timeout(5_000).emitWithAck('joinRoom', { room: 'check' });
    const exception = new Promise((resolve) => socket.once('exception', () => resolve('exception')));
    const ack = socket.timeout(2_000).emitWithAck('roomMessage', { room: 'check', text: '' }).catch(() => undefined);
    const answer = await Promise.race([ack, exception]);
    return answer === 'exception' || answer?.ok === false;
  } finally {
    socket.disconnect();
  }
}

/**
 * Proof that the rate-limited variant limits: one connection sending `points` + 1 events (a join
 * and `points` messages) gets the last refused with RATE_LIMITED, and the ones before it served.
 */
async function refusesOverLimit(server, points) {
  const socket = await connect(`${server.url}/chat`, { auth: { token: signToken('limit-check') } });
  try {
    await socket.timeout(5_000).emitWithAck('joinRoom', { room: 'limit-check' });
    const acks = await Promise.all(Array.from({ length: points }, (_, i) => socket.timeout(10_000).emitWithAck('roomMessage', { room: 'limit-check', text: String(i) })));
    return acks.slice(0, -1).every((ack) => ack?.ok) && acks.at(-1)?.error?.code === 'RATE_LIMITED';
  } finally {
    socket.disconnect();
  }
}

async function main() {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '7' }, subscribers: { type: 'string', default: '200' }, messages: { type: 'string', default: '1000' } } });
  const [rounds, subscribers, messages] = [values.rounds, values.subscribers, values.messages].map(Number);
  const variants = [
    // The app as a team runs it: room handler + redis-adapter (started without REDIS_URL: one
    // instance, in-memory).
    {
      id: 'generated',
      label: 'A',
      describe: 'generated room handler + adapter (validated, filtered)',
      validates: true,
      dir: await generatedApp({ rooms: { enabled: true } }, { moreCommands: [['redis-adapter']] }),
    },
    { id: 'seed', label: 'B', describe: "seeds' room gateway (no validation)", dir: await baselineApp('seed-rooms') },
    {
      id: 'seedValidated',
      label: 'C',
      describe: "seeds' room gateway + ValidationPipe (seed 003)",
      validates: true,
      dir: await baselineApp('seed-rooms-validated', { packages: [CLASS_TRANSFORMER] }),
    },
    { id: 'plain', label: 'D', describe: 'plain socket.io: same options, JWT, checks', validates: true, dir: await plainSocketIoApp() },
    // A with `rateLimit` on. Each connection of the load sends at most a join and `messages` posts
    // (the publisher), so a window as long as the run with `messages` + 50 points never refuses one.
    {
      id: 'rateLimited',
      label: 'E',
      describe: 'A + rate limit on (never reached)',
      validates: true,
      ratePoints: messages + 50,
      dir: await generatedApp({ rooms: { enabled: true }, rateLimit: { enabled: true, points: messages + 50, durationMs: 600_000 } }, { moreCommands: [['redis-adapter']] }),
    },
  ];
  let summary;
  try {
    summary = await measureInRounds(variants, rounds, async (variant) => {
      const server = await apps.startApp(variant.dir, { REDIS_URL: undefined, JWT_SECRET });
      try {
        if (variant.validates && !(await refusesInvalidPayload(server))) throw new Error(`${variant.describe} accepted an invalid payload`);
        if (variant.ratePoints && !(await refusesOverLimit(server, variant.ratePoints))) throw new Error(`${variant.describe} did not refuse the event over its limit`);
        await fanOut([server], 20, 20); // warm-up
        return await fanOut([server], subscribers, messages);
      } finally {
        await server.stop();
      }
    });
  } finally {
    for (const variant of variants) await apps.removeTestApp(variant.dir);
  }
  const byId = Object.fromEntries(summary.map((row) => [row.id, row]));
  const generated = byId.generated;
  const deliveries = (row) => generated.deliveriesPerSecond / row.deliveriesPerSecond;
  const cpu = (row) => generated.serverCpuUsPerDelivery / row.serverCpuUsPerDelivery;
  // Rounds pair up (each variant runs once per round): the spread of a ratio over them.
  const spread = (row, figure) => {
    const ratios = generated.runs.map((run, round) => run[figure] / row.runs[round][figure]);
    return `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
  };
  // The same over the rounds, of `row` over A (rate limit on vs off).
  const inverseSpread = (row, figure) => {
    const ratios = generated.runs.map((run, round) => row.runs[round][figure] / run[figure]);
    return `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
  };
  const targets = [
    { ...checkTarget(`fan-out: deliveries/s, generated vs ${byId.seedValidated.describe}`, deliveries(byId.seedValidated), 'at least', 1.0), spread: spread(byId.seedValidated, 'deliveriesPerSecond') },
    { ...checkTarget(`fan-out: server CPU per delivery, generated vs ${byId.plain.describe}`, cpu(byId.plain), 'at most', 1.15), spread: spread(byId.plain, 'serverCpuUsPerDelivery') },
    {
      ...checkTarget('fan-out: deliveries/s, generated with rate limit on vs off', 1 / deliveries(byId.rateLimited), 'at least', 0.97),
      spread: inverseSpread(byId.rateLimited, 'deliveriesPerSecond'),
    },
  ];
  // Reported beside the targets, without one: the seed as written does less work than ours.
  const reported = [
    { figure: `fan-out: deliveries/s, generated vs ${byId.seed.describe}`, ratio: Math.round(deliveries(byId.seed) * 1000) / 1000, spread: spread(byId.seed, 'deliveriesPerSecond') },
    {
      figure: 'fan-out: server CPU per delivery, generated with rate limit on vs off',
      ratio: Math.round((1 / cpu(byId.rateLimited)) * 1000) / 1000,
      spread: inverseSpread(byId.rateLimited, 'serverCpuUsPerDelivery'),
    },
  ];
  console.log(`\nRoom fan-out: ${subscribers} subscribers in one room, ${messages} messages (${IN_FLIGHT} in flight); medians of ${rounds} rounds\n`);
  printTable(
    // At parity the deliveries/s ratio lands on either side of 1 by chance: CPU per delivery, A's
    // over the baseline's, says which server costs more (bench/README.md, "Room fan-out").
    ['', 'server', 'deliveries/s', 'p99', 'server CPU/delivery', 'A vs it', 'per round', 'A CPU/delivery vs it', 'per round'],
    summary.map((row) => {
      const compared = row !== generated;
      return [
        row.label,
        row.describe,
        Math.round(row.deliveriesPerSecond),
        `${row.p99Ms.toFixed(1)} ms`,
        `${row.serverCpuUsPerDelivery.toFixed(2)} µs`,
        compared ? deliveries(row).toFixed(2) : '',
        compared ? spread(row, 'deliveriesPerSecond') : '',
        compared ? cpu(row).toFixed(2) : '',
        compared ? spread(row, 'serverCpuUsPerDelivery') : '',
      ];
    }),
  );
  console.log('');
  for (const checked of targets) console.log(`${checked.figure}: ${checked.ratio.toFixed(2)} (target ${targetCell(checked)})`);
  for (const { figure, ratio, spread: range } of reported) console.log(`${figure}: ${ratio.toFixed(2)} (rounds ${range}; no target)`);
  writeResults(path.join(ROOT, 'bench/results/fanout.json'), {
    subscribers,
    messages,
    inFlight: IN_FLIGHT,
    rounds,
    variants: Object.fromEntries(summary.map(({ id, describe, deliveriesPerSecond, p99Ms, serverCpuUsPerDelivery, runs }) => [id, { describe, deliveriesPerSecond, p99Ms, serverCpuUsPerDelivery, runs }])),
    targets,
    reported,
  });
}

await main();
