#!/usr/bin/env node
// Room fan-out: ≥200 subscribers in one room, one of them posting a fixed number of roomMessages
// (a few in flight). Deliveries/s and p99 delivery latency of the generated app (room handler and
// adapter) versus the seeds' hand-written room gateway and a plain socket.io server with the same
// events, and the generated handler alone on Nest's IoAdapter. Real apps, built and started; rounds
// rotate the order.
//
//   node bench/runtime-fanout.mjs [--rounds=7] [--subscribers=200] [--messages=1000]
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../scripts/load-app-helpers.mjs';
import { IN_FLIGHT, fanOut } from './room-load.mjs';
import { apps, baselineApp, generatedApp, plainSocketIoApp } from './runtime-apps.mjs';
import { checkTarget, measureInRounds, printTable, targetCell, writeResults } from './stats.mjs';

const TARGETS = { seed: 1.0, plain: 0.8 };

async function main() {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '7' }, subscribers: { type: 'string', default: '200' }, messages: { type: 'string', default: '1000' } } });
  const [rounds, subscribers, messages] = [values.rounds, values.subscribers, values.messages].map(Number);
  const variants = [
    // The app as a team runs it: room handler + redis-adapter (started without REDIS_URL: one
    // instance, in-memory). D is the same handler on Nest's own IoAdapter, to show what each adds.
    {
      id: 'generated',
      label: 'A',
      describe: 'generated room handler + adapter (validated, filtered)',
      dir: await generatedApp({ rooms: { enabled: true } }, { moreCommands: [['redis-adapter']] }),
    },
    { id: 'seed', label: 'B', describe: "seeds' room gateway", dir: await baselineApp('seed-rooms') },
    { id: 'plain', label: 'C', describe: 'plain socket.io, same events', dir: await plainSocketIoApp() },
    { id: 'withoutAdapter', label: 'D', describe: "generated room handler on Nest's IoAdapter", dir: await generatedApp({ rooms: { enabled: true } }) },
  ];
  let summary;
  try {
    summary = await measureInRounds(variants, rounds, async (variant) => {
      const server = await apps.startApp(variant.dir, { REDIS_URL: undefined });
      try {
        await fanOut([server], 20, 20); // warm-up
        return await fanOut([server], subscribers, messages);
      } finally {
        await server.stop();
      }
    });
  } finally {
    for (const variant of variants) await apps.removeTestApp(variant.dir);
  }
  const [generated, ...others] = summary;
  const baselines = others.filter((row) => TARGETS[row.id] !== undefined);
  const targets = baselines.map((row) =>
    checkTarget(`fan-out: deliveries/s, generated vs ${row.describe}`, generated.deliveriesPerSecond / row.deliveriesPerSecond, 'at least', TARGETS[row.id]),
  );
  console.log(`\nRoom fan-out: ${subscribers} subscribers in one room, ${messages} messages (${IN_FLIGHT} in flight); medians of ${rounds} rounds\n`);
  printTable(
    // At parity the deliveries/s ratio lands on either side of 1 by chance: CPU per delivery, A's
    // over the baseline's, says which server costs more (bench/README.md, "Room fan-out").
    ['', 'server', 'deliveries/s', 'p99', 'server CPU/delivery', 'A vs it', 'target', 'A CPU/delivery vs it'],
    summary.map((row) => {
      const checked = targets[baselines.indexOf(row)];
      const compared = row !== generated;
      return [
        row.label,
        row.describe,
        Math.round(row.deliveriesPerSecond),
        `${row.p99Ms.toFixed(1)} ms`,
        `${row.serverCpuUsPerDelivery.toFixed(2)} µs`,
        compared ? (generated.deliveriesPerSecond / row.deliveriesPerSecond).toFixed(2) : '',
        checked ? targetCell(checked) : '',
        compared ? (generated.serverCpuUsPerDelivery / row.serverCpuUsPerDelivery).toFixed(2) : '',
      ];
    }),
  );
  writeResults(path.join(ROOT, 'bench/results/fanout.json'), {
    subscribers,
    messages,
    inFlight: IN_FLIGHT,
    rounds,
    variants: Object.fromEntries(summary.map(({ id, describe, deliveriesPerSecond, p99Ms, serverCpuUsPerDelivery, runs }) => [id, { describe, deliveriesPerSecond, p99Ms, serverCpuUsPerDelivery, runs }])),
    targets,
  });
}

await main();
