#!/usr/bin/env node
// Request/ack, two comparisons of real Nest 12 apps, built and started, rounds rotating the order:
// - `ping` through a guarded handler: the gateway the schematics generate (JWT verified once at the
//   handshake, a guard reading socket.data.user) versus a hand-written baseline following the seeds
//   (a guard verifying the JWT on every message); the same `ping` handler is added to both.
// - a validated `roomMessage`, acked: the generated room handler as `init` sets it up (auth, rate
//   limit at a limit the load never reaches, the payload validated against its DTO, membership
//   checked, the message delivered to the room) versus plain socket.io doing the same checks
//   (bench/baselines/plain-socketio). Each client is alone in its own room, so each ack costs one
//   delivery: the figure is what handling a message costs, not what fan-out costs.
//
//   node bench/runtime-ack.mjs [--rounds=3] [--clients=16] [--requests=800]
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../scripts/load-app-helpers.mjs';
import { JWT_SECRET, apps, baselineApp, connect, generatedApp, plainSocketIoApp, signToken } from './runtime-apps.mjs';
import { checkTarget, measureInRounds, percentile, printTable, processCpuMs, targetCell, writeResults } from './stats.mjs';

const PING_TARGET = 1.5;
const VALIDATED_TARGET = 1.5;
const WINDOW = 8; // requests in flight per client
const PING_HANDLER = `
  @SubscribeMessage('ping')
  ping(): WsOk {
    return { ok: true };
  }
`;

/** The two requests: `ping` (no payload), and a room message to the client's own room. */
const REQUESTS = {
  ping: { prepare: async () => {}, send: (socket) => socket.timeout(10_000).emitWithAck('ping', {}) },
  roomMessage: {
    prepare: async (socket, i) => {
      const ack = await socket.timeout(10_000).emitWithAck('joinRoom', { room: `room-${i}` });
      if (!ack?.ok) throw new Error(`joinRoom refused: ${JSON.stringify(ack)}`);
    },
    send: (socket, i) => socket.timeout(10_000).emitWithAck('roomMessage', { room: `room-${i}`, text: 'hello' }),
  },
};

/** Each client keeps WINDOW requests in flight until it has sent `requests`; returns acks/s, p99, CPU. */
async function load(server, request, clients, requests) {
  const sockets = await Promise.all(Array.from({ length: clients }, (_, i) => connect(`${server.url}/chat`, { auth: { token: signToken(`user-${i}`) } })));
  await Promise.all(sockets.map((socket, i) => request.prepare(socket, i)));
  const latencies = [];
  const cpuBefore = processCpuMs(server.pid);
  const started = performance.now();
  await Promise.all(
    sockets.map(async (socket, i) => {
      let sent = 0;
      const lane = async () => {
        while (sent < requests) {
          sent++;
          const at = performance.now();
          const ack = await request.send(socket, i);
          if (!ack?.ok) throw new Error(`request refused: ${JSON.stringify(ack)}`);
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
  // Each connection sends at most a join and `requests` messages: a limit it never reaches.
  const unreachableLimit = { enabled: true, points: requests + 200, durationMs: 600_000 };
  const variants = [
    { id: 'generated', label: 'A', request: 'ping', describe: 'generated gateway (handshake-once auth)', dir: await generatedApp({ auth: { enabled: true } }, { gatewayAddition: PING_HANDLER }) },
    { id: 'seed', label: 'B', request: 'ping', describe: 'seed baseline (JWT verified per message)', dir: await baselineApp('seed-auth') },
    {
      id: 'generatedValidated',
      label: 'C',
      request: 'roomMessage',
      describe: 'generated room handler + adapter (auth, rate limit, validated)',
      dir: await generatedApp({ auth: { enabled: true }, rooms: { enabled: true }, rateLimit: unreachableLimit }, { moreCommands: [['redis-adapter']] }),
    },
    { id: 'plainValidated', label: 'D', request: 'roomMessage', describe: 'plain socket.io: JWT, same checks', dir: await plainSocketIoApp() },
  ];
  let summary;
  try {
    summary = await measureInRounds(variants, rounds, async (variant) => {
      const server = await apps.startApp(variant.dir, { JWT_SECRET, REDIS_URL: undefined });
      try {
        await load(server, REQUESTS[variant.request], clients, 100); // warm-up: JIT, connections
        return await load(server, REQUESTS[variant.request], clients, requests);
      } finally {
        await server.stop();
      }
    });
  } finally {
    for (const variant of variants) await apps.removeTestApp(variant.dir);
  }
  const byId = Object.fromEntries(summary.map((row) => [row.id, row]));
  const { generated, seed, generatedValidated, plainValidated } = byId;
  const spread = (a, b, figure) => {
    const ratios = a.runs.map((run, round) => run[figure] / b.runs[round][figure]);
    return `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
  };
  const targets = [
    { ...checkTarget('ack: acks/s, generated vs seed (JWT verified per message)', generated.acksPerSecond / seed.acksPerSecond, 'at least', PING_TARGET), spread: spread(generated, seed, 'acksPerSecond') },
    {
      ...checkTarget('validated ack: server CPU per roomMessage ack, generated vs plain socket.io', generatedValidated.serverCpuUsPerAck / plainValidated.serverCpuUsPerAck, 'at most', VALIDATED_TARGET),
      spread: spread(generatedValidated, plainValidated, 'serverCpuUsPerAck'),
    },
  ];
  const reported = [
    { figure: 'validated ack: acks/s, generated vs plain socket.io', ratio: Math.round((generatedValidated.acksPerSecond / plainValidated.acksPerSecond) * 1000) / 1000, spread: spread(generatedValidated, plainValidated, 'acksPerSecond') },
  ];
  console.log(`\nRequest/ack: ${clients} clients × ${requests} requests, ${WINDOW} in flight each; medians of ${rounds} rounds\n`);
  printTable(
    ['', 'app', 'request', 'acks/s', 'p99', 'server CPU/ack'],
    summary.map((row) => [row.label, row.describe, row.request, Math.round(row.acksPerSecond), `${row.p99Ms.toFixed(1)} ms`, `${Math.round(row.serverCpuUsPerAck)} µs`]),
  );
  console.log('');
  for (const checked of targets) console.log(`${checked.figure}: ${checked.ratio.toFixed(2)} (rounds ${checked.spread}; target ${targetCell(checked)})`);
  for (const { figure, ratio, spread: range } of reported) console.log(`${figure}: ${ratio.toFixed(2)} (rounds ${range}; no target)`);
  writeResults(path.join(ROOT, 'bench/results/ack.json'), {
    clients,
    requestsPerClient: requests,
    inFlightPerClient: WINDOW,
    rounds,
    variants: Object.fromEntries(summary.map(({ id, describe, request, acksPerSecond, p99Ms, serverCpuUsPerAck, runs }) => [id, { describe, request, acksPerSecond, p99Ms, serverCpuUsPerAck, runs }])),
    targets,
    reported,
  });
}

await main();
