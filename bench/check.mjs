#!/usr/bin/env node
// `realtime-schematics check` on the large app of the generation bench (the Nest 12 ESM app plus
// 260 modules and 1,260 files, see large-app.mjs), after `init` + `feature chat` + `redis-adapter`
// and with seed 003's gateways added (so the rules have findings to make), vs ESLint with
// typescript-eslint's recommended non-type-checked rules over the same files, alternating in one run.
//
//   npm run bench                          (the whole suite)
//   node bench/check.mjs [--runs=7]
//
// Both run as a user runs them, as a new process from the app folder. Figures: median wall-clock
// of each, check's time per file, and the two targets: check ≤ 1 s wall and ≤ 0.2× ESLint.
import { cpSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../scripts/load-app-helpers.mjs';
import { LARGE_APP } from './large-app.mjs';
import { apps } from './runtime-apps.mjs';
import { checkTarget, finishedChildrenCpuMs, measureInRounds, printTable, targetCell, writeResults } from './stats.mjs';

const TARGETS = { wallMs: 1000, vsEslint: 0.2 };
const SEED = path.join(ROOT, 'test/e2e/fixtures/check/seeds/003/src');

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error('usage: check.mjs [--runs=N]');

const app = await apps.createTestApp('nest12-esm', { variant: LARGE_APP });
try {
  for (const args of [['init'], ['feature', 'chat'], ['redis-adapter']]) {
    await mustSucceed(path.join(app, 'node_modules/.bin/realtime-schematics'), [...args, '--skip-install']);
  }
  copySeed(SEED, path.join(app, 'src/seed'));
  const files = countTsFiles(path.join(app, 'src'));
  const variants = [
    // Exit 1 is expected: the seed's gateways have error findings.
    { label: 'check', command: [path.join(app, 'node_modules/.bin/realtime-schematics'), ['check']], exitCodes: [1] },
    { label: 'eslint', command: [path.join(ROOT, 'node_modules/.bin/eslint'), ['--config', path.join(ROOT, 'bench/check-eslint.config.mjs'), '--no-warn-ignored', 'src/**/*.ts']], exitCodes: [0, 1] },
  ];
  const rows = await measureInRounds(variants, runs, timeOnce);
  const [check, eslint] = rows;
  const targets = [
    checkTarget(`check wall / ${TARGETS.wallMs} ms (${files} files)`, check.ms / TARGETS.wallMs, 'at most', 1),
    checkTarget('check / ESLint (typescript-eslint recommended) wall', check.ms / eslint.ms, 'at most', TARGETS.vsEslint),
  ];
  console.log(`\ncheck vs ESLint over the same ${files} files of the large app: median of ${runs} runs\n`);
  printTable(
    ['', 'median', 'min', 'max', 'CPU', 'per file', 'vs ESLint', 'target'],
    rows.map((row) => {
      const times = row.runs.map((run) => run.ms);
      return [
        row.label,
        `${Math.round(row.ms)} ms`,
        `${Math.round(Math.min(...times))} ms`,
        `${Math.round(Math.max(...times))} ms`,
        `${Math.round(row.cpuMs)} ms`,
        `${((row.ms / files) * 1000).toFixed(0)} µs`,
        (row.ms / eslint.ms).toFixed(2),
        row === check ? `${targetCell(targets[0])}, ${targetCell(targets[1])}` : '',
      ];
    }),
  );
  writeResults(path.join(ROOT, 'bench/results/check.json'), {
    files,
    runs,
    check: { medianMs: check.ms, cpuMs: check.cpuMs, perFileUs: (check.ms / files) * 1000, samplesMs: check.runs.map((run) => run.ms) },
    eslint: { medianMs: eslint.ms, cpuMs: eslint.cpuMs, perFileUs: (eslint.ms / files) * 1000, samplesMs: eslint.runs.map((run) => run.ms) },
    targets,
  });
} finally {
  await apps.removeTestApp(app);
}

async function timeOnce({ label, command: [bin, args], exitCodes }) {
  const cpuBefore = finishedChildrenCpuMs();
  const started = performance.now();
  const result = await apps.run(bin, args, { cwd: app });
  const ms = performance.now() - started;
  if (!exitCodes.includes(result.code)) throw new Error(`${label} exited ${result.code}:\n${result.stdout.slice(-2000)}\n${result.stderr.slice(-2000)}`);
  return { ms, cpuMs: finishedChildrenCpuMs() - cpuBefore };
}

async function mustSucceed(bin, args) {
  const result = await apps.run(bin, args, { cwd: app });
  if (result.code !== 0) throw new Error(`${path.basename(bin)} ${args.join(' ')} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
}

/** The seed's files without their `.seed` suffix (see test/e2e/check.e2e.ts). */
function copySeed(from, to) {
  for (const entry of readdirSync(from, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const source = path.join(entry.parentPath, entry.name);
    cpSync(source, path.join(to, path.relative(from, source).replace(/\.seed$/, '')));
  }
}

function countTsFiles(folder) {
  return readdirSync(folder, { recursive: true }).filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts')).length;
}
