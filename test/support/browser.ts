/**
 * Headless Chromium for the browser e2e tests: Debian's `chromium` package, installed by
 * scripts/ensure-chromium.mjs when missing, driven by playwright-core (which downloads no browser of
 * its own). Each launch has a fresh profile in a temp folder, removed when it closes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { mustRun } from './processes';
import { REPO_ROOT, log } from './repo';

const CHROMIUM = '/usr/bin/chromium';

/** A quiet, offline browser: no sandbox (root in CI), no GPU, no background calls home. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Chromium {
  /** The browser's one profile: each `context.newPage()` is a tab. */
  context: BrowserContext;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/** Installs Debian's chromium package when /usr/bin/chromium is missing; throws with the manual step when it cannot. */
export async function ensureChromium(): Promise<void> {
  const result = await mustRun(process.execPath, [path.join(REPO_ROOT, 'scripts/ensure-chromium.mjs')], {
    cwd: REPO_ROOT,
    timeoutMs: 10 * 60_000,
  });
  if (result.stdout.trim()) log(result.stdout.trim());
}

export async function launchChromium(): Promise<Chromium> {
  // Playwright takes the profile folder as an argument of its own (it refuses --user-data-dir in args).
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'rs-chromium-'));
  const removeProfile = () => rm(userDataDir, { recursive: true, force: true });
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  } catch (error) {
    await removeProfile();
    throw error;
  }
  return {
    context,
    async close() {
      await context.close();
      await removeProfile();
    },
  };
}
