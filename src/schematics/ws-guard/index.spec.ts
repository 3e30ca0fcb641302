import { UnitTestTree } from '@angular-devkit/schematics/testing';
import { createAppTree, createRunner, runSchematic, snapshotTree } from '../../../test/support/unit/app-tree';

const runner = createRunner();

const run = (schematic: string, tree: UnitTestTree, options: Record<string, unknown>) => runSchematic(runner, schematic, options, tree);

/** An app with a hand-written gateway in src/chat, like `nest g gateway chat` makes. */
function appWithGateway(gatewaySource: string): UnitTestTree {
  const tree = createAppTree('esm');
  tree.create('/src/chat/chat.gateway.ts', gatewaySource);
  return tree;
}

const PLAIN_GATEWAY = `import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';

@WebSocketGateway({ namespace: 'chat' })
export class ChatGateway {
  @SubscribeMessage('message')
  handleMessage(): string {
    return 'Hello world!';
  }
}
`;

describe('ws-guard schematic', () => {
  it('writes the middleware, guard, module and guard spec in the shared folder', async () => {
    const existing = new Set(createAppTree('esm').files);
    const { tree } = await run('ws-guard', createAppTree('esm'), {});
    expect(tree.files.filter((file) => !existing.has(file) && file.startsWith('/src')).sort()).toEqual([
      '/src/realtime/realtime-socket.ts',
      '/src/realtime/realtime.contract.ts',
      '/src/realtime/ws-auth.guard.spec.ts',
      '/src/realtime/ws-auth.guard.ts',
      '/src/realtime/ws-auth.middleware.ts',
      '/src/realtime/ws-auth.module.ts',
      '/src/realtime/ws-validation.ts',
    ]);
    expect(tree.readContent('/src/realtime/ws-auth.middleware.ts')).not.toContain('handshake.query');
    expect(JSON.parse(tree.readContent('/package.json')).dependencies['@nestjs/jwt']).toBe('^12.0.2');
  });

  it('reads query-string tokens only when the conventions allow it', async () => {
    const tree = createAppTree('esm');
    tree.create('/realtime.json', JSON.stringify({ auth: { allowQueryToken: true } }));
    const { tree: result } = await run('ws-guard', tree, {});
    expect(result.readContent('/src/realtime/ws-auth.middleware.ts')).toContain('socket.handshake.query');
  });

  it('applies itself to a plain gateway: guard, middleware on its namespace, module import — once', async () => {
    const { tree } = await run('ws-guard', appWithGateway(PLAIN_GATEWAY), { gateway: 'chat' });
    expect(tree.readContent('/src/chat/chat.gateway.ts')).toBe(`import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { UseGuards } from '@nestjs/common';
import type { Namespace } from 'socket.io';
import { WsAuthGuard } from '../realtime/ws-auth.guard.js';
import { WsAuthMiddleware } from '../realtime/ws-auth.middleware.js';

@WebSocketGateway({ namespace: 'chat' })
@UseGuards(WsAuthGuard)
export class ChatGateway {
  constructor(private readonly wsAuth: WsAuthMiddleware) {}

  // Verified once per connection. Middleware on "/" would not protect this namespace.
  afterInit(namespace: Namespace): void {
    namespace.use(this.wsAuth.handshake);
  }

  @SubscribeMessage('message')
  handleMessage(): string {
    return 'Hello world!';
  }
}
`);
    expect(tree.readContent('/src/app.module.ts')).toContain("imports: [WsAuthModule],");

    const before = snapshotTree(tree);
    await run('ws-guard', tree, { gateway: 'chat' });
    expect(snapshotTree(tree)).toEqual(before);
  });

  it('names the specs the team edited since they were written for the unguarded gateway, without editing them', async () => {
    const tree = appWithGateway(PLAIN_GATEWAY);
    tree.create('/src/chat/chat.gateway.spec.ts', '// unit\n');
    tree.create('/test/chat.gateway.e2e-spec.ts', '// e2e\n');
    const { tree: result, warnings } = await run('ws-guard', tree, { gateway: 'chat' });
    expect(result.readContent('/src/chat/chat.gateway.spec.ts')).toBe('// unit\n');
    expect(warnings.map((warning) => warning.split(' was ')[0])).toEqual([
      'WARNING src/chat/chat.gateway.spec.ts',
      'WARNING test/chat.gateway.e2e-spec.ts',
    ]);
    expect((await run('ws-guard', result, { gateway: 'chat' })).warnings).toEqual([]);
  });

  it('joins an existing @UseGuards and afterInit, under aliased imports', async () => {
    const source = `import { UseGuards as Guards } from '@nestjs/common';
import { WebSocketGateway as Gateway } from '@nestjs/websockets';
import { Server } from 'socket.io';
import { RateGuard } from '../rate.guard.js';

@Gateway()
@Guards(RateGuard)
export class ChatGateway {
  afterInit(server: Server) {
    console.log('ready');
  }
}
`;
    const { tree } = await run('ws-guard', appWithGateway(source), { gateway: 'chat' });
    const result = tree.readContent('/src/chat/chat.gateway.ts');
    expect(result).toContain('@Guards(RateGuard, WsAuthGuard)\nexport class ChatGateway {');
    expect(result).toContain("afterInit(server: Server) {\n    server.use(this.wsAuth.handshake);\n    console.log('ready');");
    expect(result).toContain("import { UseGuards as Guards } from '@nestjs/common';");
    expect(result).toContain('export class ChatGateway {\n  constructor(private readonly wsAuth: WsAuthMiddleware) {}\n\n  afterInit(server: Server) {');
  });

  it('asks for a manual step when afterInit takes no server, leaving the gateway untouched', async () => {
    const source = `import { WebSocketGateway } from '@nestjs/websockets';

@WebSocketGateway()
export class ChatGateway {
  afterInit() {}
}
`;
    const { tree, warnings } = await run('ws-guard', appWithGateway(source), { gateway: 'chat' });
    expect(tree.readContent('/src/chat/chat.gateway.ts')).toBe(source);
    expect(warnings).toEqual([
      'WARNING src/chat/chat.gateway.ts was left unchanged: afterInit() has no server parameter; inject WsAuthMiddleware as `wsAuth` in the constructor and call `namespace.use(this.wsAuth.handshake)` in `afterInit(namespace: Namespace)` of ChatGateway.',
    ]);
  });

  it('fails clearly when the gateway does not exist, writing nothing', async () => {
    await expect(run('ws-guard', createAppTree('esm'), { gateway: 'lobby' })).rejects.toThrow('Gateway "lobby" not found: no lobby.gateway.ts under src.');
  });
});

describe('ws-filter schematic', () => {
  it('writes the filter and its spec', async () => {
    const { tree } = await run('ws-filter', createAppTree('cjs'), {});
    expect(tree.exists('/src/realtime/ws-exception.filter.ts')).toBe(true);
    expect(tree.exists('/src/realtime/ws-exception.filter.spec.ts')).toBe(true);
    expect(tree.readContent('/src/realtime/ws-exception.filter.ts')).toContain("from './realtime-socket';");
  });

  it('applies @UseFilters to a gateway once', async () => {
    const { tree } = await run('ws-filter', appWithGateway(PLAIN_GATEWAY), { gateway: 'chat' });
    const gateway = tree.readContent('/src/chat/chat.gateway.ts');
    expect(gateway).toContain("@WebSocketGateway({ namespace: 'chat' })\n@UseFilters(WsExceptionFilter)\nexport class ChatGateway {");
    expect(gateway).toContain("import { WsExceptionFilter } from '../realtime/ws-exception.filter.js';");
    const before = snapshotTree(tree);
    await run('ws-filter', tree, { gateway: 'chat' });
    expect(snapshotTree(tree)).toEqual(before);
  });

  it('fails clearly when the file holds no gateway', async () => {
    await expect(run('ws-filter', appWithGateway('export class ChatGateway {}\n'), { gateway: 'chat' })).rejects.toThrow(
      'src/chat/chat.gateway.ts has no @WebSocketGateway() class.',
    );
  });
});
