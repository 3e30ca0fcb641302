#!/usr/bin/env node
// Authenticated connections: how fast clients holding a valid JWT get connected to the `chat`
// namespace. The gateway generated with `auth.enabled` (JWT verified once at the handshake by
// socket.io middleware, with a key prepared once) versus the tutorial pattern (verified in
// handleConnection with a string secret), the seeds' app (no check at connect at all: its guard
// verifies every message) and plain socket.io verifying it in namespace middleware (the ceiling).
// Real apps, built and started; rounds rotate the order.
//
//   node bench/runtime-connect.mjs [--rounds=3] [--connections=600] [--concurrency=16]
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../scripts/load-app-helpers.mjs';
import { connectAll, refusesBadToken } from './connect-load.mjs';
import { JWT_SECRET, apps, baselineApp, generatedApp, plainSocketIoApp } from './runtime-apps.mjs';
import { checkTarget, measureInRounds, printTable, targetCell, writeResults } from './stats.mjs';

// The issue sets no number for connect: auth done at the handshake should cost no connection rate
// against the tutorial pattern that also verifies at connect.
const TARGET = 1.0;

async function main() {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, connections: { type: 'string', default: '600' }, concurrency: { type: 'string', default: '16' } } });
  const [rounds, connections, concurrency] = [values.rounds, values.connections, values.concurrency].map(Number);
  const variants = [
    { id: 'generated', label: 'A', describe: 'generated: handshake middleware, key object', authenticates: true, dir: await generatedApp({ auth: { enabled: true } }) },
    { id: 'seed', label: 'B', describe: 'tutorial: verify in handleConnection, string secret', authenticates: true, dir: await baselineApp('seed-connect-auth') },
    { id: 'seedNoCheck', label: 'C', describe: "seeds' app: no check at connect", authenticates: false, dir: await baselineApp('seed-auth') },
    { id: 'plain', label: 'D', describe: 'plain socket.io: JWT middleware, key object', authenticates: true, dir: await plainSocketIoApp() },
  ];
  let summary;
  try {
    summary = await measureInRounds(variants, rounds, async (variant) => {
      const server = await apps.startApp(variant.dir, { JWT_SECRET });
      try {
        if (variant.authenticates && !(await refusesBadToken(server))) throw new Error(`${variant.describe} accepted a bad token`);
        await connectAll(server, 50, concurrency); // warm-up: JIT
        return await connectAll(server, connections, concurrency);
      } finally {
        await server.stop();
      }
    });
  } finally {
    for (const variant of variants) await apps.removeTestApp(variant.dir);
  }
  const [generated, seed] = summary;
  const checked = checkTarget('connect: authenticated connections/s, generated vs tutorial (verify in handleConnection)', generated.connectionsPerSecond / seed.connectionsPerSecond, 'at least', TARGET);
  console.log(`\nAuthenticated connections: ${connections} clients with a signed JWT, ${concurrency} connecting at a time; medians of ${rounds} rounds\n`);
  printTable(
    ['', 'server', 'connections/s', 'p50', 'p99', 'server CPU/connection', 'A vs it'],
    summary.map((row) => [
      row.label,
      row.describe,
      Math.round(row.connectionsPerSecond),
      `${row.p50Ms.toFixed(1)} ms`,
      `${row.p99Ms.toFixed(1)} ms`,
      `${Math.round(row.serverCpuUsPerConnection)} µs`,
      row === generated ? '' : (generated.connectionsPerSecond / row.connectionsPerSecond).toFixed(2),
    ]),
  );
  console.log(`\nA/B connections/s: ${checked.ratio.toFixed(2)} (target ${targetCell(checked)}; the issue names no number for connect, this one is ours)`);
  console.log(`B/A server CPU per connection: ${(seed.serverCpuUsPerConnection / generated.serverCpuUsPerConnection).toFixed(2)}; A/B handshake p99: ${(generated.p99Ms / seed.p99Ms).toFixed(2)}`);
  writeResults(path.join(ROOT, 'bench/results/connect.json'), {
    connections,
    concurrency,
    rounds,
    variants: Object.fromEntries(summary.map(({ id, describe, connectionsPerSecond, p50Ms, p99Ms, serverCpuUsPerConnection, runs }) => [id, { describe, connectionsPerSecond, p50Ms, p99Ms, serverCpuUsPerConnection, runs }])),
    targets: [checked],
  });
}

await main();
