/**
 * Child processes of the tests: commands (`run`, `mustRun`, `npm` as a user runs it) and started
 * apps (`startApp` on a free port, `stop`), each in a way that leaves nothing running.
 * Node built-ins only (see scripts/load-app-helpers.mjs).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The command outlived its timeout and its process group was killed. */
  timedOut: boolean;
}

export interface RunOptions {
  cwd: string;
  /** Merged over process.env; a key set to undefined removes that variable. */
  env?: NodeJS.ProcessEnv;
  /** Default 2 minutes. */
  timeoutMs?: number;
  input?: string;
}

export interface RunningApp {
  port: number;
  url: string;
  pid: number;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process has exited. */
  stop(): Promise<void>;
  /** Everything the app printed so far, stdout and stderr interleaved. */
  output(): string;
  /** How the process ended (`exited with SIGTERM`, `exited with code 0`), or undefined while it runs. */
  exitReason(): string | undefined;
}

const DEFAULT_TIMEOUT_MS = 2 * 60_000;
export const INSTALL_TIMEOUT_MS = 5 * 60_000;
export const NPM_INSTALL = ['install', '--no-audit', '--no-fund'];
/**
 * Apps are built as a user builds them, whoever runs the build: jest sets NODE_ENV=test, and with
 * it `nest g app` skips moving the default app into apps/.
 */
export const USER_ENV: NodeJS.ProcessEnv = { NODE_ENV: undefined };

/**
 * Runs a command without a shell, stdin at EOF after `input` (if any). Never throws on a non-zero
 * exit; on timeout the whole process group is killed (npm and nest spawn children) and reported.
 */
export function run(cmd: string, args: string[], opts: RunOptions): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: 'pipe',
      detached: true, // its own process group, so a timeout can kill the grandchildren too
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // stdin gets the input, if any, then EOF. A command that exits without reading it must not
    // crash us with EPIPE.
    child.stdin.on('error', () => undefined).end(opts.input);
    const timer = setTimeout(() => {
      timedOut = true;
      stderr += `\n[run] killed after ${timeoutMs} ms: ${cmd} ${args.join(' ')}\n`;
      killGroup(child.pid);
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${cmd}: ${error.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

/** `run` for steps that must succeed: throws with the command's output otherwise. */
export async function mustRun(cmd: string, args: string[], opts: RunOptions): Promise<RunResult> {
  const result = await run(cmd, args, opts);
  if (result.code !== 0) {
    const output = `${result.stdout}\n${result.stderr}`.trim().slice(-4000);
    throw new Error(`\`${cmd} ${args.join(' ')}\` failed in ${opts.cwd} (exit ${result.code}):\n${output}`);
  }
  return result;
}

/** npm in an app, as its user runs it (USER_ENV), with the install timeout. */
export function npm(cwd: string, args: string[]): Promise<RunResult> {
  return mustRun('npm', args, { cwd, env: USER_ENV, timeoutMs: INSTALL_TIMEOUT_MS });
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const START_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;

/**
 * Starts a built app (`node dist/main.js`, or another `entry` relative to the app) on a free port
 * and resolves once it accepts connections. `node` is the Node binary that runs it (default: the
 * one running the tests).
 */
export async function startApp(
  dir: string,
  env: NodeJS.ProcessEnv = {},
  entryFile = 'dist/main.js',
  node = process.execPath,
): Promise<RunningApp> {
  const entry = path.join(dir, entryFile);
  if (!existsSync(entry)) throw new Error(`${entry} is missing: build the app first`);
  const port = await freePort();
  const child = spawn(node, [entry], {
    cwd: dir,
    // Nest's logger colours its output even without a TTY; plain text reads better in failures.
    // `port` too: the main.ts that `nest g app` writes reads `process.env.port`.
    env: { ...process.env, NO_COLOR: '1', ...env, PORT: String(port), port: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  let exitReason: string | undefined;
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve((exitReason = `exited with ${signal ?? `code ${code}`}`))),
  );

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(killer);
  };

  const failure = await waitForPort(port, exited);
  if (failure) {
    await stop();
    throw new Error(`app in ${dir} did not start: ${failure}\n${output}`);
  }
  return { port, url: `http://127.0.0.1:${port}`, pid: child.pid!, stop, output: () => output, exitReason: () => exitReason };
}

/** Polls until the port accepts a connection; returns why it never did, or undefined on success. */
async function waitForPort(port: number, exited: Promise<string>): Promise<string | undefined> {
  let exitReason: string | undefined;
  void exited.then((reason) => (exitReason = reason));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exitReason) return exitReason;
    if (await accepts(port)) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return exitReason ?? `port ${port} not open after ${START_TIMEOUT_MS} ms`;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function killGroup(pid: number | undefined): void {
  try {
    if (pid) process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
