/**
 * Node versions besides the one running the tests, installed from the npm registry (the `node`
 * package ships the binary) into `.cache/node@<version>`, once each. Put a bin folder first on PATH
 * and everything started through PATH (`npx`, npm scripts, `#!/usr/bin/env node` bins) runs on it.
 * Node built-ins only (see scripts/load-app-helpers.mjs).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { INSTALL_TIMEOUT_MS, NPM_INSTALL, mustRun } from './processes';
import { CACHE_DIR, REPO_ROOT } from './repo';

/**
 * The Node majors Nest users run besides the machine's (SPEC §7), at exact versions so every run
 * tests the same binaries. The first also serves jest in Nest 12 CommonJS apps (see below).
 */
export const TESTED_NODE_VERSIONS = ['24.21.0', '26.10.0'] as const;

/**
 * Nest 12's packages are ESM-only: jest (a Nest 12 CommonJS app's runner) loads them only on a Node
 * with require(esm) support in jest, 24.9+.
 */
const JEST_CAPABLE_NODE = TESTED_NODE_VERSIONS[0];

const installs = new Map<string, Promise<string>>();

/** The bin folder (for PATH) of Node `version`, installed into `.cache/` first if missing. */
export function nodeBinDir(version: string): Promise<string> {
  let install = installs.get(version);
  if (!install) {
    install = installNode(version);
    installs.set(version, install);
  }
  return install;
}

export function jestCapableNodeBinDir(): Promise<string> {
  return nodeBinDir(JEST_CAPABLE_NODE);
}

async function installNode(version: string): Promise<string> {
  const prefix = path.join(CACHE_DIR, `node@${version}`);
  const bin = path.join(prefix, 'node_modules', '.bin');
  if (existsSync(path.join(bin, 'node'))) return bin;
  // Installed privately, then renamed into place: a parallel run never sees a half-installed Node.
  const staging = await mkdtemp(`${prefix}.staging-`);
  try {
    await mustRun('npm', [...NPM_INSTALL, '--prefix', staging, `node@${version}`], { cwd: REPO_ROOT, timeoutMs: INSTALL_TIMEOUT_MS });
    if (!existsSync(prefix)) await rename(staging, prefix);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return bin;
}
