import { join } from 'node:path';
import { RunResult, run } from './processes';

/** A binary of the app's own node_modules/.bin, as a user's npm scripts would run it. */
export const appBin = (app: string, name: string) => join(app, 'node_modules/.bin', name);

/**
 * Runs a command in an app as CI would (no TTY, no colours) and fails the test with its whole
 * output unless it exits 0. The Nest CLI and the devkit CLI colour their output even without a
 * terminal, so colours are stripped.
 */
export async function succeed(app: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  const result = await run(command, args, { cwd: app, env: { CI: 'true', NO_COLOR: '1', ...env }, timeoutMs: 240_000 });
  if (result.code !== 0 || result.timedOut) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
  return { ...result, stdout: stripColours(result.stdout), stderr: stripColours(result.stderr) };
}

function stripColours(text: string): string {
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}
