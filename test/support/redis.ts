import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { freePort } from './processes';

/** A redis-server of the test's own, on a free loopback port, that the test can stop and restart. */
export interface OwnRedis {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** True when a `redis-server` binary is on the PATH. */
export function redisServerAvailable(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * `describe` for suites that need `what` (a redis-server binary, a Redis Cluster): on a machine
 * without it they are skipped with a loud warning, but under CI=true they run, and fail, because a
 * CI that cannot test Redis must not pass.
 */
export function describeNeeding(available: boolean, what: string): jest.Describe {
  if (available || process.env.CI === 'true') return describe;
  console.warn(`SKIPPED: no ${what} on this machine, so these e2e tests cannot run.`);
  return describe.skip;
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let server: ChildProcess | undefined;
  const start = async () => {
    server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await waitForPing(port);
  };
  const stop = async () => {
    const running = server;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, start, stop };
}

async function waitForPing(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      if (execFileSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).trim() === 'PONG') return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server on port ${port} did not answer PING`);
}
