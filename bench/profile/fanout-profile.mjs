#!/usr/bin/env node
// Where the generated room handler spends server CPU that the seeds' room gateway does not: runs the
// room fan-out against both (alternating, `--rounds` times), profiles only the messaging window in the
// server (profile-window.cjs), then prints self time per delivery by function and by package,
// generated − seed, largest differences first. Profiles are kept in `--out` for DevTools.
//
//   node bench/profile/fanout-profile.mjs [--rounds=3] [--subscribers=200] [--messages=500] [--top=30] [--out=dir]
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { fanOut } from '../room-load.mjs';
import { apps, baselineApp, generatedApp } from '../runtime-apps.mjs';
import { printTable } from '../stats.mjs';

const PRELOAD = path.join(import.meta.dirname, 'profile-window.cjs');

async function main() {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '3' },
      subscribers: { type: 'string', default: '200' },
      messages: { type: 'string', default: '500' },
      top: { type: 'string', default: '30' },
      out: { type: 'string' },
    },
  });
  const [rounds, subscribers, messages, top] = [values.rounds, values.subscribers, values.messages, values.top].map(Number);
  const out = values.out ?? mkdtempSync(path.join(os.tmpdir(), 'fanout-profile-'));
  mkdirSync(out, { recursive: true });
  const variants = [
    // As bench/runtime-fanout.mjs's A: the room handler with the generated adapter (no REDIS_URL).
    { id: 'generated', dir: await generatedApp({ rooms: { enabled: true } }, { moreCommands: [['redis-adapter']] }), profiles: [], deliveries: 0, cpuUs: 0 },
    { id: 'seed', dir: await baselineApp('seed-rooms'), profiles: [], deliveries: 0, cpuUs: 0 },
  ];
  try {
    for (let round = 0; round < rounds; round++) {
      for (const variant of round % 2 ? [...variants].reverse() : variants) {
        const file = path.join(out, `${variant.id}-${round + 1}.cpuprofile`);
        const result = await profileFanOut(variant.dir, file, subscribers, messages);
        variant.profiles.push(file);
        variant.deliveries += subscribers * messages;
        variant.cpuUs += result.serverCpuUsPerDelivery * subscribers * messages;
        process.stderr.write(`${variant.id} round ${round + 1}/${rounds}: ${Math.round(result.deliveriesPerSecond)} deliveries/s, ${result.serverCpuUsPerDelivery.toFixed(2)} µs CPU/delivery\n`);
      }
    }
  } finally {
    for (const variant of variants) await apps.removeTestApp(variant.dir);
  }

  const [generated, seed] = variants.map((variant) => ({ ...variant, ...selfTimes(variant.profiles) }));
  const perDelivery = (variant, map, key) => ((map(variant).get(key) ?? 0) * 1000) / variant.deliveries;
  const report = (title, map) => {
    const keys = [...new Set([...map(generated).keys(), ...map(seed).keys()])];
    const rows = keys
      .map((key) => [key, perDelivery(generated, map, key), perDelivery(seed, map, key)])
      .sort((a, b) => Math.abs(b[1] - b[2]) - Math.abs(a[1] - a[2]))
      .slice(0, top);
    console.log(`\n${title}\n`);
    printTable(
      ['', 'generated µs', 'seed µs', 'diff µs'],
      rows.map(([key, a, b]) => [key, a.toFixed(3), b.toFixed(3), (a - b >= 0 ? '+' : '') + (a - b).toFixed(3)]),
    );
  };
  console.log(`\nRoom fan-out, ${subscribers} subscribers × ${messages} messages, ${rounds} rounds each; self time per delivery (µs) in the messaging window`);
  console.log(`server CPU/delivery (/proc): generated ${(generated.cpuUs / generated.deliveries).toFixed(2)} µs, seed ${(seed.cpuUs / seed.deliveries).toFixed(2)} µs`);
  console.log(`sampled (profile):           generated ${((generated.totalMs * 1000) / generated.deliveries).toFixed(2)} µs, seed ${((seed.totalMs * 1000) / seed.deliveries).toFixed(2)} µs (idle excluded)`);
  report('By package', (variant) => variant.byPackage);
  report('By function', (variant) => variant.byFunction);
  console.log(`\nprofiles: ${out}`);
}

/** One fan-out against a freshly started server, profiled from just before the first message to the last delivery. */
async function profileFanOut(dir, file, subscribers, messages) {
  const server = await apps.startApp(dir, { REDIS_URL: undefined, NODE_OPTIONS: `--require ${PRELOAD}`, PROFILE_WINDOW_FILE: file });
  try {
    await fanOut([server], 20, 20); // warm-up, not profiled
    return await fanOut([server], subscribers, messages, {
      started: async () => {
        process.kill(server.pid, 'SIGWINCH');
        await until(() => existsSync(`${file}.started`));
      },
      ended: async () => {
        process.kill(server.pid, 'SIGURG');
        await until(() => existsSync(file));
      },
    });
  } finally {
    await server.stop();
  }
}

async function until(condition, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the profiler');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Self time (ms) summed over profiles, by function and by package; `(idle)` is left out. */
function selfTimes(files) {
  const byFunction = new Map();
  const byPackage = new Map();
  let totalMs = 0;
  const add = (map, key, ms) => map.set(key, (map.get(key) ?? 0) + ms);
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8'));
    const nodes = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
    profile.samples.forEach((id, index) => {
      const frame = nodes.get(id);
      if (frame.functionName === '(idle)') return;
      const ms = profile.timeDeltas[index] / 1000;
      const where = location(frame.url);
      totalMs += ms;
      add(byFunction, `${frame.functionName || '(anonymous)'} ${where ? `${where}:${frame.lineNumber + 1}` : ''}`.trim(), ms);
      add(byPackage, packageOf(where) ?? frame.functionName, ms);
    });
  }
  return { byFunction, byPackage, totalMs };
}

/** A script URL made short and the same across app copies: from node_modules/ or the app's dist/. */
function location(url) {
  if (!url) return '';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) return url.slice(modules + '/node_modules/'.length);
  const dist = url.indexOf('/dist/');
  return dist >= 0 ? `app:${url.slice(dist + 1)}` : url;
}

function packageOf(where) {
  if (!where) return undefined;
  if (where.startsWith('app:')) return 'app (dist/)';
  if (where.startsWith('node:')) return 'node: internals';
  const parts = where.split('/');
  return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

await main();
