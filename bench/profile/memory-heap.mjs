#!/usr/bin/env node
// Where a server's memory per idle connection goes: for each app, a V8 heap snapshot before and
// after `--connections` authenticated connections (each its own user), and the growth per
// connection by constructor, largest first. Apps: `generated` (init's features, as
// bench/runtime-memory.mjs's A), `generated-no-<feature>` (one or more of presence, rateLimit,
// rooms, auth off: `generated-no-presence-no-rateLimit`), `plain` (bench/baselines/plain-socketio)
// and any bench/baselines/<name>.
// The snapshot is written on SIGWINCH (`--heapsnapshot-signal`), a signal Nest's
// `enableShutdownHooks()` does not stop the app on; V8 collects garbage before writing it.
//
//   node bench/profile/memory-heap.mjs [--apps=generated,plain,seed-connect-auth,seed-rooms] [--connections=1000] [--top=15]
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { openSockets } from '../connect-load.mjs';
import { JWT_SECRET, apps, baselineApp, initFeaturesApp, ownRedis, plainSocketIoApp, signToken } from '../runtime-apps.mjs';
import { printTable } from '../stats.mjs';

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Signals the server to write a heap snapshot into its folder; resolves with it, parsed. */
async function heapSnapshot(server, dir) {
  const earlier = new Set(readdirSync(dir));
  process.kill(server.pid, 'SIGWINCH');
  for (let waited = 0; waited < 120_000; waited += 500) {
    await pause(500);
    const file = readdirSync(dir).find((name) => name.endsWith('.heapsnapshot') && !earlier.has(name));
    if (!file) continue;
    try {
      return JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    } catch {
      // Still being written.
    }
  }
  throw new Error(`no heap snapshot from ${dir}`);
}

/** Self size and count by constructor (objects and closures by name, the rest by node type). */
function byConstructor(snapshot) {
  const { node_fields: fields, node_types: [types] } = snapshot.snapshot.meta;
  const [type, name, size] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field));
  const totals = new Map();
  let bytes = 0;
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const kind = types[snapshot.nodes[i + type]];
    const key = kind === 'object' || kind === 'closure' ? `${kind} ${snapshot.strings[snapshot.nodes[i + name]] || '(anonymous)'}` : `(${kind})`;
    const entry = totals.get(key) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += snapshot.nodes[i + size];
    bytes += snapshot.nodes[i + size];
    totals.set(key, entry);
  }
  return { totals, bytes };
}

async function appFor(name) {
  if (name.startsWith('generated')) return (await initFeaturesApp(name.split('-no-').slice(1))).dir;
  if (name === 'plain') return plainSocketIoApp();
  return baselineApp(name);
}

async function main() {
  const { values } = parseArgs({
    options: {
      apps: { type: 'string', default: 'generated,plain,seed-connect-auth,seed-rooms' },
      connections: { type: 'string', default: '1000' },
      top: { type: 'string', default: '15' },
    },
  });
  const [connections, top] = [values.connections, values.top].map(Number);
  const redis = await ownRedis('memory-heap.mjs');
  if (!redis) return;
  try {
    for (const name of values.apps.split(',')) {
      const dir = await appFor(name);
      try {
        const server = await apps.startApp(dir, { JWT_SECRET, REDIS_URL: name.startsWith('generated') ? redis.url : '', NODE_OPTIONS: '--heapsnapshot-signal=SIGWINCH' });
        try {
          const warmUp = await openSockets(`${server.url}/chat`, Array.from({ length: 50 }, (_, i) => signToken(`warm-up-${i}`)), 50);
          warmUp.sockets.forEach((socket) => socket.disconnect());
          await pause(1000);
          const before = byConstructor(await heapSnapshot(server, dir));
          const { sockets } = await openSockets(`${server.url}/chat`, Array.from({ length: connections }, (_, i) => signToken(`user-${i}`)), 50);
          await pause(1000);
          const after = byConstructor(await heapSnapshot(server, dir));
          sockets.forEach((socket) => socket.disconnect());
          console.log(`\n${name}: ${((after.bytes - before.bytes) / 1024 / connections).toFixed(1)} kB of heap per connection (${connections} connections)\n`);
          const rows = [...after.totals]
            .map(([key, { count, bytes }]) => [key, (count - (before.totals.get(key)?.count ?? 0)) / connections, (bytes - (before.totals.get(key)?.bytes ?? 0)) / connections])
            .sort((a, b) => b[2] - a[2])
            .slice(0, top);
          printTable(['constructor', 'count/connection', 'bytes/connection'], rows.map(([key, count, bytes]) => [key, count.toFixed(1), Math.round(bytes)]));
        } finally {
          await server.stop();
        }
      } finally {
        await apps.removeTestApp(dir);
      }
    }
  } finally {
    await redis.stop();
  }
}

await main();
