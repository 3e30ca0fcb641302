import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, removeTestApp } from '../support/apps';
import { succeed } from '../support/commands';
import { TEST_JWT_SECRET } from '../support/jwt';
import { TESTED_NODE_VERSIONS, nodeBinDir } from '../support/node-installs';
import { startApp } from '../support/processes';
import { PRODUCTION_E2E_SPECS, PRODUCTION_UNIT_SPECS, expectProductionChat } from '../support/production-set';

/**
 * The Node majors Nest users run besides the machine's (SPEC §7), each put first on PATH the way a
 * user's version manager does: the own CLI through `npx`, then the Nest 12 ESM app's own build, unit
 * and e2e runners, and the app itself, all on that Node.
 */
describe.each(TESTED_NODE_VERSIONS)('on Node %s, in a nest12-esm app with the packed package', (version) => {
  let app: string;
  let node: string;
  let env: NodeJS.ProcessEnv;
  /** The CLI's temp folder: Node's compile cache there names the Node that wrote it. */
  let cliTmp: string;

  beforeAll(async () => {
    const bin = await nodeBinDir(version);
    node = join(bin, 'node');
    env = { PATH: `${bin}:${process.env.PATH}` };
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
    const cli = (args: string[]) => succeed(app, 'npx', ['realtime-schematics', ...args], { ...env, TMPDIR: cliTmp });
    expect((await cli(['--help'])).stdout).toMatch(/^ {2}feature \(realtime\) /m);

    // --skip-install: the template app already holds every package, and the test stays offline.
    const output = [await cli(['init', '--skip-install']), await cli(['feature', 'chat']), await cli(['redis-adapter', '--skip-install'])]
      .map(({ stdout, stderr }) => stdout + stderr)
      .join('');
    expect(output).not.toMatch(/error/i);
    for (const file of ['realtime.json', 'src/chat/chat.gateway.ts', 'src/chat/chat.rooms.ts', 'src/realtime/redis-io.adapter.ts']) {
      expect(output).toContain(`CREATE ${file}`);
    }
    expect(output).toContain('UPDATE src/main.ts');
    // Node 22.1+ caches the CLI's compiled code itself (src/cli/compile-cache.ts), in a folder
    // named after the Node version that compiled it: the CLI ran on this one.
    const cache = await readdir(join(cliTmp, 'realtime-schematics-compile-cache'));
    expect(cache).toEqual([expect.stringMatching(new RegExp(`^v${version.replace(/\./g, '\\.')}-`))]);
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
    const server = await startApp(app, { JWT_SECRET: TEST_JWT_SECRET }, 'dist/main.js', node);
    try {
      await expectProductionChat(server.url);
    } finally {
      await server.stop();
    }
  });
});
