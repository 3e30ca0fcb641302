import { UnitTestTree } from '@angular-devkit/schematics/testing';
import { createAppTree, createRunner, runSchematic, snapshotTree } from '../../../test/support/unit/app-tree';

const runner = createRunner();

const run = (tree: UnitTestTree, options: Record<string, unknown> = {}) => runSchematic(runner, 'redis-adapter', options, tree);

function withMain(kind: 'esm' | 'cjs', main: string): UnitTestTree {
  const tree = createAppTree(kind);
  tree.overwrite('/src/main.ts', main);
  return tree;
}


describe('redis-adapter schematic', () => {
  it('wires the adapter into the default Nest 12 ESM main.ts after create, before listen — once', async () => {
    const { tree } = await run(createAppTree('esm'));
    expect(tree.readContent('/src/main.ts')).toBe(
      [
        "import { NestFactory } from '@nestjs/core';",
        "import { AppModule } from './app.module.js';",
        "import { RedisIoAdapter } from './realtime/redis-io.adapter.js';",
        '',
        'async function bootstrap() {',
        '  const app = await NestFactory.create(AppModule);',
        '  const redisIoAdapter = new RedisIoAdapter(app);',
        '  await redisIoAdapter.connectToRedis();',
        '  app.useWebSocketAdapter(redisIoAdapter);',
        '  app.enableShutdownHooks();',
        '  await app.listen(process.env.PORT ?? 3000);',
        '}',
        'await bootstrap();',
        '',
      ].join('\n'),
    );
    expect(tree.exists('/src/realtime/redis-io.adapter.ts')).toBe(true);
    expect(tree.exists('/src/realtime/ws-server-options.ts')).toBe(true);
    const packageJson = JSON.parse(tree.readContent('/package.json'));
    expect(packageJson.dependencies).toMatchObject({ redis: '^6.3.1', '@socket.io/redis-adapter': '^8.3.0' });

    const before = snapshotTree(tree);
    await run(tree);
    expect(snapshotTree(tree)).toEqual(before);
  });

  it('wires a CommonJS main.ts without the .js suffix', async () => {
    const { tree } = await run(createAppTree('cjs'));
    const main = tree.readContent('/src/main.ts');
    expect(main).toContain("import { RedisIoAdapter } from './realtime/redis-io.adapter';");
    expect(main).toContain('app.useWebSocketAdapter(redisIoAdapter);\n  app.enableShutdownHooks();\n  await app.listen(');
    expect(main).toContain('void bootstrap();');
  });

  it('finds NestFactory by its local name, with generics and options, and keeps existing shutdown hooks', async () => {
    const main = [
      "import { NestFactory as Factory } from '@nestjs/core';",
      "import { NestExpressApplication } from '@nestjs/platform-express';",
      "import { AppModule } from './app.module.js';",
      '',
      'async function start() {',
      '  const server = await Factory.create<NestExpressApplication>(AppModule, { bufferLogs: true });',
      '  server.enableShutdownHooks();',
      '}',
      'void start();',
      '',
    ].join('\n');
    const { tree } = await run(withMain('esm', main));
    const result = tree.readContent('/src/main.ts');
    expect(result).toContain(
      '  const server = await Factory.create<NestExpressApplication>(AppModule, { bufferLogs: true });\n  const redisIoAdapter = new RedisIoAdapter(server);\n  await redisIoAdapter.connectToRedis();\n  server.useWebSocketAdapter(redisIoAdapter);\n  server.enableShutdownHooks();\n}',
    );
  });

  it.each([
    ['another adapter is set', "import { NestFactory } from '@nestjs/core';\nimport { WsAdapter } from '@nestjs/platform-ws';\nimport { AppModule } from './app.module.js';\n\nasync function bootstrap() {\n  const app = await NestFactory.create(AppModule);\n  app.useWebSocketAdapter(new WsAdapter(app));\n  await app.listen(3000);\n}\nvoid bootstrap();\n", 'a different WebSocket adapter is already set'],
    ['the app is not created with NestFactory.create', "import { NestFactory } from '@nestjs/core';\nimport { AppModule } from './app.module.js';\n\nNestFactory.createMicroservice(AppModule);\n", 'no `const app = await NestFactory.create(...)` found'],
    ['NestFactory is not imported', "import { bootstrap } from './bootstrap.js';\n\nvoid bootstrap();\n", 'NestFactory from @nestjs/core is not imported'],
  ])('leaves main.ts untouched with a manual step when %s', async (_case, main, reason) => {
    const { tree, warnings } = await run(withMain('esm', main));
    expect(tree.readContent('/src/main.ts')).toBe(main);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`WARNING src/main.ts was left unchanged: ${reason}; after the app is created add`);
    expect(tree.exists('/src/realtime/redis-io.adapter.ts')).toBe(true);
  });

  it('inserts after create even when main.ts never listens (e.g. app.init())', async () => {
    const main = "import { NestFactory } from '@nestjs/core';\nimport { AppModule } from './app.module.js';\n\nexport async function createApp() {\n  const app = await NestFactory.create(AppModule);\n  await app.init();\n  return app;\n}\n";
    const { tree } = await run(withMain('esm', main));
    expect(tree.readContent('/src/main.ts')).toContain('const app = await NestFactory.create(AppModule);\n  const redisIoAdapter = new RedisIoAdapter(app);');
  });

  it.each([
    ['pubsub', 'redis'],
    ['sharded', 'ioredis'],
    ['streams', 'redis'],
    ['streams', 'ioredis'],
  ])('writes Prettier-clean files for %s over %s', async (kind, client) => {
    const prettier = await import('prettier');
    const tree = createAppTree('esm');
    const options = JSON.parse(tree.readContent('/.prettierrc'));
    const { tree: result } = await run(tree, { kind, client });
    const files = ['/src/realtime/redis-io.adapter.ts', '/src/realtime/ws-server-options.ts', '/src/main.ts', ...(kind === 'streams' ? ['/src/realtime/redis-streams-order.ts'] : [])];
    for (const file of files) {
      const text = result.readContent(file);
      expect({ file, text: await prettier.format(text, { ...options, filepath: file }) }).toEqual({ file, text });
    }
  });

  it.each([
    ['pubsub', 'redis', "import { createAdapter } from '@socket.io/redis-adapter';", 'createAdapter(pub, sub)'],
    ['sharded', 'redis', "import { createShardedAdapter } from '@socket.io/redis-adapter';", 'createShardedAdapter(pub, sub)'],
    ['streams', 'ioredis', "import { createAdapter } from '@socket.io/redis-streams-adapter';", 'inStreamOrder(\n'],
    ['sharded', 'ioredis', "import { createShardedAdapter } from '@socket.io/redis-adapter';", 'createShardedAdapter(pub, sub)'],
  ])('generates the %s adapter over %s, from flags or realtime.json', async (kind, client, factoryImport, call) => {
    const viaFlags = (await run(createAppTree('esm'), { kind, client })).tree.readContent('/src/realtime/redis-io.adapter.ts');
    const conventions = createAppTree('esm');
    conventions.create('/realtime.json', JSON.stringify({ adapter: { kind, client } }));
    const viaConventions = (await run(conventions)).tree.readContent('/src/realtime/redis-io.adapter.ts');
    expect(viaConventions).toBe(viaFlags);
    expect(viaFlags).toContain(factoryImport);
    expect(viaFlags).toContain(`this.adapterConstructor = ${call}`);
    // The connections come from the shared helper, in the client library's spelling (one Redis or a cluster).
    expect(viaFlags).toContain(kind === 'streams' ? "import { createRedis, hostsOf, redisMode } from './realtime-redis.js';" : "import { createRedis, hostsOf } from './realtime-redis.js';");
    const helper = (await run(createAppTree('esm'), { kind, client })).tree.readContent('/src/realtime/realtime-redis.ts');
    expect(helper).toContain(client === 'ioredis' ? "import { Cluster, type ClusterOptions, Redis } from 'ioredis';" : "import { createClient, type RedisClientType } from 'redis';");
    // ioredis's Cluster keeps a sharded subscriber per master only when asked to.
    expect(viaFlags.includes('shardedSubscribers: true')).toBe(kind === 'sharded' && client === 'ioredis');
    // Recovery (SPEC §5.10): always with streams; with pubsub and sharded only without Redis (in memory).
    expect(viaFlags).toContain(kind === 'streams' ? '      connectionStateRecovery,\n' : '...(this.adapterConstructor ? {} : { connectionStateRecovery }),');
    // Only the streams kind delivers in stream order, from its own file.
    expect(viaFlags.includes("import { inStreamOrder } from './redis-streams-order.js';")).toBe(kind === 'streams');
  });

  it('writes the stream-order wrapper beside the streams adapter only, and socket.io-adapter, which it imports', async () => {
    const { tree: streams } = await run(createAppTree('esm'), { kind: 'streams' });
    expect(streams.exists('/src/realtime/redis-streams-order.ts')).toBe(true);
    expect(JSON.parse(streams.readContent('/package.json')).dependencies).toMatchObject({ '@socket.io/redis-streams-adapter': '^0.3.1', 'socket.io-adapter': '~2.5.2' });
    const { tree: pubsub } = await run(createAppTree('esm'), { kind: 'pubsub' });
    expect(pubsub.exists('/src/realtime/redis-streams-order.ts')).toBe(false);
    expect(JSON.parse(pubsub.readContent('/package.json')).dependencies['socket.io-adapter']).toBeUndefined();
  });

  it('reads the recovery window and the drain timeout from the environment, in the one place server options live', async () => {
    const { tree } = await run(createAppTree('esm'));
    const options = tree.readContent('/src/realtime/ws-server-options.ts');
    expect(options).toContain('env.WS_RECOVERY_WINDOW_MS');
    expect(options).toContain('skipMiddlewares: true');
    expect(options).toContain('export function wsDrainTimeoutMs(');
    expect(tree.readContent('/src/realtime/redis-io.adapter.ts')).toContain('private readonly drainTimeoutMs = wsDrainTimeoutMs();');
  });
});
