import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { Socket } from 'socket.io-client';
import { AppKind } from '../support/app-recipes';
import { createTestApp, removeTestApp } from '../support/apps';
import { jestCapableNodeBinDir } from '../support/node-installs';
import { run, startApp } from '../support/processes';
import { fileSnapshot, outputSnapshot } from '../support/snapshots';
import { connected, openClient } from '../support/clients';
import { appBin, succeed } from '../support/commands';

/**
 * The gateway schematic end to end, in real Nest 12 apps (ESM and CommonJS) with the packed
 * package installed: every entry point, the app compiled with its own strict tsconfig, its own
 * test runner and linter, and the running app driven with socket.io-client.
 */
const KINDS: AppKind[] = ['nest12-esm', 'nest12-cjs'];


/** The three entry points of SPEC §2, each generating `gateway chat`. */
const ENTRY_POINTS: Record<string, (app: string) => [string, string[]]> = {
  'own CLI': (app) => [appBin(app, 'realtime-schematics'), ['gateway', 'chat']],
  'nest g -c': (app) => [appBin(app, 'nest'), ['g', '-c', 'realtime-schematics', 'gateway', 'chat']],
  'schematics CLI': (app) => [appBin(app, 'schematics'), ['realtime-schematics:gateway', '--name=chat']],
};



const connect = (url: string): Promise<Socket> => connected(openClient(url));

describe.each(KINDS)('gateway in a %s app', (kind) => {
  const apps: Record<string, string> = {};

  beforeAll(async () => {
    for (const entryPoint of Object.keys(ENTRY_POINTS)) apps[entryPoint] = await createTestApp(kind);
  });

  afterAll(async () => {
    await Promise.all(Object.values(apps).map(removeTestApp));
  });

  it('generates the same files through all three entry points', async () => {
    const snapshots: Record<string, Record<string, string>> = {};
    for (const [entryPoint, command] of Object.entries(ENTRY_POINTS)) {
      const app = apps[entryPoint];
      const [executable, args] = command(app);
      const result = await succeed(app, executable, args);
      // `nest g` exits 0 even when the schematic fails: check the output and the files too.
      expect(result.stdout).toContain('CREATE src/chat/chat.gateway.ts');
      expect(result.stdout).toMatch(/UPDATE src\/app\.module\.ts/);
      snapshots[entryPoint] = await outputSnapshot(app);
    }
    expect(snapshots['nest g -c']).toEqual(snapshots['own CLI']);
    expect(snapshots['schematics CLI']).toEqual(snapshots['own CLI']);
    expect(readFileSync(join(apps['own CLI'], 'src/app.module.ts'), 'utf8')).toMatch(
      kind === 'nest12-esm' ? "import { ChatGateway } from './chat/chat.gateway.js';" : "import { ChatGateway } from './chat/chat.gateway';",
    );
  });

  it('compiles under the app’s own strict tsconfig, specs included, and passes its linter', async () => {
    const app = apps['own CLI'];
    await succeed(app, appBin(app, 'tsc'), ['-p', 'tsconfig.json', '--noEmit']);
    await succeed(app, 'npm', ['run', 'build']);
    await succeed(app, 'npm', ['run', 'lint']);
    const prettier = await run(appBin(app, 'prettier'), ['--check', 'src', 'test'], { cwd: app });
    expect(prettier.stderr + prettier.stdout).toContain('All matched files use Prettier code style!');
  });

  it('passes its generated unit and e2e specs in the app’s own test runner', async () => {
    const app = apps['own CLI'];
    // Jest cannot load Nest 12's ESM-only packages on Node 20: the CommonJS app's specs run on Node 24.
    const env = kind === 'nest12-cjs' ? { PATH: `${await jestCapableNodeBinDir()}:${process.env.PATH}` } : {};
    // A non-zero exit fails the test; the file names prove the generated specs were among those run.
    const unit = await succeed(app, 'npm', ['test'], env);
    expect(unit.stdout + unit.stderr).toMatch(/chat\.gateway\.spec\.ts/);
    const e2e = await succeed(app, 'npm', ['run', 'test:e2e'], env);
    expect(e2e.stdout + e2e.stderr).toMatch(/chat\.gateway\.e2e-spec\.ts/);
  });

  it('serves the namespace: the message reaches the other clients and the sender gets its ack', async () => {
    const server = await startApp(apps['own CLI']);
    const clients: Socket[] = [];
    try {
      const [sender, receiver, bystander] = await Promise.all([1, 2, 3].map(() => connect(`${server.url}/chat`)));
      clients.push(sender, receiver, bystander);
      const received = new Promise((resolve) => receiver.once('message', resolve));
      const echoed: unknown[] = [];
      sender.on('message', (message) => echoed.push(message));

      const ack = await sender.timeout(5000).emitWithAck('message', { text: 'hello' });
      expect(ack).toEqual({ ok: true });
      const message = (await received) as { text: string; sender: string; timestamp: string };
      expect(message).toEqual({ text: 'hello', sender: sender.id, timestamp: expect.any(String) });
      expect(new Date(message.timestamp).toISOString()).toBe(message.timestamp);

      // Invalid payloads are refused without delivery; the socket and the server stay up.
      sender.emit('message', { text: '' });
      sender.emit('message', { text: 'x'.repeat(1001) });
      sender.emit('message', { text: 'hi', extra: true });
      const next = new Promise((resolve) => bystander.once('message', resolve));
      await sender.timeout(5000).emitWithAck('message', { text: 'still here' });
      expect(await next).toMatchObject({ text: 'still here' });
      expect(sender.connected).toBe(true);
      expect(echoed).toEqual([]);

      const late = await connect(`${server.url}/chat`);
      clients.push(late);
      expect(late.connected).toBe(true);
    } finally {
      clients.forEach((client) => client.disconnect());
      await server.stop();
    }
  });

  it('changes nothing when run again, and says so', async () => {
    const app = apps['own CLI'];
    const before = await fileSnapshot(app);
    const again = await succeed(app, appBin(app, 'realtime-schematics'), ['gateway', 'chat']);
    expect(again.stdout.trim()).toBe('Nothing to be done.');
    expect(await fileSnapshot(app)).toEqual(before);
  });

  it('refuses bad input with one line, a non-zero exit, and no file changed', async () => {
    const app = apps['nest g -c'];
    const before = await fileSnapshot(app);
    for (const args of [['gateway', '../escape'], ['gateway', '2fast'], ['gateway', ''], ['gateway', 'news', '--colour=red'], ['gatewy', 'chat'], ['gateway']]) {
      const result = await run(appBin(app, 'realtime-schematics'), args, { cwd: app, env: { NO_COLOR: '1' } });
      expect({ args, code: result.code }).toEqual({ args, code: 1 });
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/^Error: /);
    }
    // A generated file changed by hand is not overwritten without --force.
    const gatewayFile = join(app, 'src/chat/chat.gateway.ts');
    await run('sh', ['-c', `echo '// mine' >> ${gatewayFile}`], { cwd: app });
    const edited = await fileSnapshot(app);
    const conflict = await run(appBin(app, 'realtime-schematics'), ['gateway', 'chat'], { cwd: app });
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain('src/chat/chat.gateway.ts already exists with different content');
    expect(await fileSnapshot(app)).toEqual(edited);
    expect(await fileSnapshot(app)).not.toEqual(before);
  });

  it('writes nothing with --dry-run and prints help from the schema', async () => {
    const app = apps['schematics CLI'];
    const before = await fileSnapshot(app);
    const dry = await succeed(app, appBin(app, 'realtime-schematics'), ['gateway', 'live', '--dry-run']);
    expect(dry.stdout).toContain('CREATE src/live/live.gateway.ts');
    expect(dry.stdout).toContain('Dry run: nothing was written.');
    expect(await fileSnapshot(app)).toEqual(before);

    const help = await succeed(app, appBin(app, 'realtime-schematics'), ['gateway', '--help']);
    expect(help.stdout).toContain('Usage: realtime-schematics gateway [name] [options]');
    expect(help.stdout).toContain('--spec-file-suffix <string>');
    const globalHelp = await succeed(app, appBin(app, 'realtime-schematics'), ['--help']);
    expect(globalHelp.stdout).toContain('e.g. realtime-schematics gateway chat');
  });
});
