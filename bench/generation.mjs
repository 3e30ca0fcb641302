#!/usr/bin/env node
// Generation speed, two tables measured in one run on the same machine:
// 1. commands: `gateway chat` (and `feature chat`, when this build has it) through our CLI and
//    through `nest g -c`, as ratios to stock `nest g gateway chat`, each in a fresh copy of the app:
//    the app as `nest new` writes it (its Prettier config needs no formatting) and the same app
//    with a team's non-default Prettier config (every file we write or edit goes through Prettier);
// 2. app size: our CLI in a large app (260 modules, 1,260 files) as a ratio to a fresh app, which
//    shows whether generation time grows with the app beyond the files it edits.
//
//   npm run bench                                  (the whole suite)
//   node bench/generation.mjs [--runs=5] [--size-runs=5] [--only=commands,size]
//
// Every command is run through the app's node_modules/.bin, in its own fresh copy of a cached
// nest12-esm app (copy time not timed), rounds rotating the order. Exits non-zero only when a
// command fails; a missed target is reported as MISSED.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../scripts/load-app-helpers.mjs';
import { LARGE_APP, LARGE_APP_SIZE } from './large-app.mjs';
import { apps } from './runtime-apps.mjs';
import { checkTarget, finishedChildrenCpuMs, measureInRounds, printTable, targetCell, writeResults } from './stats.mjs';

const KIND = 'nest12-esm';
const GATEWAY = 'src/chat/chat.gateway.ts';
const MODULE = 'src/chat/chat.module.ts';
// The `feature` schematic is being added on another branch: its rows run only once it is built.
const HAS_FEATURE = existsSync(path.join(ROOT, 'dist/schematics/feature'));
const TARGETS = { cli: 0.35, nestC: 1.1, size: 1.2 };

/**
 * The app with a non-default Prettier config in place of `nest new`'s `.prettierrc` (no semicolons,
 * print width 100), its code formatted with it as a team's would be: our CLI then formats every file
 * it creates, and the files it edits (they were clean before). Bump `revision` when this changes.
 */
const PRETTIER_APP = {
  name: 'prettier',
  recipe: { revision: 1, config: 'singleQuote: true\nsemi: false\nprintWidth: 100\n' },
  async extend(app) {
    rmSync(path.join(app, '.prettierrc'));
    writeFileSync(path.join(app, '.prettierrc.yaml'), PRETTIER_APP.recipe.config);
    const result = await apps.run(path.join(app, 'node_modules/.bin/prettier'), ['--write', 'src', 'test', 'package.json'], { cwd: app });
    if (result.code !== 0) throw new Error(`prettier --write failed in ${app}:\n${result.stdout}\n${result.stderr}`);
  },
};

/**
 * `nest g` exits 0 even when the schematic fails, so success is "every step exits 0 and every
 * `expects` file exists". A command of several steps is timed as a whole.
 */
const DEFAULT_APP_COMMANDS = [
  { label: 'A', steps: [['nest', 'g', 'gateway', 'chat']], expects: [GATEWAY] },
  { label: 'B', steps: [['realtime-schematics', 'gateway', 'chat']], expects: [GATEWAY], target: TARGETS.cli },
  { label: 'C', steps: [['nest', 'g', '-c', 'realtime-schematics', 'gateway', 'chat']], expects: [GATEWAY], target: TARGETS.nestC },
  ...(HAS_FEATURE
    ? [
        // What a user of the stock schematics types to get a feature module with a gateway.
        { label: 'M', steps: [['nest', 'g', 'module', 'chat'], ['nest', 'g', 'gateway', 'chat']], expects: [MODULE, GATEWAY] },
        { label: 'D', steps: [['realtime-schematics', 'feature', 'chat']], expects: [MODULE, GATEWAY], target: TARGETS.cli, feature: true },
        { label: 'E', steps: [['nest', 'g', '-c', 'realtime-schematics', 'feature', 'chat']], expects: [MODULE, GATEWAY], target: TARGETS.nestC, feature: true },
      ]
    : []),
];
/** Every command in the default app (vs A), then A to E again in the Prettier app, `Ap` … `Ep` (vs Ap). */
const COMMANDS = [
  ...DEFAULT_APP_COMMANDS.map((command) => ({ ...command, reference: 'A' })),
  ...DEFAULT_APP_COMMANDS.filter((command) => command.label !== 'M').map((command) => ({
    ...command,
    label: `${command.label}p`,
    reference: 'Ap',
    variant: PRETTIER_APP,
    feature: false,
  })),
].map((command) => ({ ...command, describe: command.steps.map((step) => step.join(' ')).join(' + ') + (command.variant ? ' (Prettier config)' : '') }));

function parseOptions() {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '5' }, 'size-runs': { type: 'string', default: '5' }, only: { type: 'string', default: 'commands,size' } },
  });
  const runs = Number(values.runs);
  const sizeRuns = Number(values['size-runs']);
  const parts = values.only.split(',');
  if (![runs, sizeRuns].every((n) => Number.isInteger(n) && n >= 1) || parts.some((part) => !['commands', 'size'].includes(part))) {
    throw new Error('usage: generation.mjs [--runs=N] [--size-runs=N] [--only=commands,size]');
  }
  return { runs, sizeRuns, parts };
}

/**
 * Wall-clock and CPU time of one command in its own fresh copy of the app; throws if the command
 * failed. The targets are on wall-clock (what a user waits); CPU time is printed beside it because
 * it hardly moves when other processes compete for the two cores.
 */
async function timeOnce(command, variant) {
  const dir = await apps.createTestApp(KIND, { variant });
  try {
    const cpuBefore = finishedChildrenCpuMs();
    const started = performance.now();
    for (const [bin, ...args] of command.steps) {
      const result = await apps.run(path.join(dir, 'node_modules/.bin', bin), args, { cwd: dir });
      if (result.code !== 0) throw new Error(`${command.label} \`${[bin, ...args].join(' ')}\` failed (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
    }
    const ms = performance.now() - started;
    const cpuMs = finishedChildrenCpuMs() - cpuBefore;
    const missing = command.expects.filter((file) => !existsSync(path.join(dir, file)));
    if (missing.length > 0) throw new Error(`${command.label} \`${command.describe}\` exited 0 but did not write ${missing.join(', ')}`);
    return { ms, cpuMs };
  } finally {
    await apps.removeTestApp(dir);
  }
}

async function measureCommands(runs) {
  if (!HAS_FEATURE) console.log('feature: not in this build, skipped');
  const rows = await measureInRounds(COMMANDS, runs, (command) => timeOnce(command, command.variant));
  const byLabel = Object.fromEntries(rows.map((row) => [row.label, row]));
  const ratioTo = (row, reference, figure = 'ms') => row[figure] / byLabel[reference][figure];
  const targets = rows
    .filter((row) => row.target !== undefined)
    .map((row) => checkTarget(`${row.label}/${row.reference} ${row.describe} vs ${byLabel[row.reference].describe}`, ratioTo(row, row.reference), 'at most', row.target));

  console.log(`\nGeneration in a fresh ${KIND} app (rows …p: with a non-default Prettier config): median wall-clock and CPU time of ${runs} runs\n`);
  printTable(
    ['', 'command', 'median', 'min', 'max', 'CPU', 'vs A/Ap', 'target', 'CPU vs A/Ap', ...(HAS_FEATURE ? ['vs M'] : [])],
    rows.map((row) => {
      const times = row.runs.map((run) => run.ms);
      const checked = targets.find((target) => target.figure.startsWith(`${row.label}/`));
      return [
        row.label,
        row.describe,
        `${Math.round(row.ms)} ms`,
        `${Math.round(Math.min(...times))} ms`,
        `${Math.round(Math.max(...times))} ms`,
        `${Math.round(row.cpuMs)} ms`,
        ratioTo(row, row.reference).toFixed(2),
        checked ? targetCell(checked) : '',
        ratioTo(row, row.reference, 'cpuMs').toFixed(2),
        ...(HAS_FEATURE ? [row.feature ? ratioTo(row, 'M').toFixed(2) : ''] : []),
      ];
    }),
  );
  return {
    commands: Object.fromEntries(rows.map((row) => [row.label, { command: row.describe, ...figures(row) }])),
    prettierApp: { config: PRETTIER_APP.recipe.config, rows: rows.filter((row) => row.variant).map((row) => row.label) },
    ...(HAS_FEATURE && { featureVsModulePlusGateway: Object.fromEntries(rows.filter((row) => row.feature).map((row) => [`${row.label}/M`, round3(ratioTo(row, 'M'))])) }),
    targets,
  };
}

/** Our CLI in the large app and in a fresh one, alternating, per command. */
async function measureAppSize(runs) {
  const commands = [COMMANDS.find((command) => command.label === 'B'), ...COMMANDS.filter((command) => command.label === 'D')];
  const variants = commands.flatMap((command) => [
    { label: `${command.label} fresh`, command, app: 'fresh' },
    { label: `${command.label} large`, command, app: 'large' },
  ]);
  const rows = await measureInRounds(variants, runs, (variant) => timeOnce(variant.command, variant.app === 'large' ? LARGE_APP : undefined));
  const pairs = commands.map((command) => {
    const [fresh, large] = ['fresh', 'large'].map((app) => rows.find((row) => row.command === command && row.app === app));
    return { command, fresh, large, cpuRatio: large.cpuMs / fresh.cpuMs, checked: checkTarget(`large/fresh ${command.describe}`, large.ms / fresh.ms, 'at most', TARGETS.size) };
  });

  console.log(`\nGeneration time vs app size: a fresh ${KIND} app vs the same app with ${LARGE_APP_SIZE.modules} modules and ${LARGE_APP_SIZE.files} files more; median wall-clock and CPU time of ${runs} runs\n`);
  printTable(
    ['', 'command', 'fresh app', 'large app', 'large/fresh', 'target', 'CPU fresh', 'CPU large', 'CPU large/fresh'],
    pairs.map(({ command, fresh, large, cpuRatio, checked }) => [
      command.label,
      command.describe,
      `${Math.round(fresh.ms)} ms`,
      `${Math.round(large.ms)} ms`,
      checked.ratio.toFixed(2),
      targetCell(checked),
      `${Math.round(fresh.cpuMs)} ms`,
      `${Math.round(large.cpuMs)} ms`,
      cpuRatio.toFixed(2),
    ]),
  );
  return {
    largeApp: LARGE_APP_SIZE,
    commands: Object.fromEntries(
      pairs.map(({ command, fresh, large, cpuRatio }) => [command.label, { command: command.describe, fresh: figures(fresh), large: figures(large), cpuRatio: round3(cpuRatio) }]),
    ),
    targets: pairs.map(({ checked }) => checked),
  };
}

/** Medians and every run of a measured row, for the results file. */
function figures(row) {
  return { medianMs: round1(row.ms), medianCpuMs: round1(row.cpuMs), timesMs: row.runs.map((run) => round1(run.ms)), cpuMs: row.runs.map((run) => round1(run.cpuMs)) };
}

function round1(ms) {
  return Math.round(ms * 10) / 10;
}

function round3(ratio) {
  return Math.round(ratio * 1000) / 1000;
}

try {
  const { runs, sizeRuns, parts } = parseOptions();
  const commands = parts.includes('commands') ? await measureCommands(runs) : undefined;
  const size = parts.includes('size') ? await measureAppSize(sizeRuns) : undefined;
  writeResults(path.join(ROOT, 'bench/results/generation.json'), {
    app: KIND,
    featureInBuild: HAS_FEATURE,
    ...(commands && { runs, commands }),
    ...(size && { sizeRuns, appSize: size }),
    targets: [...(commands?.targets ?? []), ...(size?.targets ?? [])],
  });
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
