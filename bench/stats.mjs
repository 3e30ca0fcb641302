// Small statistics and output helpers shared by the benchmarks.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The p-th percentile (0–100) by nearest rank. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const HAS_SCHEDSTAT = existsSync('/proc/self/schedstat');

/**
 * CPU time a process has used so far, in milliseconds: the sum of its threads' run time from
 * /proc/<pid>/task/<tid>/schedstat (nanoseconds; main thread, GC and libuv threads alike). The
 * process-wide user + system time in /proc/<pid>/stat counts 10 ms ticks, ±2.5% over a 0.4 s
 * fan-out window, too coarse to compare handlers whose cost differs by a few per cent; it is the
 * fallback on kernels without schedstat.
 */
export function processCpuMs(pid) {
  if (!HAS_SCHEDSTAT) {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  }
  let nanoseconds = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      nanoseconds += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return nanoseconds / 1e6;
}

/**
 * CPU time (user + system) of this process's finished children and everything they waited for, in
 * milliseconds: the difference around one command is that command's CPU time, grandchildren
 * included (the Nest CLI runs schematics in a child). Less sensitive than wall-clock to other
 * processes competing for the cores.
 */
export function finishedChildrenCpuMs() {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

/** Prints rows (arrays of cells) as an aligned table, the first column left-aligned. */
export function printTable(header, rows) {
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((line) => String(line[column]).length)));
  for (const line of [header, ...rows]) {
    console.log(line.map((cell, column) => (column <= 1 ? String(cell).padEnd(widths[column]) : String(cell).padStart(widths[column]))).join('  ').trimEnd());
  }
}

export function machine() {
  return `${os.platform()} ${os.arch()}, ${os.cpus().length} cpus (${os.cpus()[0]?.model.trim()}), Node ${process.version}`;
}

export function writeResults(file, results) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine: machine(), ...results }, null, 2)}\n`);
}

/**
 * Measures every variant `rounds` times, rotating their order each round so none always runs
 * first, and returns each variant with its runs and the median of every numeric figure.
 */
export async function measureInRounds(variants, rounds, measureOne) {
  const samples = new Map(variants.map((variant) => [variant, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < variants.length; i++) {
      const variant = variants[(i + round) % variants.length];
      const sample = await measureOne(variant);
      samples.get(variant).push(sample);
      process.stderr.write(`${variant.label} round ${round + 1}/${rounds}: ${JSON.stringify(sample, (_, value) => (typeof value === 'number' ? Math.round(value * 10) / 10 : value))}\n`);
    }
  }
  return variants.map((variant) => {
    const runs = samples.get(variant);
    const figures = Object.keys(runs[0]).map((key) => [key, median(runs.map((run) => run[key]))]);
    return { ...variant, ...Object.fromEntries(figures), runs };
  });
}

/**
 * One target of the suite, in the form every results file lists under `targets` and
 * bench/run-all.mjs summarises: `ratio` checked against `bound`, an upper bound for `at most`
 * (times) and a lower one for `at least` (throughput).
 */
export function checkTarget(figure, ratio, kind, bound) {
  const met = kind === 'at most' ? ratio <= bound : ratio >= bound;
  return { figure, ratio: Math.round(ratio * 1000) / 1000, target: `${kind === 'at most' ? '<=' : '>='} ${bound}`, met };
}

/** The target as a table cell: `<= 0.35 ok` or `>= 1.5 MISSED`. */
export function targetCell(checked) {
  return `${checked.target} ${checked.met ? 'ok' : 'MISSED'}`;
}
