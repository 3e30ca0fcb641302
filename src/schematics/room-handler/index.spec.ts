import { UnitTestTree } from '@angular-devkit/schematics/testing';
import { createAppTree, createRunner, runSchematic, snapshotTree } from '../../../test/support/unit/app-tree';

const runner = createRunner();

const run = (schematic: string, tree: UnitTestTree, options: Record<string, unknown>) => runSchematic(runner, schematic, options, tree);

function appWithGateway(path: string, source: string): UnitTestTree {
  const tree = createAppTree('esm');
  tree.create(path, source);
  return tree;
}

describe('room-handler schematic', () => {
  it('writes the handlers, policy, DTOs and event types beside the gateway, registered once', async () => {
    const { tree: withGateway } = await run('gateway', createAppTree('esm'), { name: 'chat' });
    const { tree } = await run('room-handler', withGateway, { name: 'chat', gateway: 'chat' });
    for (const file of ['chat.rooms.ts', 'chat.room-policy.ts', 'chat.room-policy.spec.ts', 'dto/chat-room.dto.ts']) {
      expect(tree.exists(`/src/chat/${file}`)).toBe(true);
    }
    const rooms = tree.readContent('/src/chat/chat.rooms.ts');
    expect(rooms).toContain("@WebSocketGateway({ namespace: 'chat' })");
    expect(rooms).toContain('@UseFilters(WsExceptionFilter)');
    expect(rooms).toContain('const MAX_ROOMS_PER_SOCKET = 50;');
    expect(tree.readContent('/src/chat/dto/chat-room.dto.ts')).toContain('@MaxLength(64)');
    expect(tree.readContent('/src/app.module.ts')).toContain('providers: [AppService, ChatGateway, ChatRooms, ChatRoomPolicy],');

    const before = snapshotTree(tree);
    await run('room-handler', tree, { name: 'chat', gateway: 'chat' });
    expect(snapshotTree(tree)).toEqual(before);
  });

  it('reads the namespace through an aliased decorator import', async () => {
    const tree = appWithGateway(
      '/src/live/live.gateway.ts',
      "import { WebSocketGateway as Gateway } from '@nestjs/websockets';\n\n@Gateway(8080, { namespace: 'lobby' })\nexport class LiveGateway {}\n",
    );
    const { tree: result } = await run('room-handler', tree, { name: 'lobby', gateway: 'live' });
    expect(result.readContent('/src/live/lobby.rooms.ts')).toContain("@WebSocketGateway({ namespace: 'lobby' })\n");
  });

  it('serves the main namespace of a gateway without one', async () => {
    const tree = appWithGateway('/src/live/live.gateway.ts', "import { WebSocketGateway } from '@nestjs/websockets';\n\n@WebSocketGateway()\nexport class LiveGateway {}\n");
    const { tree: result } = await run('room-handler', tree, { name: 'live', gateway: 'live' });
    expect(result.readContent('/src/live/live.rooms.ts')).toContain('@WebSocketGateway()\n');
  });

  it('warns with the manual step when the namespace is a constant', async () => {
    const tree = appWithGateway(
      '/src/live/live.gateway.ts',
      "import { WebSocketGateway } from '@nestjs/websockets';\nimport { LIVE } from './names.js';\n\n@WebSocketGateway({ namespace: LIVE })\nexport class LiveGateway {}\n",
    );
    const { tree: result, warnings } = await run('room-handler', tree, { name: 'live', gateway: 'live' });
    expect(warnings).toEqual([
      "WARNING src/live/live.gateway.ts: the namespace of LiveGateway is not a string literal; set the same namespace in @WebSocketGateway() of src/live/live.rooms.ts (generated with 'live').",
    ]);
    expect(result.exists('/src/live/live.rooms.ts')).toBe(true);
  });

  it('takes the gateway at its own path over a same-named one elsewhere, and searches for one kept elsewhere', async () => {
    const gatewaySource = (namespace: string) =>
      `import { WebSocketGateway } from '@nestjs/websockets';\n\n@WebSocketGateway({ namespace: '${namespace}' })\nexport class ChatGateway {}\n`;
    const tree = appWithGateway('/src/chat/chat.gateway.ts', gatewaySource('chat'));
    tree.create('/src/admin/chat/chat.gateway.ts', gatewaySource('admin-chat'));
    tree.create('/src/modules/live/live.gateway.ts', gatewaySource('live'));
    const { tree: result } = await run('room-handler', tree, { name: 'chat', gateway: 'chat' });
    expect(result.readContent('/src/chat/chat.rooms.ts')).toContain("@WebSocketGateway({ namespace: 'chat' })");
    const { tree: admin } = await run('room-handler', tree, { name: 'chat', gateway: 'admin/chat' });
    expect(admin.readContent('/src/admin/chat/chat.rooms.ts')).toContain("@WebSocketGateway({ namespace: 'admin-chat' })");
    const { tree: live } = await run('room-handler', tree, { name: 'live', gateway: 'live' });
    expect(live.readContent('/src/modules/live/live.rooms.ts')).toContain("@WebSocketGateway({ namespace: 'live' })");
  });

  it('fails clearly when the gateway is not found', async () => {
    await expect(run('room-handler', createAppTree('esm'), { name: 'chat', gateway: 'chat' })).rejects.toThrow(
      'Gateway "chat" not found: no chat.gateway.ts under src.',
    );
  });

  it('takes limits and auth from the conventions, and comes with `gateway` when rooms are on', async () => {
    const tree = createAppTree('cjs');
    tree.create('/realtime.json', JSON.stringify({ auth: { enabled: true }, rooms: { enabled: true, maxRoomNameLength: 32, maxRoomsPerSocket: 5 } }));
    const { tree: result } = await run('gateway', tree, { name: 'admin/chat' });
    const rooms = result.readContent('/src/admin/chat/chat.rooms.ts');
    expect(rooms).toContain("@WebSocketGateway({ namespace: 'chat' })\n@UseGuards(WsAuthGuard)\n@UseFilters(WsExceptionFilter)");
    expect(rooms).toContain('const MAX_ROOMS_PER_SOCKET = 5;');
    expect(rooms).toContain("from '../../realtime/ws-auth.guard';");
    expect(result.readContent('/src/admin/chat/dto/chat-room.dto.ts')).toContain('@MaxLength(32)');
    // The policy does not depend on auth: with ws-guard applied, only authenticated users reach it.
    expect(result.readContent('/src/admin/chat/chat.room-policy.ts')).toContain('return room.length > 0;');
  });
});
