#!/usr/bin/env node
// The browser e2e test (test/e2e/browser.e2e.ts) drives Debian's Chromium (/usr/bin/chromium)
// through playwright-core, which downloads no browser of its own. This installs the `chromium`
// package when it is missing (as root, with apt-get), saying what it runs, and exits 1 with the
// manual step when it cannot. Run by .ci/run before `npm test` and by the test's beforeAll, so a
// plain `npm test` on a fresh machine installs it too.
//
//   node scripts/ensure-chromium.mjs
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';
const MANUAL_STEP = 'sudo apt-get update && sudo apt-get install -y chromium';

function fail(why) {
  console.error(`ensure-chromium: ${why}\nThe browser e2e test needs Debian's chromium package at ${CHROMIUM}. Install it by hand:\n  ${MANUAL_STEP}`);
  process.exit(1);
}

/** Runs a command with its output shown; true when it exited 0. */
function apt(args) {
  console.log(`ensure-chromium: apt-get ${args.join(' ')}`);
  const result = spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (result.error) fail(`cannot run apt-get: ${result.error.message}`);
  return result.status === 0;
}

if (existsSync(CHROMIUM)) process.exit(0);

console.log(`ensure-chromium: ${CHROMIUM} is missing: installing Debian's chromium package.`);
if (process.getuid?.() !== 0) fail('not running as root, so apt-get cannot install it.');
// The package lists may be missing or stale on a fresh machine: update them once if the first try fails.
if (!apt(['install', '-y', 'chromium'])) {
  if (!apt(['update']) || !apt(['install', '-y', 'chromium'])) fail('apt-get could not install chromium.');
}
if (!existsSync(CHROMIUM)) fail(`apt-get installed chromium, but ${CHROMIUM} is still missing.`);
console.log(`ensure-chromium: installed ${CHROMIUM}.`);
