import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { FASTIFY_VARIANT, packageManagerVariant } from '../support/app-recipes';
import { createTestApp, removeTestApp } from '../support/apps';
import { connectUser, openClient, refusal } from '../support/clients';
import { appBin, succeed } from '../support/commands';
import { TEST_JWT_SECRET } from '../support/jwt';
import { OtherPackageManager, packageManagerEnv } from '../support/package-managers';
import { packPackage } from '../support/packing';
import { run, startApp } from '../support/processes';
import { PRODUCTION_E2E_SPECS, PRODUCTION_UNIT_SPECS, expectProductionChat } from '../support/production-set';
import { fileSnapshot } from '../support/snapshots';

/**
 * Where Nest apps live besides the default one (SPEC §7): an app on Fastify, a gateway registered
 * with `--module` in a module of its own, and apps whose team uses pnpm, yarn or bun. Each app is
 * made once and shared by the cases that follow it.
 */

/** The conversation on a namespace of the production set's gateway shape: a message delivered and acked, an anonymous socket refused. */
async function expectGatewayTalks(url: string): Promise<void> {
  const carol = await connectUser(url, 'carol', ['message']);
  const dave = await connectUser(url, 'dave', ['message']);
  const anonymous = openClient(url);
  try {
    expect(await carol.call('message', { text: 'hello third' })).toEqual({ ok: true });
    expect(await dave.received(1)).toEqual([['message', { text: 'hello third', sender: 'carol', timestamp: expect.any(String) }]]);
    expect((await refusal(anonymous)).message).toBe('Unauthorized');
  } finally {
    [carol.socket, dave.socket, anonymous].forEach((socket) => socket.disconnect());
  }
}

describe('a Nest 12 app on Fastify (Express removed), with a gateway registered by --module in a module of its own', () => {
  let app: string;
  let output = '';
  const cli = async (...args: string[]) => {
    const result = await succeed(app, 'npx', ['realtime-schematics', ...args]);
    output += result.stdout + result.stderr;
  };

  beforeAll(async () => {
    app = await createTestApp('nest12-esm', { variant: FASTIFY_VARIANT });
  });

  afterAll(async () => {
    if (app) await removeTestApp(app);
  });

  it('is detected as Fastify, and the production set and `gateway third --module events` are generated', async () => {
    await cli('init', '--skip-install');
    await cli('feature', 'chat');
    await cli('redis-adapter', '--skip-install');
    // A module of the team's own, made by the app's own Nest CLI (and imported into AppModule by it).
    await succeed(app, appBin(app, 'nest'), ['g', 'module', 'events']);
    await cli('gateway', 'third', '--module', 'events');
    expect(output).toContain('Nest 12 app on Fastify: ESM, vitest, npm, sources in src.');
    expect(output).not.toMatch(/WARNING|error/i);

    const events = await readFile(join(app, 'src/events/events.module.ts'), 'utf8');
    // The gateway's middleware comes from WsAuthModule: it goes where the gateway is registered.
    expect(events).toContain('imports: [WsAuthModule],');
    expect(events).toContain('providers: [ThirdGateway, ThirdRooms, ThirdRoomPolicy]');
    expect(await readFile(join(app, 'src/app.module.ts'), 'utf8')).not.toMatch(/Third/);
    for (const spec of ['test/chat.gateway.e2e-spec.ts', 'test/chat.notifier.e2e-spec.ts', 'test/third.gateway.e2e-spec.ts']) {
      const text = await readFile(join(app, spec), 'utf8');
      expect(text).toContain('moduleRef.createNestApplication<NestFastifyApplication>(\n      new FastifyAdapter(),');
      expect(text).not.toContain('platform-express');
    }
  });

  it('builds, passes its own linter, and passes the generated unit and e2e specs in its own runners', async () => {
    await succeed(app, 'npm', ['run', 'build']);
    const lint = await succeed(app, 'npm', ['run', 'lint']);
    expect(lint.stdout + lint.stderr).not.toMatch(/[\\/](chat|realtime|third|events)[\\/]|(chat|third)\.(gateway|notifier)\.e2e-spec/);
    const unit = await succeed(app, 'npm', ['test']);
    for (const spec of PRODUCTION_UNIT_SPECS) expect(unit.stdout + unit.stderr).toMatch(spec);
    // The app's own e2e spec boots AppModule, which needs the secret like the app does.
    const e2e = await succeed(app, 'npm', ['run', 'test:e2e'], { JWT_SECRET: TEST_JWT_SECRET });
    for (const spec of [...PRODUCTION_E2E_SPECS, /third\.gateway\.e2e-spec\.ts/, /app\.e2e-spec\.ts/]) expect(e2e.stdout + e2e.stderr).toMatch(spec);
  });

  it('starts on Fastify and serves /chat and /third (registered in EventsModule) to socket.io-client', async () => {
    const server = await startApp(app, { JWT_SECRET: TEST_JWT_SECRET });
    try {
      await expectProductionChat(server.url);
      await expectGatewayTalks(`${server.url}/third`);
    } finally {
      await server.stop();
    }
  });
});

/** How a user of each package manager runs a package's bin, and adds a package from a tarball. */
const PM_COMMANDS: Record<OtherPackageManager, { exec: string[]; addDev: (tarball: string) => string[] }> = {
  pnpm: { exec: ['pnpm', 'exec'], addDev: (tarball) => ['pnpm', 'add', '--save-dev', tarball] },
  yarn: { exec: ['yarn'], addDev: (tarball) => ['yarn', 'add', '--dev', `realtime-schematics@file:${tarball}`] },
  bun: { exec: ['bun', 'x'], addDev: (tarball) => ['bun', 'add', '--dev', tarball] },
};

const LOCKFILES: Record<OtherPackageManager, string> = { pnpm: 'pnpm-lock.yaml', yarn: 'yarn.lock', bun: 'bun.lock' };

/** A copy of the package manager's app with the packed package added by that package manager, as its user adds it. */
async function packageManagerApp(pm: OtherPackageManager, env: NodeJS.ProcessEnv): Promise<string> {
  const app = await createTestApp('nest12-esm', { installPackage: false, variant: packageManagerVariant(pm) });
  const tarball = await packPackage();
  await mkdir(join(app, '.packed'));
  await copyFile(tarball, join(app, '.packed', basename(tarball)));
  const [bin, ...args] = PM_COMMANDS[pm].addDev(`./.packed/${basename(tarball)}`);
  await succeed(app, bin, args, env);
  return app;
}

describe.each(['pnpm', 'yarn', 'bun'] as const)('a Nest 12 app on %s', (pm) => {
  let app: string;
  let env: NodeJS.ProcessEnv;
  const cli = async (...args: string[]) => {
    const [bin, ...exec] = PM_COMMANDS[pm].exec;
    const result = await succeed(app, bin, [...exec, 'realtime-schematics', ...args], env);
    return result.stdout + result.stderr;
  };

  beforeAll(async () => {
    env = await packageManagerEnv(pm);
    app = await packageManagerApp(pm, env);
  });

  afterAll(async () => {
    if (app) await removeTestApp(app);
  });

  it(`init installs with ${pm}, feature chat too; the app builds with ${pm} and serves /chat`, async () => {
    const lockfile = join(app, LOCKFILES[pm]);
    const socketIoAdapter = join(app, 'node_modules/@nestjs/platform-socket.io/package.json');
    expect(await readFile(lockfile, 'utf8')).not.toContain('@nestjs/platform-socket.io');
    expect(existsSync(socketIoAdapter)).toBe(false);
    const init = await cli('init');
    expect(init).toContain(`Nest 12 app: ESM, vitest, ${pm}, sources in src.`);
    // The install task ran with the app's package manager: its lockfile and node_modules have the packages.
    expect(await readFile(lockfile, 'utf8')).toContain('@nestjs/platform-socket.io');
    expect(existsSync(socketIoAdapter)).toBe(true);
    expect(await cli('feature', 'chat')).toContain('CREATE src/chat/chat.gateway.ts');
    expect(await readFile(lockfile, 'utf8')).toContain('rate-limiter-flexible');

    await succeed(app, pm, ['run', 'build'], env);
    const server = await startApp(app, { JWT_SECRET: TEST_JWT_SECRET });
    try {
      await expectProductionChat(server.url);
    } finally {
      await server.stop();
    }
  });
});

describe('a Nest 12 app on yarn with Plug’n’Play (yarn’s default linker)', () => {
  let app: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    env = await packageManagerEnv('yarn');
    app = await createTestApp('nest12-esm', { installPackage: false, variant: packageManagerVariant('yarn') });
    await writeFile(join(app, '.yarnrc.yml'), 'nodeLinker: pnp\n');
    const tarball = await packPackage();
    await mkdir(join(app, '.packed'));
    await copyFile(tarball, join(app, '.packed', basename(tarball)));
    await succeed(app, 'yarn', ['add', '--dev', `realtime-schematics@file:./.packed/${basename(tarball)}`], env);
  });

  afterAll(async () => {
    if (app) await removeTestApp(app);
  });

  it('is refused with one line naming the nodeLinker workaround, a non-zero exit and no file changed', async () => {
    const before = await fileSnapshot(app);
    const result = await run('yarn', ['realtime-schematics', 'init'], { cwd: app, env: { ...env, NO_COLOR: '1' } });
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim()).toBe(
      "Error: This app uses Yarn Plug'n'Play, which realtime-schematics does not support (nor do the Nest CLI's generators): add `nodeLinker: node-modules` to .yarnrc.yml, run `yarn install`, then run this command again.",
    );
    expect(await fileSnapshot(app)).toEqual(before);
  });
});
