#!/usr/bin/env node
// The benchmark suite (`npm run bench`, after the build): runs every benchmark one after the
// other with its default sizes, then prints one line per target from their results files and
// writes bench/results/summary.json. Exits non-zero when a benchmark failed, not for a missed target.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../scripts/load-app-helpers.mjs';
import { machine, printTable, writeResults } from './stats.mjs';

const RESULTS = path.join(ROOT, 'bench/results');
const SUITE = [
  { script: 'generation.mjs', results: 'generation.json' },
  { script: 'runtime-connect.mjs', results: 'connect.json' },
  { script: 'runtime-ack.mjs', results: 'ack.json' },
  { script: 'runtime-fanout.mjs', results: 'fanout.json' },
  { script: 'runtime-cross-instance.mjs', results: 'cross-instance.json' },
  { script: 'runtime-cluster.mjs', results: 'cluster.json' },
  { script: 'runtime-notify.mjs', results: 'notify.json' },
  { script: 'runtime-presence.mjs', results: 'presence.json' },
  { script: 'runtime-memory.mjs', results: 'memory.json' },
  { script: 'runtime-capacity.mjs', results: 'capacity.json' },
  { script: 'runtime-deploy.mjs', results: 'deploy.json' },
  { script: 'check.mjs', results: 'check.json' },
];

const suiteStarted = performance.now();
const runs = SUITE.map(({ script, results }) => {
  const file = path.join(RESULTS, results);
  // A failed benchmark must not be summarised from an earlier run's file.
  rmSync(file, { force: true });
  console.log(`\n=== ${script}`);
  const started = performance.now();
  const { status, signal } = spawnSync(process.execPath, [path.join(ROOT, 'bench', script)], { cwd: ROOT, stdio: 'inherit' });
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  const ok = status === 0 && existsSync(file);
  // `skipped`: the benchmark could not run here (no redis-server) and said so.
  const { targets = [], reported = [], skipped } = ok ? JSON.parse(readFileSync(file, 'utf8')) : {};
  return { script, seconds, ok, failure: ok ? undefined : `exit ${signal ?? status}`, skipped, targets, reported };
});
const totalSeconds = Math.round((performance.now() - suiteStarted) / 100) / 10;

console.log(`\n=== Summary (${machine()}): ${Math.floor(totalSeconds / 60)} min ${Math.round(totalSeconds % 60)} s\n`);
printTable(
  ['figure', 'ratio', 'per round', 'target', ''],
  runs.flatMap((run) => {
    if (!run.ok) return [[`${run.script}: failed (${run.failure})`, '', '', '', 'FAILED']];
    if (run.skipped) return [[`${run.script}: skipped (${run.skipped})`, '', '', '', 'SKIPPED']];
    return [
      ...run.targets.map((target) => [target.figure, target.ratio.toFixed(2), target.spread ?? '', target.target, target.met ? 'ok' : 'MISSED']),
      ...run.reported.map((figure) => [figure.figure, figure.ratio.toFixed(2), figure.spread ?? '', '', '']),
    ];
  }),
);
// The runtime servers side by side, as their benchmarks measured them (medians over rounds).
const RUNTIME_TABLES = [
  { results: 'fanout.json', title: 'Room fan-out', columns: [['deliveriesPerSecond', 'deliveries/s', 0], ['p99Ms', 'p99 ms', 1], ['serverCpuUsPerDelivery', 'CPU µs/delivery', 2]] },
  { results: 'ack.json', title: 'Request/ack', columns: [['acksPerSecond', 'acks/s', 0], ['p99Ms', 'p99 ms', 1], ['serverCpuUsPerAck', 'CPU µs/ack', 0]] },
];
for (const { results, title, columns } of RUNTIME_TABLES) {
  const file = path.join(RESULTS, results);
  if (!existsSync(file)) continue;
  const { variants } = JSON.parse(readFileSync(file, 'utf8'));
  console.log(`\n${title}\n`);
  printTable(
    ['server', ...columns.map(([, label]) => label)],
    Object.values(variants).map((variant) => [variant.describe, ...columns.map(([key, , digits]) => variant[key].toFixed(digits))]),
  );
}
writeResults(path.join(RESULTS, 'summary.json'), {
  totalSeconds,
  benchmarks: runs.map(({ script, seconds, ok, failure, skipped }) => ({ script, seconds, ok, ...(failure && { failure }), ...(skipped && { skipped }) })),
  targets: runs.flatMap((run) => run.targets),
  reported: runs.flatMap((run) => run.reported),
});
console.log(`\nwritten to ${path.relative(ROOT, path.join(RESULTS, 'summary.json'))}`);
process.exitCode = runs.every((run) => run.ok) ? 0 : 1;
