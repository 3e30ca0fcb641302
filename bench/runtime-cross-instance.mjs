#!/usr/bin/env node
// Cross-instance fan-out: the generated app (rooms + redis-adapter) as two instances sharing one
// Redis, subscribers split between them, versus the same app as one instance (in-memory adapter,
// what a team runs before scaling out), for each adapter kind. Rounds alternate the two setups.
//
//   node bench/runtime-cross-instance.mjs [--rounds=3] [--subscribers=200] [--messages=200]
//   REDIS_URL (default redis://127.0.0.1:6379) is the Redis the two instances share.
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../scripts/load-app-helpers.mjs';
import { fanOutOnInstances, roomsApp } from './room-load.mjs';
import { apps } from './runtime-apps.mjs';
import { checkTarget, measureInRounds, printTable, targetCell, writeResults } from './stats.mjs';

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const KINDS = ['pubsub', 'sharded', 'streams'];
const TARGET = { pubsub: 0.7 };

async function main() {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, subscribers: { type: 'string', default: '200' }, messages: { type: 'string', default: '200' } } });
  const [rounds, subscribers, messages] = [values.rounds, values.subscribers, values.messages].map(Number);
  const rows = [];
  for (const kind of KINDS) {
    const dir = await roomsApp(kind);
    let single;
    let double;
    try {
      const setups = [1, 2].map((instances) => ({ label: `${kind} ×${instances}`, instances }));
      [single, double] = await measureInRounds(setups, rounds, ({ instances }) => fanOutOnInstances(dir, instances, REDIS_URL, subscribers, messages));
    } finally {
      await apps.removeTestApp(dir);
    }
    const ratio = double.deliveriesPerSecond / single.deliveriesPerSecond;
    const checked = TARGET[kind] && checkTarget(`cross-instance ${kind}: deliveries/s, 2 instances vs 1`, ratio, 'at least', TARGET[kind]);
    rows.push({ kind, single, double, ratio, checked });
  }
  console.log(`\nCross-instance fan-out: ${subscribers} subscribers in one room (split over 2 instances), ${messages} messages; medians of ${rounds} rounds\n`);
  printTable(
    ['kind', 'setup', 'deliveries/s', 'p99', 'server CPU/delivery', '2 vs 1', 'target'],
    rows.flatMap(({ kind, single, double, ratio, checked }) => [
      [kind, '1 instance (in-memory)', Math.round(single.deliveriesPerSecond), `${single.p99Ms.toFixed(1)} ms`, `${single.serverCpuUsPerDelivery.toFixed(2)} µs`, '', ''],
      [
        kind,
        '2 instances, 1 Redis',
        Math.round(double.deliveriesPerSecond),
        `${double.p99Ms.toFixed(1)} ms`,
        `${double.serverCpuUsPerDelivery.toFixed(2)} µs`,
        ratio.toFixed(2),
        checked ? targetCell(checked) : '',
      ],
    ]),
  );
  writeResults(path.join(ROOT, 'bench/results/cross-instance.json'), {
    subscribers,
    messages,
    rounds,
    kinds: Object.fromEntries(rows.map(({ kind, single, double, ratio }) => [kind, { singleInstance: single, twoInstances: double, ratio }])),
    targets: rows.filter((row) => row.checked).map((row) => row.checked),
  });
}

await main();
