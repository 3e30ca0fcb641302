import { UnitTestTree } from '@angular-devkit/schematics/testing';
import { createAppTree, createRunner, runSchematic, snapshotTree } from '../../../test/support/unit/app-tree';
import type { FeatureOptions } from './schema';

const runner = createRunner();
const feature = (tree: UnitTestTree, options: Partial<FeatureOptions> & { name: string }) => runSchematic(runner, 'feature', options, tree);

function withConventions(tree: UnitTestTree, conventions: object): UnitTestTree {
  tree.create('/realtime.json', JSON.stringify(conventions));
  return tree;
}

const PRODUCTION = { auth: { enabled: true }, rooms: { enabled: true } };

function added(before: UnitTestTree, after: UnitTestTree): string[] {
  const existing = new Set(before.files);
  return after.files.filter((file) => !existing.has(file)).sort();
}

const occurrences = (text: string, fragment: string) => text.split(fragment).length - 1;

describe('feature schematic', () => {
  it('writes a feature module holding the gateway, rooms, guard and filter, imported once into the root module', async () => {
    const tree = withConventions(createAppTree('esm'), PRODUCTION);
    const before = createAppTree('esm');
    const { tree: result, warnings } = await feature(tree, { name: 'chat' });
    expect(warnings).toEqual([]);
    expect(added(before, result)).toEqual([
      '/.realtime/generated.json',
      '/realtime.json',
      '/src/chat/chat.contract.ts',
      '/src/chat/chat.events.ts',
      '/src/chat/chat.gateway.spec.ts',
      '/src/chat/chat.gateway.ts',
      '/src/chat/chat.module.ts',
      '/src/chat/chat.room-policy.spec.ts',
      '/src/chat/chat.room-policy.ts',
      '/src/chat/chat.rooms.ts',
      '/src/chat/dto/chat-message.dto.ts',
      '/src/chat/dto/chat-room.dto.ts',
      '/src/realtime/realtime-socket.ts',
      '/src/realtime/realtime.contract.ts',
      '/src/realtime/ws-auth.guard.spec.ts',
      '/src/realtime/ws-auth.guard.ts',
      '/src/realtime/ws-auth.middleware.ts',
      '/src/realtime/ws-auth.module.ts',
      '/src/realtime/ws-exception.filter.spec.ts',
      '/src/realtime/ws-exception.filter.ts',
      '/src/realtime/ws-validation.ts',
      '/test/chat.gateway.e2e-spec.ts',
    ]);
    // The ledger records every file the run created, as it left them (realtime.json was the team's).
    const ledger = JSON.parse(result.readContent('/.realtime/generated.json'));
    const recorded = added(before, result).filter((path) => !['/.realtime/generated.json', '/realtime.json'].includes(path));
    expect(Object.keys(ledger.files)).toEqual(recorded.map((path) => path.slice(1)));
    expect(ledger.files['src/chat/chat.module.ts'].content).toBe(result.readContent('/src/chat/chat.module.ts'));
    expect(ledger.runs).toEqual([{ schematic: 'feature', options: expect.objectContaining({ name: 'chat' }), version: expect.any(String) }]);
    expect(result.readContent('/src/chat/chat.module.ts')).toBe(
      [
        "import { Module } from '@nestjs/common';",
        "import { ChatGateway } from './chat.gateway.js';",
        "import { ChatRooms } from './chat.rooms.js';",
        "import { ChatRoomPolicy } from './chat.room-policy.js';",
        "import { WsAuthModule } from '../realtime/ws-auth.module.js';",
        '',
        '@Module({',
        // A key the module lacked goes where Nest's docs put it: imports first.
        '  imports: [WsAuthModule],',
        '  providers: [ChatGateway, ChatRooms, ChatRoomPolicy],',
        '})',
        'export class ChatModule {}',
        '',
      ].join('\n'),
    );
    const root = result.readContent('/src/app.module.ts');
    expect(occurrences(root, "import { ChatModule } from './chat/chat.module.js';")).toBe(1);
    expect(root).toContain('imports: [ChatModule],');
    // The gateway belongs to the feature module, not to the root module.
    expect(root).not.toContain('ChatGateway');
    expect(root).not.toContain('WsAuthModule');
  }, 30_000);

  it('is made of the building blocks: its gateway files are the ones `gateway` writes, with the options passed through', async () => {
    const options = { name: 'admin/chat', spec: false, e2eSpec: false, specFileSuffix: 'test' };
    const { tree: composite } = await feature(withConventions(createAppTree('cjs'), PRODUCTION), options);
    const { tree: single } = await runSchematic(runner, 'gateway', options, withConventions(createAppTree('cjs'), PRODUCTION));
    const gatewayFiles = single.files.filter((file) => file.startsWith('/src/admin/') || file.startsWith('/src/realtime/') || file.startsWith('/test/'));
    expect(gatewayFiles.length).toBeGreaterThan(8);
    for (const file of gatewayFiles) expect(composite.readContent(file)).toBe(single.readContent(file));
    expect(composite.files.filter((file) => file.endsWith('.spec.ts') || file.endsWith('.test.ts') || file.endsWith('e2e-spec.ts'))).toEqual(
      single.files.filter((file) => file.endsWith('.spec.ts') || file.endsWith('.test.ts') || file.endsWith('e2e-spec.ts')),
    );
    expect(composite.exists('/src/admin/chat/chat.module.ts')).toBe(true);
    expect(composite.readContent('/src/app.module.ts')).toContain("import { ChatModule } from './admin/chat/chat.module';");
  });

  it('follows the conventions: no auth or rooms when they are off', async () => {
    const { tree } = await feature(createAppTree('esm'), { name: 'news' });
    expect(tree.exists('/src/news/news.rooms.ts')).toBe(false);
    expect(tree.exists('/src/realtime/ws-auth.module.ts')).toBe(false);
    expect(tree.readContent('/src/news/news.gateway.ts')).toContain('@UseFilters(WsExceptionFilter)');
    expect(tree.readContent('/src/news/news.module.ts')).toContain('providers: [NewsGateway],');
  });

  it('wires the Redis adapter into main.ts when the conventions ask for it, and only then', async () => {
    const { tree: without } = await feature(createAppTree('esm'), { name: 'chat' });
    expect(without.readContent('/src/main.ts')).not.toContain('useWebSocketAdapter');

    const { tree } = await feature(withConventions(createAppTree('esm'), { adapter: { enabled: true, kind: 'streams' } }), { name: 'chat' });
    expect(tree.readContent('/src/main.ts')).toContain('app.useWebSocketAdapter(redisIoAdapter);');
    expect(tree.readContent('/src/realtime/redis-io.adapter.ts')).toContain("from '@socket.io/redis-streams-adapter'");
  });

  it('imports the feature into the module main.ts bootstraps, and into none with --skip-import', async () => {
    const tree = createAppTree('esm');
    tree.rename('/src/app.module.ts', '/src/root.module.ts');
    tree.overwrite('/src/root.module.ts', tree.readContent('/src/root.module.ts').replace('class AppModule', 'class RootModule'));
    tree.overwrite('/src/main.ts', tree.readContent('/src/main.ts').replace(/AppModule/g, 'RootModule').replace('./app.module.js', './root.module.js'));
    const { tree: result } = await feature(tree, { name: 'chat' });
    expect(result.readContent('/src/root.module.ts')).toContain('imports: [ChatModule],');

    const fresh = createAppTree('esm');
    const root = fresh.readContent('/src/app.module.ts');
    const { tree: skipped } = await feature(fresh, { name: 'chat', skipImport: true });
    expect(skipped.readContent('/src/app.module.ts')).toBe(root);
    expect(skipped.readContent('/src/chat/chat.module.ts')).toContain('providers: [ChatGateway],');
  });

  it('schedules one install task for the whole feature, and changes nothing when run twice', async () => {
    const { tree: first } = await feature(withConventions(createAppTree('esm'), { ...PRODUCTION, adapter: { enabled: true } }), { name: 'chat' });
    expect(runner.tasks.map((task) => task.name)).toEqual(['node-package']);
    const before = snapshotTree(first);
    const { tree: second } = await feature(first, { name: 'chat' });
    expect(snapshotTree(second)).toEqual(before);
    expect(runner.tasks).toEqual([]);
  });

  it('generates into a monorepo project (-p) and imports the feature into the module its main.ts bootstraps', async () => {
    const tree = withConventions(createAppTree('esm'), PRODUCTION);
    // As `nest g app other` lays a project out: its root module is OtherModule, bootstrapped by its main.ts.
    tree.create('/apps/other/src/other.module.ts', tree.readContent('/src/app.module.ts').replace('class AppModule', 'class OtherModule'));
    tree.create('/apps/other/src/main.ts', tree.readContent('/src/main.ts').replace(/AppModule/g, 'OtherModule').replace('./app.module.js', './other.module.js'));
    tree.overwrite(
      '/nest-cli.json',
      JSON.stringify({ sourceRoot: 'apps/api/src', monorepo: true, projects: { other: { type: 'application', root: 'apps/other', sourceRoot: 'apps/other/src' } } }),
    );
    const { tree: result, warnings } = await feature(tree, { name: 'chat', project: 'other' });
    expect(warnings).toEqual([]);
    expect(result.readContent('/apps/other/src/other.module.ts')).toContain('imports: [ChatModule],');
    expect(result.readContent('/apps/other/src/chat/chat.module.ts')).toContain('providers: [ChatGateway, ChatRooms, ChatRoomPolicy],');
    expect(result.exists('/apps/other/src/realtime/ws-auth.module.ts')).toBe(true);
    expect(result.exists('/apps/other/test/chat.gateway.e2e-spec.ts')).toBe(true);
    expect(result.files.filter((file) => file.startsWith('/src/chat') || file.startsWith('/src/realtime'))).toEqual([]);
  });

  it('refuses a bad name and writes nothing', async () => {
    const tree = createAppTree('esm');
    const before = snapshotTree(tree);
    await expect(feature(tree, { name: '../chat' })).rejects.toThrow('Invalid name "../chat"');
    expect(snapshotTree(tree)).toEqual(before);
  });
});

describe('feature schematic: layout', () => {
  /** What `init` turns on, with the client (on) or without it; and the Redis adapter's sharded kind. */
  const INIT = { auth: { enabled: true }, rooms: { enabled: true }, presence: { enabled: true }, notifier: { enabled: true }, rateLimit: { enabled: true }, client: { enabled: true } };
  const WITHOUT_CLIENT = { ...INIT, client: { enabled: false }, adapter: { kind: 'sharded' } };

  /** The first line where Prettier would lay a file out otherwise, with Prettier's version of it. */
  function firstDifference(text: string, formatted: string): string {
    const [lines, formattedLines] = [text.split('\n'), formatted.split('\n')];
    const index = lines.findIndex((line, at) => line !== formattedLines[at]);
    return `line ${index + 1}: ${JSON.stringify(lines[index])} → Prettier: ${JSON.stringify(formattedLines.slice(index, index + 3).join('\n'))}`;
  }

  // Names of every length a team might choose: the lines holding a name are laid out by length
  // (core/layout.ts), so even a long one leaves nothing for Prettier to change under the
  // `nest new` config, where no file is run through Prettier.
  it.each([
    ['a', INIT],
    ['chat', INIT],
    ['admin/notification-center-events', INIT],
    ['customer-support-conversations', INIT],
    ['customer-support-conversations', WITHOUT_CLIENT],
    ['support/customer-support-conversations', WITHOUT_CLIENT],
  ])('writes files Prettier (the `nest new` config) leaves unchanged for %j with conventions %j', async (name, conventions) => {
    const prettier = await import('prettier');
    const { NEST_NEW_PRETTIER_OPTIONS } = await import('../../core/format');
    for (const kind of ['esm', 'cjs'] as const) {
      const tree = withConventions(createAppTree(kind), conventions);
      const existing = new Set(tree.files);
      const { tree: result } = await feature(tree, { name });
      const differences: string[] = [];
      for (const file of result.files.filter((path) => !existing.has(path) && path.endsWith('.ts'))) {
        const text = result.readContent(file);
        const formatted = await prettier.format(text, { ...NEST_NEW_PRETTIER_OPTIONS, filepath: file });
        if (formatted !== text) differences.push(`${kind} ${file} ${firstDifference(text, formatted)}`);
      }
      expect(differences).toEqual([]);
    }
  }, 60_000);

  it.each(['ws-guard', 'ws-filter'])('%s with a long name writes files Prettier (the `nest new` config) leaves unchanged', async (schematic) => {
    const prettier = await import('prettier');
    const { NEST_NEW_PRETTIER_OPTIONS } = await import('../../core/format');
    const tree = createAppTree('esm');
    const existing = new Set(tree.files);
    const { tree: result } = await runSchematic(runner, schematic, { name: 'customer-support-conversations' }, tree);
    const differences: string[] = [];
    for (const file of result.files.filter((path) => !existing.has(path) && path.endsWith('.ts'))) {
      const text = result.readContent(file);
      const formatted = await prettier.format(text, { ...NEST_NEW_PRETTIER_OPTIONS, filepath: file });
      if (formatted !== text) differences.push(`${file} ${firstDifference(text, formatted)}`);
    }
    expect(result.files.filter((path) => !existing.has(path)).length).toBeGreaterThan(1);
    expect(differences).toEqual([]);
  });
});
