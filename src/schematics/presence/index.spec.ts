import { UnitTestTree } from '@angular-devkit/schematics/testing';
import { format } from 'prettier';
import { NEST_NEW_PRETTIER_OPTIONS } from '../../core/format';
import { createAppTree, createRunner, runSchematic, snapshotTree } from '../../../test/support/unit/app-tree';

const runner = createRunner();

const run = (schematic: string, tree: UnitTestTree, options: Record<string, unknown>) => runSchematic(runner, schematic, options, tree);

function withConventions(tree: UnitTestTree, conventions: object): UnitTestTree {
  tree.create('/realtime.json', JSON.stringify(conventions));
  return tree;
}

const occurrences = (text: string, fragment: string) => text.split(fragment).length - 1;

const PRESENCE_FILES = ['/src/chat/chat.presence.ts', '/src/chat/chat.presence.spec.ts'];
const SHARED_FILES = ['/src/realtime/realtime-presence.ts', '/src/realtime/realtime-redis.ts', '/src/realtime/realtime-socket.ts'];

describe('presence schematic', () => {
  it('writes the presence handler, its events and spec beside the gateway and the shared store once, registered once; a rerun changes nothing', async () => {
    const { tree: withGateway } = await run('gateway', createAppTree('esm'), { name: 'chat' });
    const { tree, warnings } = await run('presence', withGateway, { name: 'chat' });
    expect(warnings).toEqual([]);
    for (const file of [...PRESENCE_FILES, ...SHARED_FILES]) expect(tree.exists(file)).toBe(true);
    const handler = tree.readContent('/src/chat/chat.presence.ts');
    // The gateway's filter (on by default) guards it too.
    expect(handler).toContain("@WebSocketGateway({ namespace: 'chat' })\n@UseFilters(WsExceptionFilter)\nexport class ChatPresence\n");
    expect(handler).toContain("@SubscribeMessage('onlineUsers')");
    expect(handler).toContain('const INSTANCE_TIMEOUT_MS = 30_000;');
    expect(handler).toContain('const DIFF_INTERVAL_MS = 250;');
    expect(handler).toContain('const OFFLINE_GRACE_MS = 5_000;');
    expect(handler).toContain("} from '../realtime/realtime-presence.js';");
    expect(handler).toContain("import type { ChatNamespace, ChatSocket } from './chat.events.js';");
    const spec = tree.readContent('/src/chat/chat.presence.spec.ts');
    expect(spec).toContain("import { ChatPresence } from './chat.presence.js';");
    // The app's runner (vitest in a Nest 12 ESM app) drives the diff windows with fake timers.
    expect(spec).toContain('vi.useFakeTimers();');
    expect(spec).toContain('const OFFLINE_GRACE_MS = 5_000;');
    const store = tree.readContent('/src/realtime/realtime-presence.ts');
    expect(store).toContain("  type RealtimeRedis,\n} from './realtime-redis.js';");
    expect(store).toContain('return this.redis.eval(script, { keys, arguments: args });');
    expect(store).toContain('this.redis.sMembers(this.keys.instances)');
    expect(store).toContain('this.redis.destroy();');
    expect(occurrences(tree.readContent('/src/app.module.ts'), 'ChatPresence')).toBe(2);
    expect(tree.readContent('/src/app.module.ts')).toContain('providers: [AppService, ChatGateway, ChatPresence],');
    expect(JSON.parse(tree.readContent('/package.json')).dependencies).toMatchObject({ redis: expect.any(String), '@nestjs/websockets': expect.any(String) });

    const before = snapshotTree(tree);
    await run('presence', tree, { name: 'chat' });
    await run('presence', tree, { name: 'chat', gateway: 'chat' });
    expect(snapshotTree(tree)).toEqual(before);
  });

  it('renders files Prettier leaves as they are under the `nest new` config', async () => {
    const { tree: withGateway } = await run('gateway', createAppTree('esm'), { name: 'chat' });
    for (const client of ['redis', 'ioredis']) {
      const app = withConventions(new UnitTestTree(withGateway.branch()), { adapter: { client } });
      const { tree } = await run('presence', app, { name: 'chat' });
      for (const file of [...PRESENCE_FILES, '/src/realtime/realtime-presence.ts']) {
        const text = tree.readContent(file);
        expect(await format(text, { ...NEST_NEW_PRETTIER_OPTIONS, filepath: file })).toBe(text);
      }
    }
  });

  it('copies the gateway’s guards and filters onto the handler, and a rerun on the guarded app changes nothing', async () => {
    const app = withConventions(createAppTree('cjs'), { auth: { enabled: true }, presence: { instanceTimeoutMs: 3000, diffIntervalMs: 100, offlineGraceMs: 1500 } });
    const { tree: withGateway } = await run('gateway', app, { name: 'admin/chat' });
    const { tree } = await run('presence', withGateway, { name: 'chat', gateway: 'admin/chat' });
    const handler = tree.readContent('/src/admin/chat/chat.presence.ts');
    expect(handler).toContain("@WebSocketGateway({ namespace: 'chat' })\n@UseGuards(WsAuthGuard)\n@UseFilters(WsExceptionFilter)\nexport class ChatPresence");
    expect(handler).toContain("from '../../realtime/ws-auth.guard';");
    expect(handler).toContain("from '../../realtime/realtime-presence';");
    expect(handler).toContain('const INSTANCE_TIMEOUT_MS = 3_000;');
    expect(handler).toContain('const DIFF_INTERVAL_MS = 100;');
    expect(handler).toContain('const OFFLINE_GRACE_MS = 1_500;');
    // Jest in a CommonJS app.
    expect(tree.readContent('/src/admin/chat/chat.presence.spec.ts')).toContain('jest.advanceTimersByTimeAsync(ms)');

    const before = snapshotTree(tree);
    await run('presence', tree, { name: 'chat', gateway: 'admin/chat' });
    expect(snapshotTree(tree)).toEqual(before);
  });

  it('is guarded by ws-guard applied to the gateway afterwards, as the room handler is', async () => {
    const app = withConventions(createAppTree('esm'), { filter: { enabled: false } });
    const { tree: withGateway } = await run('gateway', app, { name: 'chat' });
    const { tree: withPresence } = await run('presence', withGateway, { name: 'chat' });
    const { tree } = await run('ws-guard', withPresence, { gateway: 'chat' });
    expect(tree.readContent('/src/chat/chat.presence.ts')).toContain('@UseGuards(WsAuthGuard)');
    const before = snapshotTree(tree);
    await run('presence', tree, { name: 'chat' });
    expect(snapshotTree(tree)).toEqual(before);
  });

  it('writes the store for ioredis when the conventions choose it', async () => {
    const app = withConventions(createAppTree('esm'), { adapter: { client: 'ioredis' } });
    const { tree: withGateway } = await run('gateway', app, { name: 'chat' });
    const { tree } = await run('presence', withGateway, { gateway: 'chat' });
    const store = tree.readContent('/src/realtime/realtime-presence.ts');
    expect(store).toContain('return this.redis.eval(script, keys.length, ...keys, ...args);');
    expect(store).toContain('this.redis.smembers(this.keys.instances)');
    expect(store).toContain('this.redis.disconnect();');
    expect(JSON.parse(tree.readContent('/package.json')).dependencies).toMatchObject({ ioredis: expect.any(String) });
  });

  it('keeps the team’s shared store as they left it', async () => {
    const { tree: withGateway } = await run('gateway', createAppTree('esm'), { name: 'chat' });
    withGateway.create('/src/realtime/realtime-presence.ts', '// ours\n');
    const { tree } = await run('presence', withGateway, { name: 'chat' });
    expect(tree.readContent('/src/realtime/realtime-presence.ts')).toBe('// ours\n');
  });

  it('honours --no-spec and --skip-import', async () => {
    const { tree: withGateway } = await run('gateway', createAppTree('esm'), { name: 'chat' });
    const { tree } = await run('presence', withGateway, { name: 'chat', spec: false, skipImport: true });
    expect(tree.exists('/src/chat/chat.presence.spec.ts')).toBe(false);
    expect(tree.exists('/src/chat/chat.presence.ts')).toBe(true);
    expect(tree.readContent('/src/app.module.ts')).not.toContain('ChatPresence');
  });

  it.each([
    [{ name: 'chat' }, 'Gateway "chat" not found: no chat.gateway.ts under src.'],
    [{ name: 'lobby', gateway: 'chat' }, 'Gateway "chat" not found'],
    [{}, 'A name is required'],
    [{ name: '../chat' }, 'Invalid name "../chat"'],
  ])('refuses %j with one line and writes nothing', async (options, message) => {
    const tree = createAppTree('esm');
    const before = snapshotTree(tree);
    await expect(run('presence', tree, options)).rejects.toThrow(message);
    expect(snapshotTree(tree)).toEqual(before);
  });

  it('comes with `feature` when presence is on, after the gateway, in the feature module', async () => {
    const app = withConventions(createAppTree('esm'), { presence: { enabled: true } });
    const { tree } = await run('feature', app, { name: 'chat' });
    expect(tree.exists('/src/chat/chat.presence.ts')).toBe(true);
    expect(tree.readContent('/src/chat/chat.module.ts')).toContain('providers: [ChatGateway, ChatPresence],');
    const before = snapshotTree(tree);
    await run('feature', tree, { name: 'chat' });
    expect(snapshotTree(tree)).toEqual(before);

    const { tree: without } = await run('feature', createAppTree('esm'), { name: 'chat' });
    expect(without.exists('/src/chat/chat.presence.ts')).toBe(false);
  });
});
