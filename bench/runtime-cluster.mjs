#!/usr/bin/env node
// Cross-instance fan-out on a Redis Cluster versus one Redis (SPEC §5.6): the generated app (rooms
// + redis-adapter over ioredis, the cluster's client) as two instances, subscribers split between
// them, on a redis-server of its own and on a local 6-node Redis Cluster of its own (three masters,
// a replica each; REDIS_MODE=cluster), for each adapter kind. Rounds alternate the two setups.
// Reported, without a target: the cluster's deliveries/s and CPU per delivery over one Redis's.
//
//   node bench/runtime-cluster.mjs [--rounds=3] [--subscribers=200] [--messages=200]
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, loadTestSupport } from '../scripts/load-app-helpers.mjs';
import { fanOut } from './room-load.mjs';
import { apps, generatedApp, ownRedis } from './runtime-apps.mjs';
import { measureInRounds, printTable, writeResults } from './stats.mjs';

const RESULTS = path.join(ROOT, 'bench/results/cluster.json');
const KINDS = ['pubsub', 'sharded', 'streams'];
const { redisClusterAvailable, startOwnRedisCluster } = loadTestSupport('redis-cluster');

/** Two instances with `env`, a warm-up, the fan-out; stopped after. */
async function fanOutOnTwo(dir, env, subscribers, messages) {
  const servers = [];
  try {
    for (let i = 0; i < 2; i++) servers.push(await apps.startApp(dir, env));
    await fanOut(servers, 20, 20); // warm-up
    return await fanOut(servers, subscribers, messages);
  } finally {
    for (const server of servers) await server.stop();
  }
}

async function main() {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, subscribers: { type: 'string', default: '200' }, messages: { type: 'string', default: '200' } } });
  const [rounds, subscribers, messages] = [values.rounds, values.subscribers, values.messages].map(Number);
  if (!redisClusterAvailable()) {
    console.warn('SKIPPED: the cluster benchmark needs redis-server 7 or later on the PATH.');
    writeResults(RESULTS, { skipped: 'no redis-server 7', targets: [], reported: [] });
    return;
  }
  const single = await ownRedis('the cluster benchmark');
  const cluster = await startOwnRedisCluster();
  const rows = [];
  try {
    for (const kind of KINDS) {
      const dir = await generatedApp({ rooms: { enabled: true }, adapter: { kind, client: 'ioredis' } }, { moreCommands: [['redis-adapter']] });
      try {
        const setups = [
          { label: `${kind}, one Redis`, env: { REDIS_URL: single.url } },
          { label: `${kind}, cluster`, env: { REDIS_MODE: 'cluster', REDIS_URL: cluster.seeds } },
        ];
        const [one, many] = await measureInRounds(setups, rounds, ({ env }) => fanOutOnTwo(dir, env, subscribers, messages));
        rows.push({ kind, one, many, deliveries: many.deliveriesPerSecond / one.deliveriesPerSecond, cpu: many.serverCpuUsPerDelivery / one.serverCpuUsPerDelivery });
      } finally {
        await apps.removeTestApp(dir);
      }
    }
  } finally {
    await cluster.stop();
    await single.stop();
  }
  console.log(`\nCross-instance fan-out on a Redis Cluster (3 masters + 3 replicas) vs one Redis: 2 instances over ioredis, ${subscribers} subscribers in one room, ${messages} messages; medians of ${rounds} rounds\n`);
  printTable(
    ['kind', 'Redis', 'deliveries/s', 'p99', 'server CPU/delivery', 'cluster vs one'],
    rows.flatMap(({ kind, one, many, deliveries, cpu }) => [
      [kind, 'one redis-server', Math.round(one.deliveriesPerSecond), `${one.p99Ms.toFixed(1)} ms`, `${one.serverCpuUsPerDelivery.toFixed(2)} µs`, ''],
      [kind, 'cluster', Math.round(many.deliveriesPerSecond), `${many.p99Ms.toFixed(1)} ms`, `${many.serverCpuUsPerDelivery.toFixed(2)} µs`, `${deliveries.toFixed(2)}× deliveries/s, ${cpu.toFixed(2)}× CPU`],
    ]),
  );
  const reported = rows.flatMap(({ kind, deliveries, cpu }) => [
    { figure: `cluster: deliveries/s, ${kind} on a cluster vs one Redis`, ratio: Math.round(deliveries * 1000) / 1000 },
    { figure: `cluster: server CPU per delivery, ${kind} on a cluster vs one Redis`, ratio: Math.round(cpu * 1000) / 1000 },
  ]);
  writeResults(RESULTS, {
    subscribers,
    messages,
    rounds,
    kinds: Object.fromEntries(rows.map(({ kind, one, many }) => [kind, { oneRedis: one, cluster: many }])),
    targets: [],
    reported,
  });
}

await main();
