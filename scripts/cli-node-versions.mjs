// The own CLI's start-up on each Node version Nest users run: `gateway chat --dry-run` in a copy
// of the cached Nest 12 ESM app (packed package installed), cold (an empty compile cache) and warm
// (the cache the cold run left), median of ROUNDS rounds, the versions interleaved in every round
// so a busy machine slows them alike. Needs `npm run build`. Usage:
//   node scripts/cli-node-versions.mjs [rounds]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadTestSupport } from './load-app-helpers.mjs';

const { createTestApp, removeTestApp, nodeBinDir } = loadTestSupport('apps', 'node-installs');
const ROUNDS = Number(process.argv[2] ?? 9);
/** The running Node (the CI machine's), then the current 22 and the tested 24 and 26. */
const OTHER_NODES = ['22.23.3', '24.21.0', '26.10.0'];
const COMMAND = ['gateway', 'chat', '--dry-run'];

const nodes = [process.execPath, ...(await Promise.all(OTHER_NODES.map(async (version) => path.join(await nodeBinDir(version), 'node'))))];
const app = await createTestApp('nest12-esm');
const cli = path.join(app, 'node_modules/realtime-schematics/dist/cli/main.js');

/** Milliseconds of one run; TMPDIR is where the CLI keeps its compile cache. */
function timeRun(node, tmp) {
  const started = process.hrtime.bigint();
  execFileSync(node, [cli, ...COMMAND], { cwd: app, env: { ...process.env, TMPDIR: tmp, CI: 'true' }, stdio: 'pipe' });
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

try {
  const samples = nodes.map(() => ({ cold: [], warm: [] }));
  for (let round = 0; round < ROUNDS; round++) {
    nodes.forEach((node, index) => {
      const tmp = mkdtempSync(path.join(tmpdir(), 'rs-compile-cache-'));
      try {
        samples[index].cold.push(timeRun(node, tmp));
        samples[index].warm.push(timeRun(node, tmp));
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  }
  console.log(`realtime-schematics ${COMMAND.join(' ')}, median of ${ROUNDS} rounds`);
  console.log('node       cold ms  warm ms  warm/cold');
  nodes.forEach((node, index) => {
    const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
    const cold = median(samples[index].cold);
    const warm = median(samples[index].warm);
    console.log(`${version.padEnd(9)} ${cold.toFixed(0).padStart(8)} ${warm.toFixed(0).padStart(8)} ${(warm / cold).toFixed(2).padStart(10)}`);
  });
} finally {
  await removeTestApp(app);
}
