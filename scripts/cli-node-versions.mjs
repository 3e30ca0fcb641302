// The own CLI's start-up on each Node the package supports: `gateway chat --dry-run` in a copy of
// the cached Nest 12 ESM app (packed package installed), with no compile cache
// (NODE_DISABLE_COMPILE_CACHE), cold (an empty cache) and warm (the cache the cold run left); median
// of ROUNDS rounds, the versions interleaved in every round so a busy machine slows them alike.
// Wall-clock and CPU time (user + system, which a busy machine disturbs less). Linux (/proc).
// Needs `npm run build`. Usage: node scripts/cli-node-versions.mjs [rounds]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadTestSupport } from './load-app-helpers.mjs';

const { createTestApp, removeTestApp, nodeBinDir } = loadTestSupport('apps', 'node-installs');
const ROUNDS = Number(process.argv[2] ?? 9);
/** The floor of `engines`, then the current 22 and the 24 and 26 of test/e2e/node-versions.e2e.ts. */
const VERSIONS = ['20.19.0', '22.23.3', '24.21.0', '26.10.0'];
const COMMAND = ['gateway', 'chat', '--dry-run'];

const nodes = await Promise.all(VERSIONS.map(async (version) => path.join(await nodeBinDir(version), 'node')));
const app = await createTestApp('nest12-esm');
const cli = path.join(app, 'node_modules/realtime-schematics/dist/cli/main.js');

/** CPU milliseconds of the children this process has waited for (/proc/self/stat cutime + cstime). */
function childrenCpuMs() {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

/** Wall-clock and CPU milliseconds of one run; TMPDIR is where the CLI keeps its compile cache. */
function timeRun(node, tmp, env = {}) {
  const [started, cpu] = [process.hrtime.bigint(), childrenCpuMs()];
  execFileSync(node, [cli, ...COMMAND], { cwd: app, env: { ...process.env, TMPDIR: tmp, CI: 'true', ...env }, stdio: 'pipe' });
  return { wall: Number(process.hrtime.bigint() - started) / 1e6, cpu: childrenCpuMs() - cpu };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

try {
  const samples = nodes.map(() => ({ none: [], cold: [], warm: [] }));
  for (let round = 0; round < ROUNDS; round++) {
    nodes.forEach((node, index) => {
      const tmp = mkdtempSync(path.join(tmpdir(), 'rs-compile-cache-'));
      try {
        samples[index].none.push(timeRun(node, tmp, { NODE_DISABLE_COMPILE_CACHE: '1' }));
        samples[index].cold.push(timeRun(node, tmp));
        samples[index].warm.push(timeRun(node, tmp));
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  }
  console.log(`realtime-schematics ${COMMAND.join(' ')}: median of ${ROUNDS} rounds, wall-clock ms / CPU ms`);
  console.log('node      no cache     cold         warm         warm/no cache (CPU)');
  VERSIONS.forEach((version, index) => {
    const cells = ['none', 'cold', 'warm'].map((key) => ({
      wall: median(samples[index][key].map((run) => run.wall)),
      cpu: median(samples[index][key].map((run) => run.cpu)),
    }));
    const [none, , warm] = cells;
    const shown = cells.map(({ wall, cpu }) => `${wall.toFixed(0)} / ${cpu}`.padEnd(12));
    console.log(`v${version.padEnd(8)} ${shown.join(' ')} ${(warm.cpu / none.cpu).toFixed(2)}`);
  });
} finally {
  await removeTestApp(app);
}
