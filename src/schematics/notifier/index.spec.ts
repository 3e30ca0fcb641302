import { UnitTestTree } from '@angular-devkit/schematics/testing';
import { createAppTree, createRunner, runSchematic, snapshotTree } from '../../../test/support/unit/app-tree';

const runner = createRunner();

const run = (schematic: string, tree: UnitTestTree, options: Record<string, unknown>) => runSchematic(runner, schematic, options, tree);

const occurrences = (text: string, fragment: string) => text.split(fragment).length - 1;

function withConventions(tree: UnitTestTree, conventions: object): UnitTestTree {
  tree.create('/realtime.json', JSON.stringify(conventions));
  return tree;
}

/** An app with `gateway chat` generated under the given conventions. */
async function appWithChat(conventions: object = {}, kind: 'esm' | 'cjs' = 'esm'): Promise<UnitTestTree> {
  const { tree } = await run('gateway', withConventions(createAppTree(kind), conventions), { name: 'chat' });
  return tree;
}

const HAND_WRITTEN = [
  "import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';",
  '',
  "@WebSocketGateway({ namespace: 'live' })",
  'export class LiveGateway {',
  "  @SubscribeMessage('ping')",
  '  ping(): string {',
  "    return 'pong';",
  '  }',
  '}',
  '',
].join('\n');

describe('notifier schematic', () => {
  it('writes the notifier, its unit spec and e2e spec beside the gateway, provided and exported once by its module', async () => {
    const tree = await appWithChat();
    const { tree: result, warnings } = await run('notifier', tree, { name: 'chat' });
    expect(warnings).toEqual([]);
    for (const file of ['/src/chat/chat.notifier.ts', '/src/chat/chat.notifier.spec.ts', '/test/chat.notifier.e2e-spec.ts', '/src/realtime/realtime-redis.ts']) {
      expect(result.exists(file)).toBe(true);
    }
    const notifier = result.readContent('/src/chat/chat.notifier.ts');
    expect(notifier).toContain("@WebSocketGateway({ namespace: 'chat' })\nexport class ChatNotifier implements OnApplicationShutdown {");
    expect(notifier).toContain("emitter: emitter.of('/chat')");
    // Typed by the namespace's contract, to which it adds `notification` and its payload.
    expect(notifier).toContain("import type { ChatServerEvents } from './chat.contract.js';");
    expect(notifier).toContain("import type { ChatNamespace } from './chat.events.js';");
    const contract = result.readContent('/src/chat/chat.contract.ts');
    expect(contract).toContain('export interface ChatNotification {');
    expect(contract).toContain('  notification: (notification: ChatNotification) => void;\n}');
    const appModule = result.readContent('/src/app.module.ts');
    expect(appModule).toContain('providers: [AppService, ChatGateway, ChatNotifier],\n  exports: [ChatNotifier],');
    expect(occurrences(appModule, "import { ChatNotifier } from './chat/chat.notifier.js';")).toBe(1);
    expect(result.readContent('/test/chat.notifier.e2e-spec.ts')).toContain("import { AppModule } from '../src/app.module.js';");
    const packageJson = JSON.parse(result.readContent('/package.json'));
    expect(packageJson.dependencies).toMatchObject({ '@socket.io/redis-emitter': '^5.1.0', redis: '^6.3.1' });

    // `notifier --gateway chat` is the same command: nothing to do on a rerun.
    const before = snapshotTree(result);
    await run('notifier', result, { gateway: 'chat' });
    expect(snapshotTree(result)).toEqual(before);
  });

  it('puts no suffix on relative imports in a CommonJS app, and adds the ioredis client the conventions name', async () => {
    const tree = await appWithChat({ adapter: { client: 'ioredis' } }, 'cjs');
    const { tree: result } = await run('notifier', tree, { name: 'chat' });
    const notifier = result.readContent('/src/chat/chat.notifier.ts');
    expect(notifier).toContain("from '../realtime/realtime-redis';");
    expect(notifier).not.toContain('.js\'');
    expect(result.readContent('/src/realtime/realtime-redis.ts')).toContain("import { Cluster, type ClusterOptions, Redis } from 'ioredis';");
    expect(result.readContent('/src/app.module.ts')).toContain("import { ChatNotifier } from './chat/chat.notifier';");
    expect(JSON.parse(result.readContent('/package.json')).dependencies).toHaveProperty('ioredis');
  });

  it('registers an aliased import of the notifier the module already has, and keeps its layout', async () => {
    const tree = await appWithChat();
    const appModule = tree.readContent('/src/app.module.ts');
    tree.overwrite(
      '/src/app.module.ts',
      `import { ChatNotifier as Notifier } from './chat/chat.notifier.js';\n${appModule.replace('providers: [AppService, ChatGateway],', 'providers: [\n    AppService,\n    ChatGateway,\n  ],')}`,
    );
    const { tree: result } = await run('notifier', tree, { name: 'chat' });
    const updated = result.readContent('/src/app.module.ts');
    expect(updated).toContain('providers: [\n    AppService,\n    ChatGateway,\n    Notifier,\n  ],\n  exports: [Notifier],');
    expect(occurrences(updated, 'chat.notifier.js')).toBe(1);
  });

  it('types a hand-written gateway by a contract it writes, with the notification event', async () => {
    const tree = createAppTree('esm');
    tree.create('/src/live/live.gateway.ts', HAND_WRITTEN);
    const { tree: result } = await run('notifier', tree, { gateway: 'live' });
    const notifier = result.readContent('/src/live/live.notifier.ts');
    expect(notifier).toContain("import type { LiveServerEvents } from './live.contract.js';");
    // The gateway had no contract: the notifier writes one (with the envelope's empty maps) and the server types.
    const contract = result.readContent('/src/live/live.contract.ts');
    // No client events yet: an empty map, not an empty interface (which typed lint flags).
    expect(contract).toContain('export type LiveClientEvents = Record<string, never>;');
    expect(contract).toContain('export interface LiveServerEvents {\n  /** Pushed from app code by the notifier (toUser, toRoom, toAll). */\n  notification: (notification: LiveNotification) => void;\n}');
    expect(result.readContent('/src/live/live.events.ts')).toContain('export type LiveNamespace = Namespace<');
    expect(result.readContent('/src/app.module.ts')).toContain('exports: [LiveNotifier]');

    // The room handler's client events make the empty map an interface, its doc comment kept.
    await run('room-handler', result, { name: 'live', gateway: 'live' });
    const withRooms = result.readContent('/src/live/live.contract.ts');
    expect(withRooms).toContain('/** Events clients emit on the `live` namespace, with the acks they get back. */\nexport interface LiveClientEvents {\n  /** Joins a room');
    expect(withRooms).not.toContain('= Record<string, never>;');
    expect(withRooms).toContain('  notification: (notification: LiveNotification) => void;');
    const before = snapshotTree(result);
    await run('notifier', result, { gateway: 'live' });
    await run('room-handler', result, { name: 'live', gateway: 'live' });
    expect(snapshotTree(result)).toEqual(before);
  });

  it("serves a gateway's main namespace, and mirrors a nested gateway's folders in its e2e spec", async () => {
    const tree = createAppTree('esm');
    tree.create('/src/live/live.gateway.ts', HAND_WRITTEN.replace("@WebSocketGateway({ namespace: 'live' })", '@WebSocketGateway()'));
    const { tree: result } = await run('notifier', tree, { name: 'live' });
    const notifier = result.readContent('/src/live/live.notifier.ts');
    expect(notifier).toContain('@WebSocketGateway()\nexport class LiveNotifier');
    expect(notifier).toContain("emitter.of('/')");

    const { tree: nested } = await run('gateway', createAppTree('esm'), { name: 'admin/chat' });
    await run('notifier', nested, { name: 'admin/chat' });
    expect(nested.exists('/src/admin/chat/chat.notifier.ts')).toBe(true);
    expect(nested.readContent('/test/admin/chat.notifier.e2e-spec.ts')).toContain("from '../../src/admin/chat/chat.notifier.js';");
  });

  it('leaves the notifier undecorated when ws-guard and ws-filter are applied to its gateway afterwards', async () => {
    const tree = createAppTree('esm');
    tree.create('/src/live/live.gateway.ts', HAND_WRITTEN);
    await run('notifier', tree, { gateway: 'live' });
    const notifier = tree.readContent('/src/live/live.notifier.ts');
    await run('ws-guard', tree, { gateway: 'live' });
    await run('ws-filter', tree, { gateway: 'live' });
    expect(tree.readContent('/src/live/live.gateway.ts')).toContain('@UseFilters(WsExceptionFilter)');
    expect(tree.readContent('/src/live/live.notifier.ts')).toBe(notifier);
  });

  it("reaches a user's room with auth on, and a socket id with auth off", async () => {
    const { tree: guarded } = await run('notifier', await appWithChat({ auth: { enabled: true }, rooms: { enabled: true } }), { name: 'chat' });
    const withAuth = guarded.readContent('/src/chat/chat.notifier.ts');
    expect(withAuth).toContain('await this.broadcast([userRoom(userId)], event, args);');
    expect(guarded.readContent('/src/chat/chat.contract.ts')).toContain('  roomMessage: (message: RoomMessage) => void;\n  /** Pushed from app code');
    expect(guarded.readContent('/src/chat/chat.notifier.spec.ts')).toContain("[['user:alice'], 'notification', notification]");
    expect(guarded.readContent('/test/chat.notifier.e2e-spec.ts')).toContain("connect('alice'),\n      connect('alice'),");
    expect(guarded.readContent('/src/chat/chat.notifier.ts')).not.toContain('@UseGuards');

    const { tree: open } = await run('notifier', await appWithChat(), { name: 'chat' });
    const withoutAuth = open.readContent('/src/chat/chat.notifier.ts');
    expect(withoutAuth).toContain('await this.broadcast([userId], event, args);');
    expect(withoutAuth).toContain('there are no user rooms: the\n   * user id is the socket id');
    expect(withoutAuth).not.toContain('userRoom');
    expect(open.readContent('/test/chat.notifier.e2e-spec.ts')).toContain('notifier.toUser(alice.id!,');
  });

  it('reaches the streams adapter from a worker through entries of its stream, with no warning and nothing on a rerun', async () => {
    const { tree, warnings } = await run('notifier', await appWithChat({ adapter: { kind: 'streams' } }), { name: 'chat' });
    expect(warnings).toEqual([]);
    const notifier = tree.readContent('/src/chat/chat.notifier.ts');
    expect(notifier).not.toContain('@socket.io/redis-emitter');
    expect(notifier).toContain("import { appendBroadcast } from '../realtime/realtime-stream-emitter.js';");
    expect(notifier).toContain("await appendBroadcast(await this.connect(), {\n      nsp: '/chat',\n      rooms,\n      event,\n      args,\n    });");
    expect(notifier).toContain('if (connection) await closeRedis(connection);');
    const emitter = tree.readContent('/src/realtime/realtime-stream-emitter.ts');
    expect(emitter).toContain("import type { RealtimeRedis } from './realtime-redis.js';");
    // The entry the adapter's own broadcast appends: its stream, its trimming, its fields.
    expect(emitter).toContain("const STREAM_NAME = 'socket.io';\nconst MAX_LEN = 10_000;");
    expect(emitter).toContain("{ uid: EMITTER_UID, nsp, type: BROADCAST, data },");
    expect(emitter).toContain("{ TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: MAX_LEN } },");
    expect(tree.exists('/src/realtime/realtime-redis.ts')).toBe(true);
    const dependencies = JSON.parse(tree.readContent('/package.json')).dependencies;
    expect(dependencies).toHaveProperty('redis');
    expect(dependencies).not.toHaveProperty('@socket.io/redis-emitter');

    const before = snapshotTree(tree);
    await run('notifier', tree, { gateway: 'chat' });
    expect(snapshotTree(tree)).toEqual(before);
  });

  it('appends with ioredis when the conventions name it, in a CommonJS app', async () => {
    const { tree } = await run('notifier', await appWithChat({ adapter: { kind: 'streams', client: 'ioredis' } }, 'cjs'), { name: 'chat' });
    expect(tree.readContent('/src/chat/chat.notifier.ts')).toContain("import { appendBroadcast } from '../realtime/realtime-stream-emitter';");
    const emitter = tree.readContent('/src/realtime/realtime-stream-emitter.ts');
    expect(emitter).toContain("import type { RealtimeRedis } from './realtime-redis';");
    expect(emitter).toContain("await redis.xadd(\n    STREAM_NAME,\n    'MAXLEN',\n    '~',\n    MAX_LEN,\n    '*',");
    expect(tree.readContent('/src/realtime/realtime-redis.ts')).toContain("import { Cluster, type ClusterOptions, Redis } from 'ioredis';");
    expect(JSON.parse(tree.readContent('/package.json')).dependencies).toHaveProperty('ioredis');
  });

  it('warns, and writes no worker path, for the sharded adapter, which nothing outside its instances reaches', async () => {
    const { tree, warnings } = await run('notifier', await appWithChat({ adapter: { kind: 'sharded' } }), { name: 'chat' });
    expect(warnings).toEqual([
      "WARNING src/chat/chat.notifier.ts: the 'sharded' Redis adapter (realtime.json adapter.kind) cannot be reached from a process that serves no sockets, so ChatNotifier works only in processes that serve sockets; a worker's call rejects saying so.",
    ]);
    const notifier = tree.readContent('/src/chat/chat.notifier.ts');
    expect(notifier).not.toContain('@socket.io/redis-emitter');
    expect(notifier).not.toContain('appendBroadcast');
    expect(notifier).toContain('the sharded Redis adapter cannot be reached from a worker');
    expect(tree.exists('/src/realtime/realtime-redis.ts')).toBe(false);
    expect(tree.exists('/src/realtime/realtime-stream-emitter.ts')).toBe(false);
    expect(JSON.parse(tree.readContent('/package.json')).dependencies).not.toHaveProperty('@socket.io/redis-emitter');
  });

  it('writes no stream emitter for the pub/sub adapter, which the Redis emitter reaches', async () => {
    const { tree } = await run('notifier', await appWithChat({ adapter: { kind: 'pubsub' } }), { name: 'chat' });
    expect(tree.readContent('/src/chat/chat.notifier.ts')).toContain('(await this.connect()).emitter.to(rooms).emit(event, ...args);');
    expect(tree.exists('/src/realtime/realtime-stream-emitter.ts')).toBe(false);
  });

  it('bounds the close of its Redis connection, so a Redis that does not answer never holds a shutdown', async () => {
    for (const [client, close, drop] of [['redis', 'close', 'destroy'], ['ioredis', 'quit', 'disconnect']]) {
      const { tree } = await run('notifier', await appWithChat({ adapter: { kind: 'streams', client } }), { name: 'chat' });
      const redis = tree.readContent('/src/realtime/realtime-redis.ts');
      expect(redis).toContain('const CLOSE_TIMEOUT_MS = 1_000;');
      expect(redis).toContain(`const closed = redis.${close}().then(`);
      expect(redis).toContain(`if (!(await Promise.race([closed, timeout]))) {\n      redis.${drop}();`);
    }
  });

  it('honours --spec=false and --skip-import', async () => {
    const tree = await appWithChat();
    const before = snapshotTree(tree);
    const { tree: result } = await run('notifier', tree, { name: 'chat', spec: false, skipImport: true });
    expect(result.exists('/src/chat/chat.notifier.ts')).toBe(true);
    expect(result.exists('/src/chat/chat.notifier.spec.ts')).toBe(false);
    // Without the module providing the notifier, the e2e spec would have nothing to start.
    expect(result.exists('/test/chat.notifier.e2e-spec.ts')).toBe(false);
    expect(result.readContent('/src/app.module.ts')).toBe(before['/src/app.module.ts']);
  });

  it.each([
    [{ gateway: 'missing' }, 'Gateway "missing" not found: no missing.gateway.ts under src.'],
    [{ name: 'chat', gateway: 'missing' }, 'Gateway "missing" not found'],
    [{}, 'A name is required, e.g. `notifier chat` or `notifier --gateway chat`.'],
    [{ name: '2chat', gateway: 'chat' }, 'Invalid name "2chat"'],
  ])('refuses %j with one line, writing nothing', async (options, message) => {
    const tree = await appWithChat();
    const before = snapshotTree(tree);
    await expect(run('notifier', tree, options)).rejects.toThrow(message);
    expect(snapshotTree(tree)).toEqual(before);
  });

  it('comes with `feature` when realtime.json has the notifier on, in the feature module', async () => {
    const tree = withConventions(createAppTree('esm'), { auth: { enabled: true }, rooms: { enabled: true }, notifier: { enabled: true } });
    const { tree: result, warnings } = await run('feature', tree, { name: 'chat' });
    expect(warnings).toEqual([]);
    expect(result.readContent('/src/chat/chat.module.ts')).toContain('providers: [ChatGateway, ChatRooms, ChatRoomPolicy, ChatNotifier],\n  exports: [ChatNotifier],');
    expect(result.readContent('/test/chat.notifier.e2e-spec.ts')).toContain("import { ChatModule } from '../src/chat/chat.module.js';");
    const rooms = result.readContent('/src/chat/chat.rooms.ts');
    expect(rooms).toContain('@UseGuards(WsAuthGuard)');

    const before = snapshotTree(result);
    await run('feature', result, { name: 'chat' });
    expect(snapshotTree(result)).toEqual(before);
  });

  it('stays out of `feature` when the notifier is off (the schema default)', async () => {
    const { tree } = await run('feature', createAppTree('esm'), { name: 'chat' });
    expect(tree.exists('/src/chat/chat.notifier.ts')).toBe(false);
  });

  it.each([
    ['chat', {}, false],
    ['admin/notification-center-events', { auth: { enabled: true }, rooms: { enabled: true } }, false],
    ['chat', { auth: { enabled: true }, adapter: { kind: 'sharded' } }, false],
    ['chat', { auth: { enabled: true }, adapter: { kind: 'streams' } }, false],
    ['admin/notification-center-events', { adapter: { kind: 'streams', client: 'ioredis' } }, false],
    ['chat', { adapter: { kind: 'pubsub', client: 'ioredis' } }, false],
    // Names long enough for Prettier to break the methods' type parameters.
    ['customer-support-conversations', { auth: { enabled: true }, adapter: { kind: 'streams' } }, false],
    ['customer-support-conversations-archive', { adapter: { kind: 'sharded' } }, false],
    ['chat', {}, true],
    ['admin/notification-center-events', { auth: { enabled: true }, rooms: { enabled: true } }, true],
  ])('writes files that Prettier (the Nest default config) leaves unchanged, for %j with conventions %j (typed client: %j)', async (name, conventions, withClient) => {
    const prettier = await import('prettier');
    const tree = await appWithChat(conventions);
    await run('gateway', tree, { name });
    if (withClient) await run('client', tree, { gateway: name });
    const existing = new Set(tree.files);
    const { tree: result } = await run('notifier', tree, { name });
    const options = JSON.parse(result.readContent('/.prettierrc'));
    const files = result.files.filter((path) => !existing.has(path));
    const formatted = await Promise.all(files.map(async (file) => ({ file, text: await prettier.format(result.readContent(file), { ...options, filepath: file }) })));
    expect(formatted).toEqual(files.map((file) => ({ file, text: result.readContent(file) })));
  });
});
