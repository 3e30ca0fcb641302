#!/usr/bin/env node
// Request/ack throughput through a guarded handler: the gateway the schematics generate (JWT
// verified once at the handshake, a guard reading socket.data.user) versus a hand-written baseline
// following the seeds (a guard verifying the JWT on every message). Both are real Nest 12 apps,
// built and started; the same `ping` handler is added to both. Rounds alternate A/B.
//
//   node bench/runtime-ack.mjs [--rounds=3] [--clients=16] [--requests=800]
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../scripts/load-app-helpers.mjs';
import { JWT_SECRET, apps, baselineApp, connect, generatedApp, signToken } from './runtime-apps.mjs';
import { checkTarget, measureInRounds, percentile, printTable, processCpuMs, targetCell, writeResults } from './stats.mjs';

const TARGET = 1.5;
const WINDOW = 8; // requests in flight per client
const PING_HANDLER = `
  @SubscribeMessage('ping')
  ping(): WsOk {
    return { ok: true };
  }
`;

/** Each client keeps WINDOW pings in flight until it has sent `requests`; returns acks/s, p99, CPU. */
async function load(server, clients, requests) {
  const sockets = await Promise.all(Array.from({ length: clients }, (_, i) => connect(`${server.url}/chat`, { auth: { token: signToken(`user-${i}`) } })));
  const latencies = [];
  const cpuBefore = processCpuMs(server.pid);
  const started = performance.now();
  await Promise.all(
    sockets.map(async (socket) => {
      let sent = 0;
      const lane = async () => {
        while (sent < requests) {
          sent++;
          const at = performance.now();
          const ack = await socket.timeout(10_000).emitWithAck('ping', {});
          if (!ack?.ok) throw new Error(`ping refused: ${JSON.stringify(ack)}`);
          latencies.push(performance.now() - at);
        }
      };
      await Promise.all(Array.from({ length: WINDOW }, lane));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuMs = processCpuMs(server.pid) - cpuBefore;
  sockets.forEach((socket) => socket.disconnect());
  return { acksPerSecond: latencies.length / seconds, p99Ms: percentile(latencies, 99), serverCpuUsPerAck: (cpuMs * 1000) / latencies.length };
}

async function main() {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, clients: { type: 'string', default: '16' }, requests: { type: 'string', default: '800' } } });
  const [rounds, clients, requests] = [values.rounds, values.clients, values.requests].map(Number);
  const variants = [
    { id: 'generated', label: 'A', describe: 'generated gateway (handshake-once auth)', dir: await generatedApp({ auth: { enabled: true } }, { gatewayAddition: PING_HANDLER }) },
    { id: 'seed', label: 'B', describe: 'seed baseline (JWT verified per message)', dir: await baselineApp('seed-auth') },
  ];
  let summary;
  try {
    summary = await measureInRounds(variants, rounds, async (variant) => {
      const server = await apps.startApp(variant.dir, { JWT_SECRET });
      try {
        await load(server, clients, 100); // warm-up: JIT, connections
        return await load(server, clients, requests);
      } finally {
        await server.stop();
      }
    });
  } finally {
    for (const variant of variants) await apps.removeTestApp(variant.dir);
  }
  const [generated, seed] = summary;
  const checked = checkTarget('ack: acks/s, generated vs seed (JWT verified per message)', generated.acksPerSecond / seed.acksPerSecond, 'at least', TARGET);
  console.log(`\nRequest/ack through a guarded handler: ${clients} clients × ${requests} pings, ${WINDOW} in flight each; medians of ${rounds} rounds\n`);
  printTable(
    ['', 'app', 'acks/s', 'p99', 'server CPU/ack'],
    summary.map((row) => [row.label, row.describe, Math.round(row.acksPerSecond), `${row.p99Ms.toFixed(1)} ms`, `${Math.round(row.serverCpuUsPerAck)} µs`]),
  );
  console.log(`\nA/B acks/s: ${checked.ratio.toFixed(2)} (target ${targetCell(checked)})`);
  console.log(`B/A server CPU per ack: ${(seed.serverCpuUsPerAck / generated.serverCpuUsPerAck).toFixed(2)}`);
  writeResults(path.join(ROOT, 'bench/results/ack.json'), {
    clients,
    requestsPerClient: requests,
    inFlightPerClient: WINDOW,
    rounds,
    variants: Object.fromEntries(summary.map(({ id, describe, acksPerSecond, p99Ms, serverCpuUsPerAck, runs }) => [id, { describe, acksPerSecond, p99Ms, serverCpuUsPerAck, runs }])),
    targets: [checked],
  });
}

await main();
