import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, removeTestApp } from '../support/apps';
import { succeed } from '../support/commands';
import { TEST_JWT_SECRET } from '../support/jwt';
import { TESTED_NODE_VERSIONS, nodeBinDir } from '../support/node-installs';
import { startApp } from '../support/processes';
import { PRODUCTION_E2E_SPECS, PRODUCTION_UNIT_SPECS, expectProductionChat } from '../support/production-set';
import { REPO_ROOT, readJson } from '../support/repo';

/** Where the own CLI keeps its compile cache (src/cli/compile-cache.ts), under its TMPDIR. */
const COMPILE_CACHE = 'realtime-schematics-compile-cache';

/** PATH with Node `version` first, as a user's version manager sets it. */
async function pathWithNode(version: string): Promise<NodeJS.ProcessEnv> {
  return { PATH: `${await nodeBinDir(version)}:${process.env.PATH}` };
}

/**
 * The own CLI through `npx`, as a user runs it: `--help`, then the production set (`init`,
 * `feature chat`, `redis-adapter`; --skip-install: the template app already holds every package,
 * and the test stays offline), each asserted. `env` gives PATH and the CLI's TMPDIR.
 */
async function generateWithCli(app: string, env: NodeJS.ProcessEnv): Promise<void> {
  const cli = (args: string[]) => succeed(app, 'npx', ['realtime-schematics', ...args], env);
  expect((await cli(['--help'])).stdout).toMatch(/^ {2}feature \(realtime\) /m);
  const output = [await cli(['init', '--skip-install']), await cli(['feature', 'chat']), await cli(['redis-adapter', '--skip-install'])]
    .map(({ stdout, stderr }) => stdout + stderr)
    .join('');
  expect(output).not.toMatch(/error/i);
  for (const file of ['realtime.json', 'src/chat/chat.gateway.ts', 'src/chat/chat.rooms.ts', 'src/realtime/redis-io.adapter.ts']) {
    expect(output).toContain(`CREATE ${file}`);
  }
  expect(output).toContain('UPDATE src/main.ts');
}

const escaped = (version: string) => version.replace(/\./g, '\\.');

/**
 * The Node majors Nest users run besides the machine's (SPEC §7), each first on PATH: the own CLI
 * through `npx`, then the Nest 12 ESM app's own build, unit and e2e runners, and the app itself,
 * all on that Node.
 */
describe.each(TESTED_NODE_VERSIONS)('on Node %s, in a nest12-esm app with the packed package', (version) => {
  let app: string;
  let env: NodeJS.ProcessEnv;
  /** The CLI's temp folder: Node's compile cache there names the Node that wrote it. */
  let cliTmp: string;

  beforeAll(async () => {
    env = await pathWithNode(version);
    app = await createTestApp('nest12-esm');
    cliTmp = await mkdtemp(join(tmpdir(), 'rs-cli-tmp-'));
  });

  afterAll(async () => {
    if (app) await removeTestApp(app);
    if (cliTmp) await rm(cliTmp, { recursive: true, force: true });
  });

  it('is the `node` on PATH', async () => {
    expect((await succeed(app, 'node', ['--version'], env)).stdout.trim()).toBe(`v${version}`);
  });

  it('runs the own CLI through npx: --help, init, feature chat, redis-adapter', async () => {
    await generateWithCli(app, { ...env, TMPDIR: cliTmp });
    // Node 22.1+ caches the CLI's compiled code itself, in a folder named after the Node version
    // that compiled it: the CLI ran on this one.
    expect(await readdir(join(cliTmp, COMPILE_CACHE))).toEqual([expect.stringMatching(new RegExp(`^v${escaped(version)}-`))]);
  });

  it('builds the app and passes its generated unit and e2e specs in the app’s own runners', async () => {
    await succeed(app, 'npm', ['run', 'build'], env);
    const unit = await succeed(app, 'npm', ['test'], env);
    for (const spec of PRODUCTION_UNIT_SPECS) expect(unit.stdout + unit.stderr).toMatch(spec);
    // The app's own e2e spec boots its module, which needs the secret like the app does.
    const e2e = await succeed(app, 'npm', ['run', 'test:e2e'], { ...env, JWT_SECRET: TEST_JWT_SECRET });
    for (const spec of PRODUCTION_E2E_SPECS) expect(e2e.stdout + e2e.stderr).toMatch(spec);
  });

  it('starts the app on it and serves /chat to socket.io-client', async () => {
    const server = await startApp(app, { JWT_SECRET: TEST_JWT_SECRET }, 'dist/main.js', join(await nodeBinDir(version), 'node'));
    try {
      await expectProductionChat(server.url);
    } finally {
      await server.stop();
    }
  });
});

/**
 * The oldest Node the package accepts (`engines`, e.g. `>=20.19` → 20.19.0), which has no compile
 * cache of its own: the CLI keeps a V8 code cache of TypeScript instead.
 */
const ENGINES_FLOOR = `${/^>=(\d+\.\d+)$/.exec(readJson(join(REPO_ROOT, 'package.json')).engines.node)![1]}.0`;

describe(`the own CLI on Node ${ENGINES_FLOOR}, the floor of engines`, () => {
  let app: string;
  const cliTmps: string[] = [];
  const newTmp = async () => {
    cliTmps.push(await mkdtemp(join(tmpdir(), 'rs-cli-tmp-')));
    return cliTmps[cliTmps.length - 1];
  };

  beforeAll(async () => {
    app = await createTestApp('nest12-esm');
  });

  afterAll(async () => {
    if (app) await removeTestApp(app);
    await Promise.all(cliTmps.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('generates the production set, with a code cache of TypeScript named after this Node', async () => {
    const cliTmp = await newTmp();
    await generateWithCli(app, { ...(await pathWithNode(ENGINES_FLOOR)), TMPDIR: cliTmp });
    expect(await readdir(join(cliTmp, COMPILE_CACHE))).toEqual([expect.stringMatching(new RegExp(`^typescript-.*-v${escaped(ENGINES_FLOOR)}-`))]);
  });

  it.each([ENGINES_FLOOR, TESTED_NODE_VERSIONS[TESTED_NODE_VERSIONS.length - 1]])(
    'keeps no compile cache on Node %s with NODE_DISABLE_COMPILE_CACHE set (Node’s own switch)',
    async (version) => {
      const cliTmp = await newTmp();
      const env = { ...(await pathWithNode(version)), TMPDIR: cliTmp, NODE_DISABLE_COMPILE_CACHE: '1' };
      const dryRun = await succeed(app, 'npx', ['realtime-schematics', 'gateway', 'lobby', '--dry-run'], env);
      expect(dryRun.stdout).toContain('CREATE src/lobby/lobby.gateway.ts');
      expect(await readdir(cliTmp)).toEqual([]);
    },
  );
});
