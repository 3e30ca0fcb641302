#!/usr/bin/env node
// Request/ack throughput through a guarded handler: the gateway the schematics generate (JWT
// verified once at the handshake, a guard reading socket.data.user) versus a hand-written baseline
// following the seeds (a guard verifying the JWT on every message). Both are real Nest 12 apps,
// built and started; the same `ping` handler is added to both. Rounds alternate A/B.
//
//   node bench/runtime-ack.mjs [--rounds=3] [--clients=16] [--requests=1500]
import { createHmac } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';
import { ROOT, loadAppHelpers } from '../scripts/load-app-helpers.mjs';
import { median, percentile, printTable, processCpuMs, writeResults } from './stats.mjs';

const SECRET = 'bench-secret-bench-secret-bench-secret';
const TARGET = 1.5;
const WINDOW = 8; // requests in flight per client
const PING_HANDLER = `
  @SubscribeMessage('ping')
  ping(): WsOk {
    return { ok: true };
  }
}
`;

const apps = loadAppHelpers();

function sign(sub) {
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ sub, iat: Math.floor(Date.now() / 1000) })}`;
  return `${body}.${createHmac('sha256', SECRET).update(body).digest('base64url')}`;
}

async function mustRun(dir, command, args) {
  const result = await apps.run(command, args, { cwd: dir, env: { CI: 'true', NO_COLOR: '1' } });
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${dir}:\n${result.stdout}\n${result.stderr}`);
}

/** The app the schematics generate: auth on in realtime.json, then `gateway chat`, plus `ping`. */
async function generatedApp() {
  const dir = await apps.createTestApp('nest12-esm');
  writeFileSync(path.join(dir, 'realtime.json'), JSON.stringify({ auth: { enabled: true } }));
  await mustRun(dir, path.join(dir, 'node_modules/.bin/realtime-schematics'), ['gateway', 'chat']);
  const gatewayFile = path.join(dir, 'src/chat/chat.gateway.ts');
  const gateway = readFileSync(gatewayFile, 'utf8');
  writeFileSync(gatewayFile, gateway.slice(0, gateway.lastIndexOf('}')) + PING_HANDLER.trimStart());
  await mustRun(dir, 'npm', ['run', 'build']);
  return dir;
}

/** The seed-pattern baseline from bench/baselines/seed-auth, in a copy of the same app. */
async function seedApp() {
  const dir = await apps.createTestApp('nest12-esm', { installPackage: false });
  for (const file of ['app.module.ts', 'chat.gateway.ts', 'ws-auth.guard.ts']) {
    copyFileSync(path.join(ROOT, 'bench/baselines/seed-auth', file), path.join(dir, 'src', file));
  }
  await mustRun(dir, 'npm', ['run', 'build']);
  return dir;
}

function connect(url, token) {
  const socket = io(url, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** Each client keeps WINDOW pings in flight until it has sent `requests`; returns acks/s, p99, CPU. */
async function load(server, clients, requests) {
  const sockets = await Promise.all(Array.from({ length: clients }, (_, i) => connect(`${server.url}/chat`, sign(`user-${i}`))));
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
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, clients: { type: 'string', default: '16' }, requests: { type: 'string', default: '1500' } } });
  const [rounds, clients, requests] = [values.rounds, values.clients, values.requests].map(Number);
  const variants = [
    { id: 'generated', label: 'A', describe: 'generated gateway (handshake-once auth)', dir: await generatedApp() },
    { id: 'seed', label: 'B', describe: 'seed baseline (JWT verified per message)', dir: await seedApp() },
  ];
  const samples = new Map(variants.map((variant) => [variant.id, []]));
  try {
    for (let round = 0; round < rounds; round++) {
      for (const variant of round % 2 ? [...variants].reverse() : variants) {
        const server = await apps.startApp(variant.dir, { JWT_SECRET: SECRET });
        try {
          await load(server, clients, 100); // warm-up: JIT, connections
          const sample = await load(server, clients, requests);
          samples.get(variant.id).push(sample);
          process.stderr.write(`${variant.label} round ${round + 1}/${rounds}: ${Math.round(sample.acksPerSecond)} acks/s\n`);
        } finally {
          await server.stop();
        }
      }
    }
  } finally {
    for (const variant of variants) await apps.removeTestApp(variant.dir);
  }
  const summary = variants.map((variant) => {
    const runs = samples.get(variant.id);
    return {
      ...variant,
      acksPerSecond: median(runs.map((run) => run.acksPerSecond)),
      p99Ms: median(runs.map((run) => run.p99Ms)),
      serverCpuUsPerAck: median(runs.map((run) => run.serverCpuUsPerAck)),
      runs,
    };
  });
  const [generated, seed] = summary;
  const ratio = generated.acksPerSecond / seed.acksPerSecond;
  console.log(`\nRequest/ack through a guarded handler: ${clients} clients × ${requests} pings, ${WINDOW} in flight each; medians of ${rounds} rounds\n`);
  printTable(
    ['', 'app', 'acks/s', 'p99', 'server CPU/ack'],
    summary.map((row) => [row.label, row.describe, Math.round(row.acksPerSecond), `${row.p99Ms.toFixed(1)} ms`, `${Math.round(row.serverCpuUsPerAck)} µs`]),
  );
  console.log(`\nA/B acks/s: ${ratio.toFixed(2)} (target >= ${TARGET}) ${ratio >= TARGET ? 'ok' : 'MISSED'}`);
  console.log(`B/A server CPU per ack: ${(seed.serverCpuUsPerAck / generated.serverCpuUsPerAck).toFixed(2)}`);
  writeResults(path.join(ROOT, 'bench/results/ack.json'), {
    clients,
    requestsPerClient: requests,
    inFlightPerClient: WINDOW,
    rounds,
    variants: Object.fromEntries(summary.map(({ id, describe, acksPerSecond, p99Ms, serverCpuUsPerAck, runs }) => [id, { describe, acksPerSecond, p99Ms, serverCpuUsPerAck, runs }])),
    ratio: { value: ratio, target: TARGET, met: ratio >= TARGET },
  });
}

await main();
