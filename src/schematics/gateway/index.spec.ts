import { UnitTestTree } from '@angular-devkit/schematics/testing';
import { createAppTree, createRunner, runSchematic, snapshotTree } from '../../../test/support/unit/app-tree';
import type { GatewayOptions } from './schema';

const runner = createRunner();

const generate = (tree: UnitTestTree, options: Partial<GatewayOptions> & { name: string }) => runSchematic(runner, 'gateway', options, tree);

function occurrences(text: string, fragment: string): number {
  return text.split(fragment).length - 1;
}

describe('gateway schematic', () => {
  describe('in a Nest 12 ESM app', () => {
    let tree: UnitTestTree;
    beforeEach(() => {
      tree = createAppTree('esm');
    });

    it('writes the gateway, its events, DTO, specs and the shared socket helpers', async () => {
      const existing = new Set(tree.files);
      const { tree: result } = await generate(tree, { name: 'chat' });
      expect(result.files.filter((file) => !existing.has(file) || file === '/src/app.module.ts').sort()).toEqual([
        '/.realtime/generated.json',
        '/src/app.module.ts',
        '/src/chat/chat.contract.ts',
        '/src/chat/chat.events.ts',
        '/src/chat/chat.gateway.spec.ts',
        '/src/chat/chat.gateway.ts',
        '/src/chat/dto/chat-message.dto.ts',
        '/src/realtime/realtime-socket.ts',
        '/src/realtime/realtime.contract.ts',
        '/src/realtime/ws-exception.filter.spec.ts',
        '/src/realtime/ws-exception.filter.ts',
        '/src/realtime/ws-validation.ts',
        '/test/chat.gateway.e2e-spec.ts',
      ]);
      const gateway = result.readContent('/src/chat/chat.gateway.ts');
      expect(gateway).toContain("@WebSocketGateway({ namespace: 'chat' })");
      expect(gateway).toContain('export class ChatGateway implements OnGatewayConnection, OnGatewayDisconnect {');
      expect(gateway).toContain("@SubscribeMessage('message')");
      // The exception filter is on by default: every handler error reaches the client's ack.
      expect(gateway).toContain("@UseFilters(WsExceptionFilter)\nexport class ChatGateway");
      expect(gateway).not.toContain('UseGuards');
      expect(gateway).toContain('return { ok: true };');
      expect(gateway).not.toMatch(/\bany\b/);
      expect(result.readContent('/src/chat/dto/chat-message.dto.ts')).toContain('@MaxLength(1000)');
    });

    it('puts a .js suffix on every relative import it writes, in new files and in the module', async () => {
      const { tree: result } = await generate(tree, { name: 'chat' });
      const relativeImports = result.files
        .filter((file) => file.endsWith('.ts'))
        .flatMap((file) => [...result.readContent(file).matchAll(/from '(\.[^']*)'/g)].map((match) => match[1]));
      expect(relativeImports.length).toBeGreaterThan(8);
      expect(relativeImports.filter((specifier) => !specifier.endsWith('.js'))).toEqual([]);
      expect(result.readContent('/src/chat/chat.gateway.ts')).toContain("from '../realtime/realtime-socket.js'");
      expect(result.readContent('/test/chat.gateway.e2e-spec.ts')).toContain("from '../src/chat/chat.gateway.js'");
    });

    it('registers the gateway once in the root module', async () => {
      const { tree: result } = await generate(tree, { name: 'chat' });
      const module = result.readContent('/src/app.module.ts');
      expect(occurrences(module, "import { ChatGateway } from './chat/chat.gateway.js';")).toBe(1);
      expect(module).toContain('providers: [AppService, ChatGateway],');
    });

    it('changes nothing when run twice', async () => {
      const { tree: first } = await generate(tree, { name: 'chat' });
      const before = snapshotTree(first);
      const { tree: second } = await generate(first, { name: 'chat' });
      expect(snapshotTree(second)).toEqual(before);
    });

    it('honours --flat, --spec=false, --spec-file-suffix and --path', async () => {
      const { tree: result } = await generate(tree, { name: 'chat', flat: true, spec: false, path: 'realtime-api' });
      expect(result.exists('/src/realtime-api/chat.gateway.ts')).toBe(true);
      expect(result.exists('/src/realtime-api/chat.gateway.spec.ts')).toBe(false);
      expect(result.readContent('/src/app.module.ts')).toContain("from './realtime-api/chat.gateway.js'");

      const { tree: suffixed } = await generate(createAppTree('esm'), { name: 'chat', specFileSuffix: 'test' });
      expect(suffixed.exists('/src/chat/chat.gateway.test.ts')).toBe(true);
    });

    it('places a nested name in its folder and its e2e spec in the matching test folder', async () => {
      const { tree: result } = await generate(tree, { name: 'admin/live-feed' });
      expect(result.exists('/src/admin/live-feed/live-feed.gateway.ts')).toBe(true);
      expect(result.readContent('/src/admin/live-feed/live-feed.gateway.ts')).toContain('export class LiveFeedGateway');
      expect(result.readContent('/src/admin/live-feed/live-feed.gateway.ts')).toContain("from '../../realtime/realtime-socket.js'");
      expect(result.readContent('/test/admin/live-feed.gateway.e2e-spec.ts')).toContain(
        "from '../../src/admin/live-feed/live-feed.gateway.js'",
      );
    });

    it('registers in the nearest module rather than the root one', async () => {
      tree.create('/src/chat/chat.module.ts', "import { Module } from '@nestjs/common';\n\n@Module({})\nexport class ChatModule {}\n");
      const { tree: result } = await generate(tree, { name: 'chat' });
      expect(result.readContent('/src/chat/chat.module.ts')).toContain(
        "import { ChatGateway } from './chat.gateway.js';\n\n@Module({ providers: [ChatGateway] })",
      );
      expect(result.readContent('/src/app.module.ts')).not.toContain('ChatGateway');
    });

    it('registers in the module given by --module, and fails clearly when it does not exist', async () => {
      tree.create('/src/events/events.module.ts', "import { Module } from '@nestjs/common';\n\n@Module({ providers: [] })\nexport class EventsModule {}\n");
      const { tree: result } = await generate(tree, { name: 'chat', module: 'events/events.module.ts' });
      expect(result.readContent('/src/events/events.module.ts')).toContain('providers: [ChatGateway]');
      expect(result.readContent('/src/events/events.module.ts')).toContain("from '../chat/chat.gateway.js'");

      await expect(generate(createAppTree('esm'), { name: 'chat', module: 'nowhere' })).rejects.toThrow('Module "nowhere" not found');
    });

    it('imports every module its blocks need into the --module it is registered in, not the nearest one', async () => {
      tree.create('/realtime.json', JSON.stringify({ auth: { enabled: true }, rooms: { enabled: true } }));
      tree.create('/src/events/events.module.ts', "import { Module } from '@nestjs/common';\n\n@Module({ providers: [] })\nexport class EventsModule {}\n");
      const { tree: result } = await generate(tree, { name: 'third', module: 'events/events.module.ts' });
      const events = result.readContent('/src/events/events.module.ts');
      expect(events).toContain('imports: [WsAuthModule],');
      expect(events).toContain('providers: [ThirdGateway, ThirdRooms, ThirdRoomPolicy]');
      expect(occurrences(events, "import { WsAuthModule } from '../realtime/ws-auth.module.js';")).toBe(1);
      expect(result.readContent('/src/app.module.ts')).not.toMatch(/WsAuthModule|Third/);

      // `ws-guard --gateway` on its own finds the gateway's module the same way.
      const plain = createAppTree('esm');
      plain.create('/src/events/events.module.ts', "import { Module } from '@nestjs/common';\n\n@Module({ providers: [] })\nexport class EventsModule {}\n");
      const { tree: unguarded } = await generate(plain, { name: 'third', module: 'events/events.module.ts' });
      const { tree: guarded } = await runSchematic(runner, 'ws-guard', { gateway: 'third' }, unguarded);
      expect(guarded.readContent('/src/events/events.module.ts')).toContain('imports: [WsAuthModule],');
      expect(guarded.readContent('/src/app.module.ts')).not.toContain('WsAuthModule');
    });

    it('skips registration with --skip-import', async () => {
      const { tree: result } = await generate(tree, { name: 'chat', skipImport: true });
      expect(result.readContent('/src/app.module.ts')).not.toContain('ChatGateway');
    });
  });

  describe('in a Nest 12 CommonJS app', () => {
    it('writes relative imports without a suffix', async () => {
      const { tree: result } = await generate(createAppTree('cjs'), { name: 'chat' });
      expect(result.readContent('/src/app.module.ts')).toContain("import { ChatGateway } from './chat/chat.gateway';");
      expect(result.readContent('/src/chat/chat.gateway.ts')).toContain("from '../realtime/realtime-socket'");
      expect(result.readContent('/src/chat/chat.gateway.ts')).not.toMatch(/from '\.[^']*\.js'/);
    });
  });

  describe('bad input', () => {
    it.each([
      ['', 'A name is required'],
      ['   ', 'A name is required'],
      ['2chat', '"2chat" must start with a letter'],
      ['chat room', '"chat room" must start with a letter'],
      ['chat!', '"chat!" must start with a letter'],
      ['../chat', 'must stay inside the source root'],
      ['admin/../../chat', 'must stay inside the source root'],
    ])('refuses the name %j', async (name, message) => {
      await expect(generate(createAppTree('esm'), { name })).rejects.toThrow(message);
    });

    it('refuses a --path that climbs out of the source root', async () => {
      await expect(generate(createAppTree('esm'), { name: 'chat', path: '../outside' })).rejects.toThrow('must stay inside the source root');
    });

    it('refuses to overwrite a generated file that was changed, unless --force', async () => {
      const { tree: first } = await generate(createAppTree('esm'), { name: 'chat' });
      first.overwrite('/src/chat/chat.gateway.ts', '// customised\n');
      await expect(generate(first, { name: 'chat' })).rejects.toThrow(
        'src/chat/chat.gateway.ts already exists with different content; nothing was written. Use --force to overwrite it.',
      );
      const { tree: forced } = await generate(first, { name: 'chat', force: true });
      expect(forced.readContent('/src/chat/chat.gateway.ts')).toContain('export class ChatGateway');
    });

    it('never overwrites the shared socket helpers a team has changed', async () => {
      const tree = createAppTree('esm');
      tree.create('/src/realtime/realtime-socket.ts', '// ours\n');
      const { tree: result } = await generate(tree, { name: 'chat' });
      expect(result.readContent('/src/realtime/realtime-socket.ts')).toBe('// ours\n');
    });

    it('refuses an unknown option', async () => {
      await expect(generate(createAppTree('esm'), { name: 'chat', colour: 'blue' } as never)).rejects.toThrow(/colour/);
    });
  });

  describe('unexpected module shapes', () => {
    it.each([
      ['providers given as a constant', "@Module({ providers: SHARED_PROVIDERS })", '"providers" is not an array literal'],
      ['metadata built elsewhere', '@Module(moduleMetadata)', 'the @Module() argument is not an object literal'],
      ['no @Module() at all', '', 'no @Module() class found'],
    ])('warns with the manual step and leaves the module untouched: %s', async (_case, decorator, reason) => {
      const tree = createAppTree('esm');
      const module = `import { Module } from '@nestjs/common';\n\n${decorator}\nexport class AppModule {}\n`;
      tree.overwrite('/src/app.module.ts', module);
      const { tree: result, warnings } = await generate(tree, { name: 'chat' });
      expect(result.readContent('/src/app.module.ts')).toBe(module);
      expect(result.exists('/src/chat/chat.gateway.ts')).toBe(true);
      expect(warnings).toEqual([
        `WARNING src/app.module.ts was left unchanged: ${reason}; add ChatGateway to its @Module() providers (import it from './chat/chat.gateway.js').`,
      ]);
    });

    it('uses an aliased Module import and keeps a multi-line providers layout', async () => {
      const tree = createAppTree('esm');
      tree.overwrite(
        '/src/app.module.ts',
        [
          "import { Module as NestModule } from '@nestjs/common';",
          "import { AppService } from './app.service.js';",
          '',
          '@NestModule({',
          '  providers: [',
          '    AppService, // keeps this comment',
          '  ],',
          '})',
          'export class AppModule {}',
          '',
        ].join('\n'),
      );
      const { tree: result } = await generate(tree, { name: 'chat' });
      expect(result.readContent('/src/app.module.ts')).toBe(
        [
          "import { Module as NestModule } from '@nestjs/common';",
          "import { AppService } from './app.service.js';",
          "import { ChatGateway } from './chat/chat.gateway.js';",
          '',
          '@NestModule({',
          '  providers: [',
          '    AppService,',
          '    ChatGateway, // keeps this comment',
          '  ],',
          '})',
          'export class AppModule {}',
          '',
        ].join('\n'),
      );
    });

    it('reuses an existing import of the gateway, even under an alias', async () => {
      const tree = createAppTree('esm');
      tree.overwrite(
        '/src/app.module.ts',
        "import { Module } from '@nestjs/common';\nimport { ChatGateway as Chat } from './chat/chat.gateway.js';\n\n@Module({ providers: [Chat] })\nexport class AppModule {}\n",
      );
      const before = tree.readContent('/src/app.module.ts');
      const { tree: result } = await generate(tree, { name: 'chat' });
      expect(result.readContent('/src/app.module.ts')).toBe(before);
    });
  });

  describe('conventions file', () => {
    it('applies realtime.json, and a command-line option wins over it', async () => {
      const tree = createAppTree('esm');
      tree.create('/realtime.json', JSON.stringify({ e2eSpec: false, sharedFolder: 'ws', gateway: { messageMaxLength: 280 } }));
      const { tree: result } = await generate(tree, { name: 'chat' });
      expect(result.exists('/test/chat.gateway.e2e-spec.ts')).toBe(false);
      expect(result.exists('/src/ws/realtime-socket.ts')).toBe(true);
      expect(result.readContent('/src/chat/dto/chat-message.dto.ts')).toContain('@MaxLength(280)');

      const { tree: overridden } = await generate(result, { name: 'news', e2eSpec: true });
      expect(overridden.exists('/test/news.gateway.e2e-spec.ts')).toBe(true);
    });

    it('applies auth and turns the filter off when the conventions say so, generating the shared pieces once', async () => {
      const tree = createAppTree('esm');
      tree.create('/realtime.json', JSON.stringify({ auth: { enabled: true }, filter: { enabled: false } }));
      const { tree: result } = await generate(tree, { name: 'chat' });
      const gateway = result.readContent('/src/chat/chat.gateway.ts');
      expect(gateway).toContain("@WebSocketGateway({ namespace: 'chat' })\n@UseGuards(WsAuthGuard)\nexport class ChatGateway");
      expect(gateway).toContain('namespace.use(this.wsAuth.handshake);');
      expect(gateway).not.toContain('UseFilters');
      expect(result.exists('/src/realtime/ws-exception.filter.ts')).toBe(false);
      for (const file of ['ws-auth.guard.ts', 'ws-auth.middleware.ts', 'ws-auth.module.ts']) {
        expect(result.exists(`/src/realtime/${file}`)).toBe(true);
      }
      const module = result.readContent('/src/app.module.ts');
      expect(module).toContain('imports: [WsAuthModule],');
      expect(occurrences(module, "import { WsAuthModule } from './realtime/ws-auth.module.js';")).toBe(1);
      expect(JSON.parse(result.readContent('/package.json')).dependencies['@nestjs/jwt']).toBe('^12.0.2');

      // A second gateway reuses the shared pieces, and a team's edit to them survives.
      result.overwrite('/src/realtime/ws-auth.guard.ts', '// ours\n');
      const { tree: second } = await generate(result, { name: 'news' });
      expect(second.readContent('/src/realtime/ws-auth.guard.ts')).toBe('// ours\n');
      expect(occurrences(second.readContent('/src/app.module.ts'), 'WsAuthModule]')).toBe(1);
    });

    it.each([
      [{ e2eSpec: 'yes' }, 'realtime.json: "e2eSpec" must be boolean.'],
      [{ gateway: { messageMaxLength: 0 } }, 'realtime.json: "gateway.messageMaxLength" must be >= 1.'],
      [{ gateway: { maxLength: 10 } }, 'realtime.json: unknown key "gateway.maxLength"'],
      [{ sharedFolder: '../up' }, 'realtime.json: "sharedFolder" must match pattern'],
    ])('refuses an invalid file, naming the key: %j', async (conventions, message) => {
      const tree = createAppTree('esm');
      tree.create('/realtime.json', JSON.stringify(conventions));
      await expect(generate(tree, { name: 'chat' })).rejects.toThrow(message);
    });
  });

  describe('rate limit (realtime.json rateLimit)', () => {
    const rateLimited = (conventions: object) => {
      const tree = createAppTree('esm');
      tree.create('/realtime.json', JSON.stringify(conventions));
      return generate(tree, { name: 'chat' });
    };

    it("writes the shared guard with the conventions' numbers and its spec, and adds rate-limiter-flexible", async () => {
      const { tree } = await rateLimited({ rateLimit: { enabled: true, points: 5, durationMs: 250 } });
      const guard = tree.readContent('/src/realtime/ws-rate-limit.guard.ts');
      expect(guard).toContain('export class WsRateLimitGuard implements CanActivate {');
      expect(guard).toContain('export const RATE_LIMIT_POINTS = 5;');
      expect(guard).toContain('export const RATE_LIMIT_DURATION_MS = 250;');
      expect(guard).toContain('duration: RATE_LIMIT_DURATION_MS / 1000,');
      expect(guard).toContain("import type { WsError } from './realtime-socket.js';");
      expect(tree.readContent('/src/realtime/ws-rate-limit.guard.spec.ts')).toContain("from './ws-rate-limit.guard.js';");
      expect(JSON.parse(tree.readContent('/package.json')).dependencies['rate-limiter-flexible']).toBe('^11.4.0');
    });

    it('puts the guard on the gateway and its room handler, after the auth guard and before the filter', async () => {
      const { tree } = await rateLimited({ auth: { enabled: true }, rooms: { enabled: true }, rateLimit: { enabled: true } });
      for (const [file, className] of [
        ['/src/chat/chat.gateway.ts', 'ChatGateway'],
        ['/src/chat/chat.rooms.ts', 'ChatRooms'],
      ]) {
        const text = tree.readContent(file);
        expect(text).toContain(`@UseGuards(WsAuthGuard, WsRateLimitGuard)\n@UseFilters(WsExceptionFilter)\nexport class ${className}`);
        expect(occurrences(text, "import { WsRateLimitGuard } from '../realtime/ws-rate-limit.guard.js';")).toBe(1);
      }
    });

    it('writes the guard without its spec under --spec=false, and a second gateway reuses it as the team left it', async () => {
      const { tree } = await rateLimited({ rateLimit: { enabled: true } });
      tree.overwrite('/src/realtime/ws-rate-limit.guard.ts', tree.readContent('/src/realtime/ws-rate-limit.guard.ts').replace('= 20;', '= 50;'));
      const { tree: second } = await generate(tree, { name: 'news', spec: false });
      expect(second.readContent('/src/realtime/ws-rate-limit.guard.ts')).toContain('export const RATE_LIMIT_POINTS = 50;');
      expect(second.readContent('/src/news/news.gateway.ts')).toContain('@UseGuards(WsRateLimitGuard)\n@UseFilters(WsExceptionFilter)\nexport class NewsGateway');

      const { tree: withoutSpec } = await rateLimited({ rateLimit: { enabled: true }, spec: false });
      expect(withoutSpec.exists('/src/realtime/ws-rate-limit.guard.ts')).toBe(true);
      expect(withoutSpec.exists('/src/realtime/ws-rate-limit.guard.spec.ts')).toBe(false);
    });

    it('changes nothing when run twice', async () => {
      const { tree } = await rateLimited({ auth: { enabled: true }, rooms: { enabled: true }, rateLimit: { enabled: true } });
      const before = snapshotTree(tree);
      await generate(tree, { name: 'chat' });
      expect(snapshotTree(tree)).toEqual(before);
    });

    it('writes and wires nothing of it when the conventions leave it off', async () => {
      const { tree } = await rateLimited({ rooms: { enabled: true }, rateLimit: { enabled: false, points: 5 } });
      expect(tree.files.filter((file) => file.includes('rate-limit'))).toEqual([]);
      expect(tree.readContent('/src/chat/chat.gateway.ts')).not.toContain('UseGuards');
      expect(tree.readContent('/src/chat/chat.rooms.ts')).not.toContain('UseGuards');
      expect(JSON.parse(tree.readContent('/package.json')).dependencies['rate-limiter-flexible']).toBeUndefined();
    });
  });

  describe('dependencies', () => {
    it('adds the missing runtime packages once and schedules one install', async () => {
      const { tree: result } = await generate(createAppTree('esm'), { name: 'chat' });
      const packageJson = JSON.parse(result.readContent('/package.json'));
      expect(packageJson.dependencies).toMatchObject({
        '@nestjs/websockets': '^12.0.1',
        '@nestjs/platform-socket.io': '^12.0.1',
        'socket.io': '4.8.3',
        'class-validator': expect.any(String),
      });
      // validated() copies payloads onto DTOs itself: class-transformer is not needed at runtime.
      expect(packageJson.dependencies['class-transformer']).toBeUndefined();
      expect(packageJson.devDependencies['socket.io-client']).toBe('4.8.3');
      expect(runner.tasks.filter((task) => task.name === 'node-package')).toHaveLength(1);
    });

    it('keeps versions the app already declares and installs nothing when all are there', async () => {
      const tree = createAppTree('esm');
      await generate(tree, { name: 'chat', skipInstall: true });
      expect(runner.tasks).toEqual([]);
      const { tree: withDeps } = await generate(tree, { name: 'chat' });
      const packageJson = withDeps.readContent('/package.json');
      const { tree: again } = await generate(withDeps, { name: 'news' });
      expect(again.readContent('/package.json')).toBe(packageJson);
      expect(runner.tasks).toEqual([]);
    });
  });

  describe('monorepo projects', () => {
    it('generates into the project given by --project', async () => {
      const tree = createAppTree('esm');
      tree.create('/apps/other/src/app.module.ts', tree.readContent('/src/app.module.ts'));
      tree.overwrite(
        '/nest-cli.json',
        JSON.stringify({
          collection: '@nestjs/schematics',
          sourceRoot: 'apps/api/src',
          monorepo: true,
          projects: { other: { type: 'application', root: 'apps/other', sourceRoot: 'apps/other/src' } },
        }),
      );
      const { tree: result } = await generate(tree, { name: 'chat', project: 'other' });
      expect(result.exists('/apps/other/src/chat/chat.gateway.ts')).toBe(true);
      expect(result.exists('/apps/other/test/chat.gateway.e2e-spec.ts')).toBe(true);
      expect(result.readContent('/apps/other/src/app.module.ts')).toContain('ChatGateway');

      await expect(generate(tree, { name: 'chat', project: 'missing' })).rejects.toThrow('Project "missing" is not in nest-cli.json (projects: other).');
    });
  });

  describe('layout', () => {
    it.each([
      ['chat', {}],
      ['admin/notification-center-events', {}],
      ['chat', { auth: { enabled: true, allowQueryToken: true } }],
      ['admin/notification-center-events', { auth: { enabled: true }, filter: { enabled: false }, rooms: { enabled: true } }],
      ['chat', { rooms: { enabled: true } }],
      ['chat', { auth: { enabled: true }, rooms: { enabled: true }, rateLimit: { enabled: true } }],
      ['admin/notification-center-events', { rateLimit: { enabled: true, points: 100000, durationMs: 60000 } }],
    ])(
      'writes files that Prettier (the Nest default config) leaves unchanged, for %j with conventions %j',
      async (name, conventions) => {
        const prettier = await import('prettier');
        const tree = createAppTree('esm');
        tree.create('/realtime.json', JSON.stringify(conventions));
        const existing = new Set(tree.files);
        const { tree: result } = await generate(tree, { name });
        const options = JSON.parse(result.readContent('/.prettierrc'));
        for (const file of result.files.filter((path) => !existing.has(path))) {
          const text = result.readContent(file);
          expect({ file, text: await prettier.format(text, { ...options, filepath: file }) }).toEqual({ file, text });
        }
      },
    );
  });

  describe('--format', () => {
    it("runs Prettier with the app's own configuration", async () => {
      const tree = createAppTree('esm');
      tree.overwrite('/.prettierrc', JSON.stringify({ singleQuote: false, trailingComma: 'all' }));
      const { tree: result } = await generate(tree, { name: 'chat', format: true });
      expect(result.readContent('/src/chat/chat.gateway.ts')).toContain('@WebSocketGateway({ namespace: "chat" })');
      expect(result.readContent('/src/app.module.ts')).toContain('import { ChatGateway } from "./chat/chat.gateway.js";');
    });
  });
});
