import { UnitTestTree } from '@angular-devkit/schematics/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { conventionDefaults, loadConventions } from '../../core/conventions';
import { ENVIRONMENT_KEYS } from '../../core/environment';
import manifest from '../../core/versions.json';
import { createAppTree, createRunner, runSchematic, snapshotTree } from '../../../test/support/unit/app-tree';
import { createNxTree } from '../../../test/support/unit/nx-tree';
import { DEFAULT_COLLECTION } from './index';
import type { InitOptions } from './schema';

const runner = createRunner();
const init = (tree: UnitTestTree, options: Partial<InitOptions> = {}) => runSchematic(runner, 'init', options, tree);

interface PackageJson {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}
const packageJsonOf = (tree: UnitTestTree) => JSON.parse(tree.readContent('/package.json')) as PackageJson;

/** The host app moved to another Nest major (every @nestjs/* runtime package declared at `^major`). */
function withNestMajor(tree: UnitTestTree, major: number): UnitTestTree {
  const packageJson = packageJsonOf(tree);
  for (const name of Object.keys(packageJson.dependencies).filter((dependency) => dependency.startsWith('@nestjs/'))) {
    packageJson.dependencies[name] = `^${major}.0.0`;
  }
  tree.overwrite('/package.json', JSON.stringify(packageJson, null, 2) + '\n');
  return tree;
}

const keyLines = (text: string, key: string) => text.split('\n').filter((line) => new RegExp(`^#?\\s*${key}=`).test(line));

describe('init schematic', () => {
  it('adds the runtime dependencies at the versions of the app’s Nest major, and socket.io-client for the e2e specs', async () => {
    for (const major of [12, 11] as const) {
      const { tree } = await init(withNestMajor(createAppTree('esm'), major));
      const { dependencies, devDependencies } = packageJsonOf(tree);
      const versions = manifest.byNestMajor[major];
      expect(dependencies['@nestjs/websockets']).toBe(versions['@nestjs/websockets']);
      expect(dependencies['@nestjs/platform-socket.io']).toBe(versions['@nestjs/platform-socket.io']);
      expect(dependencies['@nestjs/jwt']).toBe(versions['@nestjs/jwt']);
      expect(dependencies['socket.io']).toBe(versions['socket.io']);
      expect(dependencies['class-validator']).toBe(manifest.common['class-validator']);
      expect(devDependencies['socket.io-client']).toBe(manifest.common['socket.io-client']);
      expect(dependencies['socket.io-client']).toBeUndefined();
    }
  });

  it('pins socket.io to the version the installed @nestjs/platform-socket.io depends on', async () => {
    const tree = createAppTree('esm');
    tree.create('/node_modules/@nestjs/platform-socket.io/package.json', JSON.stringify({ version: '12.0.1', dependencies: { 'socket.io': '4.8.1' } }));
    const { tree: result } = await init(tree);
    expect(packageJsonOf(result).dependencies['socket.io']).toBe('4.8.1');
  });

  it('refuses an app without @nestjs/core or on an unsupported Nest major, and writes nothing', async () => {
    const old = withNestMajor(createAppTree('cjs'), 10);
    const before = snapshotTree(old);
    await expect(init(old)).rejects.toThrow('Nest 10 ("@nestjs/core": "^10.0.0") is not supported: realtime-schematics supports Nest 11 and 12.');
    expect(snapshotTree(old)).toEqual(before);

    const notNest = createAppTree('cjs');
    notNest.overwrite('/package.json', JSON.stringify({ name: 'x', dependencies: {} }));
    await expect(init(notNest)).rejects.toThrow('No @nestjs/core in package.json');
  });

  it('writes realtime.json with its $schema, every default, auth, rooms, notifier, presence, rate limit and client on, and the streams adapter', async () => {
    const { tree } = await init(createAppTree('esm'));
    const written = JSON.parse(tree.readContent('/realtime.json'));
    const defaults = conventionDefaults();
    expect(written).toEqual({
      $schema: './node_modules/realtime-schematics/realtime.schema.json',
      ...defaults,
      auth: { ...defaults.auth, enabled: true },
      rooms: { ...defaults.rooms, enabled: true },
      adapter: { ...defaults.adapter, enabled: true, kind: 'streams' },
      notifier: { ...defaults.notifier, enabled: true },
      presence: { ...defaults.presence, enabled: true },
      rateLimit: { ...defaults.rateLimit, enabled: true },
      client: { ...defaults.client, enabled: true },
    });
    // Presence's timings too (SPEC §4, §5.8).
    expect(written.presence).toEqual({ enabled: true, diffIntervalMs: 250, offlineGraceMs: 5000, instanceTimeoutMs: 30000 });
    // The schema's own defaults keep them off: an app without realtime.json behaves as before.
    expect([defaults.notifier.enabled, defaults.presence.enabled, defaults.rateLimit.enabled, defaults.client.enabled]).toEqual([false, false, false, false]);
    // The $schema path points at the schema the package ships, and the file is valid against it.
    expect(readFileSync(join(__dirname, '../../../realtime.schema.json'), 'utf8')).toContain('"RealtimeConventions"');
    expect(loadConventions(tree).auth.enabled).toBe(true);
  });

  it('keeps an existing realtime.json byte for byte, and refuses an invalid one naming the key', async () => {
    const tree = createAppTree('esm');
    tree.create('/realtime.json', '{ "rooms": { "enabled": false } }\n');
    const { tree: result } = await init(tree);
    expect(result.readContent('/realtime.json')).toBe('{ "rooms": { "enabled": false } }\n');
    // Auth is off in the team's file: no JWT package.
    expect(packageJsonOf(result).dependencies['@nestjs/jwt']).toBeUndefined();

    const invalid = createAppTree('esm');
    invalid.create('/realtime.json', '{ "auth": { "enabled": "yes" } }');
    await expect(init(invalid)).rejects.toThrow('realtime.json: "auth.enabled" must be boolean.');
    expect(invalid.exists('/.env.example')).toBe(false);
  });

  it('creates .env.example with every environment key once', async () => {
    const { tree } = await init(createAppTree('esm'));
    const text = tree.readContent('/.env.example');
    for (const key of ENVIRONMENT_KEYS) expect(keyLines(text, key.name)).toEqual([`${key.name}=${key.example}`]);
  });

  it('adds only the keys an existing .env.example lacks, leaving its lines as they are', async () => {
    const tree = createAppTree('esm');
    const existing = 'PORT=3000\nJWT_SECRET=change-me\n# REDIS_URL=redis://localhost:6379';
    tree.create('/.env.example', existing);
    const { tree: result } = await init(tree);
    const text = result.readContent('/.env.example');
    expect(text.startsWith(existing + '\n\n')).toBe(true);
    expect(keyLines(text, 'JWT_SECRET')).toEqual(['JWT_SECRET=change-me']);
    expect(keyLines(text, 'REDIS_URL')).toEqual(['# REDIS_URL=redis://localhost:6379']);
    expect(keyLines(text, 'WS_CORS_ORIGINS')).toHaveLength(1);
  });

  it('schedules one install task with the app’s package manager, none with --skip-install', async () => {
    await init(createAppTree('esm'));
    expect(runner.tasks.map((task) => [task.name, (task.options as { packageManager: string }).packageManager])).toEqual([['node-package', 'npm']]);

    const pnpm = createAppTree('esm');
    pnpm.create('/pnpm-lock.yaml', 'lockfileVersion: 9.0\n');
    await init(pnpm);
    expect(runner.tasks.map((task) => (task.options as { packageManager: string }).packageManager)).toEqual(['pnpm']);

    const { tree } = await init(createAppTree('esm'), { skipInstall: true });
    expect(runner.tasks).toEqual([]);
    expect(packageJsonOf(tree).dependencies['@nestjs/websockets']).toBeDefined();
  });

  it.each(['streams', 'pubsub', 'sharded'])('adds every package the conventions it writes need (adapter %s): `feature` then adds none', async (kind) => {
    const app = createAppTree('esm');
    const { tree } = await init(app, { skipInstall: true });
    const conventions = JSON.parse(tree.readContent('/realtime.json'));
    tree.overwrite('/realtime.json', JSON.stringify({ ...conventions, adapter: { ...conventions.adapter, kind } }));
    // As init writes for that kind: the same file, asked of init again on a fresh app.
    const fresh = createAppTree('esm');
    fresh.create('/realtime.json', tree.readContent('/realtime.json'));
    const { tree: initialised } = await init(fresh, { skipInstall: true });
    const before = initialised.readContent('/package.json');
    await runSchematic(runner, 'feature', { name: 'chat', skipInstall: true }, initialised);
    expect(initialised.readContent('/package.json')).toBe(before);
    expect(Object.keys(packageJsonOf(initialised).dependencies)).toContain('rate-limiter-flexible');
  });

  it('changes nothing and installs nothing when run again', async () => {
    const { tree: first } = await init(createAppTree('cjs'), { setDefault: true });
    const before = snapshotTree(first);
    const { tree: second } = await init(first, { setDefault: true });
    expect(snapshotTree(second)).toEqual(before);
    expect(runner.tasks).toEqual([]);
  });

  it('--set-default points nest-cli.json at the collection that extends @nestjs/schematics, keeping the file’s layout', async () => {
    const tree = createAppTree('esm');
    const original = tree.readContent('/nest-cli.json');
    const { tree: result } = await init(tree, { setDefault: true });
    expect(result.readContent('/nest-cli.json')).toBe(original.replace('"@nestjs/schematics"', `"${DEFAULT_COLLECTION}"`));

    // The default collection: stock first (so `guard`, `filter`, `service`… stay stock), then ours;
    // its own entry overrides only `gateway`.
    const collection = JSON.parse(readFileSync(join(__dirname, '../../../default-collection.json'), 'utf8'));
    const ours = JSON.parse(readFileSync(join(__dirname, '../../../collection.json'), 'utf8'));
    expect(collection.extends).toEqual(['./collection.json', '@nestjs/schematics']);
    expect(Object.keys(collection.schematics)).toEqual(['gateway']);
    expect(collection.schematics.gateway).toEqual(ours.schematics.gateway);
  });

  it('--set-default leaves a collection the team chose and says how to switch', async () => {
    const tree = createAppTree('esm');
    tree.overwrite('/nest-cli.json', tree.readContent('/nest-cli.json').replace('"@nestjs/schematics"', '"@acme/schematics"'));
    const before = tree.readContent('/nest-cli.json');
    const { tree: result, warnings } = await init(tree, { setDefault: true });
    expect(result.readContent('/nest-cli.json')).toBe(before);
    expect(warnings).toEqual([
      `WARNING nest-cli.json was left unchanged: its collection is "@acme/schematics"; set it to "${DEFAULT_COLLECTION}" by hand to make realtime-schematics the default.`,
    ]);
  });

  it('--set-default in an Nx workspace (no nest-cli.json) writes no config file and says what to write in nx.json', async () => {
    const tree = createNxTree();
    const { tree: result, warnings } = await init(tree, { setDefault: true, project: 'api', skipInstall: true });
    expect(result.exists('/nest-cli.json')).toBe(false);
    expect(result.readContent('/nx.json')).toBe(tree.readContent('/nx.json'));
    expect(warnings).toEqual([
      'WARNING Nx has no default collection: run `nx g realtime-schematics:<schematic> --project api`; to make api every run\'s project, add "generators": { "realtime-schematics": { "<schematic>": { "project": "api" } } } to nx.json.',
    ]);
  });

  it('in an Nx project, adds the test-e2e target that runs the generated e2e specs with the project\'s jest config, once', async () => {
    const { tree, warnings } = await init(createNxTree(), { project: 'api', skipInstall: true });
    expect(warnings).toEqual([]);
    expect(JSON.parse(tree.readContent('/apps/api/project.json')).targets).toEqual({
      'test-e2e': {
        executor: 'nx:run-commands',
        options: { command: "jest --config jest.config.cts --testMatch '<rootDir>/test/**/*.e2e-spec.ts'", cwd: 'apps/api' },
      },
    });
    const before = snapshotTree(tree);
    await init(tree, { project: 'api', skipInstall: true });
    expect(snapshotTree(tree)).toEqual(before);

    // A target of that name the team has is theirs.
    const own = createNxTree();
    own.overwrite('/apps/api/project.json', JSON.stringify({ name: 'api', targets: { 'test-e2e': { command: 'echo ours' } } }));
    const { tree: kept } = await init(own, { project: 'api', skipInstall: true });
    expect(JSON.parse(kept.readContent('/apps/api/project.json')).targets).toEqual({ 'test-e2e': { command: 'echo ours' } });
  });
});
