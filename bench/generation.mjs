#!/usr/bin/env node
// Generation speed: how long `gateway chat` takes through our CLI and through `nest g -c`,
// as ratios to stock `nest g gateway chat`, all measured in one run on the same machine.
//
//   npm run bench                                  (builds first; all three commands)
//   node bench/generation.mjs [--runs=5] [--only=stock,cli,nest-c]
//
// Every run gets a fresh copy of the same cached nest12-esm app (copy time not timed). Exits
// non-zero only when a command fails; a missed target is reported as MISSED.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, loadAppHelpers } from '../scripts/load-app-helpers.mjs';
import { median } from './stats.mjs';

const RESULTS = path.join(ROOT, 'bench/results/generation.json');
const KIND = 'nest12-esm';
// `nest g` exits 0 even when the schematic fails, so success is "exit 0 and this file exists".
const GENERATED = 'src/chat/chat.gateway.ts';

const COMMANDS = [
  { id: 'stock', label: 'A', bin: 'nest', args: ['g', 'gateway', 'chat'] },
  { id: 'cli', label: 'B', bin: 'realtime-schematics', args: ['gateway', 'chat'], target: 0.35 },
  { id: 'nest-c', label: 'C', bin: 'nest', args: ['g', '-c', 'realtime-schematics', 'gateway', 'chat'], target: 1.1 },
];

function parseOptions() {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '5' }, only: { type: 'string' } },
  });
  const runs = Number(values.runs);
  const ids = values.only?.split(',') ?? COMMANDS.map((command) => command.id);
  const unknown = ids.filter((id) => !COMMANDS.some((command) => command.id === id));
  if (!Number.isInteger(runs) || runs < 1 || unknown.length > 0) {
    throw new Error(`usage: generation.mjs [--runs=N] [--only=${COMMANDS.map((c) => c.id).join(',')}]`);
  }
  return { runs, commands: COMMANDS.filter((command) => ids.includes(command.id)) };
}

/** Wall-clock of one command in its own fresh copy of the app; throws if the command failed. */
async function timeOnce(apps, command, installPackage) {
  const dir = await apps.createTestApp(KIND, { installPackage });
  try {
    const started = performance.now();
    const result = await apps.run(path.join(dir, 'node_modules/.bin', command.bin), command.args, { cwd: dir });
    const elapsed = performance.now() - started;
    const written = existsSync(path.join(dir, GENERATED));
    if (result.code !== 0 || !written) {
      throw new Error(
        `${command.label} \`${describe(command)}\` failed (exit ${result.code}, ` +
          `${GENERATED} ${written ? 'written' : 'not written'}):\n${result.stdout}\n${result.stderr}`,
      );
    }
    return elapsed;
  } finally {
    await apps.removeTestApp(dir);
  }
}

/** Runs the commands in rounds, rotating their order, so no command always follows the same one. */
async function measure(apps, commands, runs) {
  const installPackage = commands.some((command) => command.id !== 'stock');
  const times = new Map(commands.map((command) => [command, []]));
  for (let round = 0; round < runs; round++) {
    for (let i = 0; i < commands.length; i++) {
      const command = commands[(i + round) % commands.length];
      const ms = await timeOnce(apps, command, installPackage);
      times.get(command).push(ms);
      process.stderr.write(`${command.label} run ${round + 1}/${runs}: ${Math.round(ms)} ms\n`);
    }
  }
  return { installPackage, times };
}

function summarize(times) {
  const stock = times.get(COMMANDS[0]);
  const reference = stock ? median(stock) : undefined;
  return [...times].map(([command, ms]) => {
    const medianMs = median(ms);
    const ratio = reference && command !== COMMANDS[0] ? medianMs / reference : undefined;
    return {
      ...command,
      timesMs: ms.map(round1),
      medianMs: round1(medianMs),
      minMs: round1(Math.min(...ms)),
      maxMs: round1(Math.max(...ms)),
      ratio: ratio === undefined ? undefined : Math.round(ratio * 1000) / 1000,
      met: ratio === undefined || command.target === undefined ? undefined : ratio <= command.target,
    };
  });
}

function printTable(rows, runs) {
  console.log(`\nGeneration of \`gateway chat\` in a ${KIND} app: median wall-clock of ${runs} runs\n`);
  const header = ['', 'command', 'median', 'min', 'max', 'vs A', 'target', ''];
  const lines = rows.map((row) => [
    row.label,
    describe(row),
    `${Math.round(row.medianMs)} ms`,
    `${Math.round(row.minMs)} ms`,
    `${Math.round(row.maxMs)} ms`,
    row.ratio === undefined ? (row.label === 'A' ? '1.00' : 'n/a') : row.ratio.toFixed(2),
    row.target === undefined ? '' : `<= ${row.target.toFixed(2)}`,
    row.met === undefined ? '' : row.met ? 'ok' : 'MISSED',
  ]);
  const widths = header.map((_, column) => Math.max(...[header, ...lines].map((line) => line[column].length)));
  for (const line of [header, ...lines]) {
    const cells = line.map((cell, column) =>
      column === 1 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
    );
    console.log(cells.join('  ').trimEnd());
  }
}

function writeResults(rows, runs, installPackage) {
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    machine: `${os.platform()} ${os.arch()}, ${os.cpus().length} cpus`,
    app: KIND,
    packageInstalled: installPackage,
    runs,
    commands: Object.fromEntries(
      rows.map((row) => [
        row.label,
        { command: describe(row), timesMs: row.timesMs, medianMs: row.medianMs, minMs: row.minMs, maxMs: row.maxMs },
      ]),
    ),
    ratios: Object.fromEntries(
      rows
        .filter((row) => row.ratio !== undefined)
        .map((row) => [`${row.label}/A`, { value: row.ratio, target: row.target, met: row.met }]),
    ),
  };
  mkdirSync(path.dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwritten to ${path.relative(ROOT, RESULTS)}`);
}

function describe(command) {
  return [command.bin, ...command.args].join(' ');
}


function round1(ms) {
  return Math.round(ms * 10) / 10;
}

try {
  const { runs, commands } = parseOptions();
  const { installPackage, times } = await measure(loadAppHelpers(), commands, runs);
  const rows = summarize(times);
  printTable(rows, runs);
  writeResults(rows, runs, installPackage);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
