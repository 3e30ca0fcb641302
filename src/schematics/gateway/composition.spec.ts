import { UnitTestTree } from '@angular-devkit/schematics/testing';
import { HostKind, createAppTree, createRunner, runSchematic, snapshotTree } from '../../../test/support/unit/app-tree';

const runner = createRunner();

/** Every file of the app but the conventions file, which is what differs between the two ways. */
function appFiles(tree: UnitTestTree): Record<string, string> {
  const { ['/realtime.json']: _conventions, ...files } = snapshotTree(tree);
  return files;
}

function appWithConventions(kind: HostKind, conventions: object): UnitTestTree {
  const tree = createAppTree(kind);
  tree.create('/realtime.json', JSON.stringify(conventions));
  return tree;
}

/**
 * SPEC §3 "Composition": `gateway` with a building block on in the conventions produces exactly
 * what running that block on the plain gateway produces. One code path per edit, proven byte for byte.
 */
describe.each<HostKind>(['esm', 'cjs'])('composition in a Nest 12 %s app', (kind) => {
  it.each([
    ['rooms on', { rooms: { enabled: true } }],
    ['rooms off', { rooms: { enabled: false } }],
  ])('gateway with auth and filter on ≡ plain gateway + ws-guard --gateway + ws-filter --gateway (%s)', async (_case, rooms) => {
    const composed = appWithConventions(kind, { ...rooms, auth: { enabled: true }, filter: { enabled: true } });
    await runSchematic(runner, 'gateway', { name: 'chat' }, composed);

    const stepByStep = appWithConventions(kind, { ...rooms, auth: { enabled: false }, filter: { enabled: false } });
    await runSchematic(runner, 'gateway', { name: 'chat' }, stepByStep);
    expect(stepByStep.readContent('/src/chat/chat.gateway.ts')).not.toContain('UseGuards');
    await runSchematic(runner, 'ws-guard', { gateway: 'chat' }, stepByStep);
    await runSchematic(runner, 'ws-filter', { gateway: 'chat' }, stepByStep);

    expect(appFiles(stepByStep)).toEqual(appFiles(composed));
    // The comparison is about the composed code, not about two empty runs.
    expect(composed.readContent('/src/chat/chat.gateway.ts')).toContain('@UseGuards(WsAuthGuard)\n@UseFilters(WsExceptionFilter)\nexport class ChatGateway');
    expect(composed.readContent('/test/chat.gateway.e2e-spec.ts')).toContain("connect('alice')");
    if (rooms.rooms.enabled) {
      expect(composed.readContent('/src/chat/chat.rooms.ts')).toContain('@UseGuards(WsAuthGuard)\n@UseFilters(WsExceptionFilter)\nexport class ChatRooms');
    }
  });

  it('room-handler --gateway on a guarded, filtered gateway ≡ gateway with rooms on', async () => {
    const conventions = { auth: { enabled: true }, filter: { enabled: true } };
    const composed = appWithConventions(kind, { ...conventions, rooms: { enabled: true } });
    await runSchematic(runner, 'gateway', { name: 'chat' }, composed);

    const later = appWithConventions(kind, { ...conventions, rooms: { enabled: false } });
    await runSchematic(runner, 'gateway', { name: 'chat' }, later);
    await runSchematic(runner, 'room-handler', { name: 'chat', gateway: 'chat' }, later);

    const rooms = '/src/chat/chat.rooms.ts';
    expect(later.readContent(rooms)).toBe(composed.readContent(rooms));
    expect(later.readContent(rooms)).toContain('@UseGuards(WsAuthGuard)\n@UseFilters(WsExceptionFilter)\nexport class ChatRooms');
  });

  it('a rerun of the composed gateway changes nothing, and a gateway the team edited is refused', async () => {
    const tree = appWithConventions(kind, { rooms: { enabled: true }, auth: { enabled: true }, filter: { enabled: true } });
    await runSchematic(runner, 'gateway', { name: 'chat' }, tree);
    const before = snapshotTree(tree);
    await runSchematic(runner, 'gateway', { name: 'chat' }, tree);
    expect(snapshotTree(tree)).toEqual(before);

    tree.overwrite('/src/chat/chat.gateway.ts', tree.readContent('/src/chat/chat.gateway.ts').replace('return { ok: true };', 'return { ok: true }; // ours'));
    await expect(runSchematic(runner, 'gateway', { name: 'chat' }, tree)).rejects.toThrow(
      'src/chat/chat.gateway.ts already exists with different content; nothing was written. Use --force to overwrite it.',
    );
  });
});
