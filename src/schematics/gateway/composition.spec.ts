import { UnitTestTree } from '@angular-devkit/schematics/testing';
import { HostKind, createAppTree, createRunner, runSchematic, snapshotOutput, snapshotTree } from '../../../test/support/unit/app-tree';

const runner = createRunner();

/** Every file of the app but the conventions file, which is what differs between the two ways (and the runs the ledger names). */
function appFiles(tree: UnitTestTree): Record<string, unknown> {
  const { ['/realtime.json']: _conventions, ...files } = snapshotOutput(tree);
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

  it('with the rate limit on: gateway ≡ gateway + ws-guard --gateway + ws-filter --gateway, the auth guard first', async () => {
    const rateLimit = { rooms: { enabled: true }, rateLimit: { enabled: true } };
    const composed = appWithConventions(kind, { ...rateLimit, auth: { enabled: true }, filter: { enabled: true } });
    await runSchematic(runner, 'gateway', { name: 'chat' }, composed);

    // The rate limit has no schematic of its own: the plain gateway already has it, ws-guard comes after.
    const stepByStep = appWithConventions(kind, { ...rateLimit, auth: { enabled: false }, filter: { enabled: false } });
    await runSchematic(runner, 'gateway', { name: 'chat' }, stepByStep);
    expect(stepByStep.readContent('/src/chat/chat.gateway.ts')).toContain('@UseGuards(WsRateLimitGuard)\nexport class ChatGateway');
    await runSchematic(runner, 'ws-guard', { gateway: 'chat' }, stepByStep);
    await runSchematic(runner, 'ws-filter', { gateway: 'chat' }, stepByStep);

    expect(appFiles(stepByStep)).toEqual(appFiles(composed));
    for (const [file, className] of [
      ['/src/chat/chat.gateway.ts', 'ChatGateway'],
      ['/src/chat/chat.rooms.ts', 'ChatRooms'],
    ]) {
      expect(composed.readContent(file)).toContain(`@UseGuards(WsAuthGuard, WsRateLimitGuard)\n@UseFilters(WsExceptionFilter)\nexport class ${className}`);
    }
    // A rerun of either changes nothing.
    const before = snapshotTree(stepByStep);
    await runSchematic(runner, 'gateway', { name: 'chat' }, stepByStep);
    expect(snapshotTree(stepByStep)).toEqual(before);
  });

  it('reruns unchanged after blocks were applied in another order: ws-guard by hand, the rate limit turned on later', async () => {
    const conventions = { rooms: { enabled: true }, auth: { enabled: false }, rateLimit: { enabled: false } };
    const tree = appWithConventions(kind, conventions);
    await runSchematic(runner, 'gateway', { name: 'chat' }, tree);
    await runSchematic(runner, 'ws-guard', { gateway: 'chat' }, tree);
    tree.overwrite('/realtime.json', JSON.stringify({ ...conventions, rateLimit: { enabled: true } }));
    // The first rerun adds the rate limit to what is there; the next one finds nothing to do.
    await runSchematic(runner, 'gateway', { name: 'chat' }, tree);
    const gateway = tree.readContent('/src/chat/chat.gateway.ts');
    expect(gateway).toContain('@UseFilters(WsExceptionFilter)\n@UseGuards(WsAuthGuard, WsRateLimitGuard)\nexport class ChatGateway');
    expect(tree.readContent('/src/chat/chat.rooms.ts')).toContain('@UseGuards(WsAuthGuard, WsRateLimitGuard)\nexport class ChatRooms');
    const before = snapshotTree(tree);
    await runSchematic(runner, 'gateway', { name: 'chat' }, tree);
    expect(snapshotTree(tree)).toEqual(before);
  });

  it.each([
    ['a rate-limited', { auth: { enabled: true }, rateLimit: { enabled: true } }, '@UseGuards(WsAuthGuard, WsRateLimitGuard)\n@UseFilters(WsExceptionFilter)'],
    ['a guarded, filtered', { auth: { enabled: true }, filter: { enabled: true } }, '@UseGuards(WsAuthGuard)\n@UseFilters(WsExceptionFilter)'],
  ])('room-handler --gateway on %s gateway ≡ gateway with rooms on', async (_gateway, conventions, decorators) => {
    const composed = appWithConventions(kind, { ...conventions, rooms: { enabled: true } });
    await runSchematic(runner, 'gateway', { name: 'chat' }, composed);

    const later = appWithConventions(kind, { ...conventions, rooms: { enabled: false } });
    await runSchematic(runner, 'gateway', { name: 'chat' }, later);
    await runSchematic(runner, 'room-handler', { name: 'chat', gateway: 'chat' }, later);

    const rooms = '/src/chat/chat.rooms.ts';
    expect(later.readContent(rooms)).toBe(composed.readContent(rooms));
    expect(later.readContent(rooms)).toContain(`${decorators}\nexport class ChatRooms`);
    // The room handler's own rerun reads the guards it carries: nothing changes.
    const before = snapshotTree(later);
    await runSchematic(runner, 'room-handler', { name: 'chat', gateway: 'chat' }, later);
    expect(snapshotTree(later)).toEqual(before);
  });

  it('the contract: gateway with rooms on ≡ gateway + room-handler --gateway, and presence, notifier, client in any order rerun unchanged', async () => {
    const composed = appWithConventions(kind, { rooms: { enabled: true } });
    await runSchematic(runner, 'gateway', { name: 'chat' }, composed);

    const later = appWithConventions(kind, { rooms: { enabled: false } });
    await runSchematic(runner, 'gateway', { name: 'chat' }, later);
    expect(later.readContent('/src/chat/chat.contract.ts')).not.toContain('joinRoom');
    await runSchematic(runner, 'room-handler', { name: 'chat', gateway: 'chat' }, later);
    expect(appFiles(later)).toEqual(appFiles(composed));
    expect(composed.readContent('/src/chat/chat.contract.ts')).toContain('  joinRoom: (\n');

    // Blocks added by hand in another order than feature's (notifier, then presence, then the
    // client): a gateway rerun expects the contract as they left it.
    await runSchematic(runner, 'notifier', { gateway: 'chat' }, later);
    await runSchematic(runner, 'presence', { gateway: 'chat' }, later);
    await runSchematic(runner, 'client', { gateway: 'chat' }, later);
    const contract = later.readContent('/src/chat/chat.contract.ts');
    expect(contract.indexOf('notification:')).toBeLessThan(contract.indexOf('presenceDiff:'));
    const before = snapshotTree(later);
    await runSchematic(runner, 'gateway', { name: 'chat' }, later);
    await runSchematic(runner, 'presence', { gateway: 'chat' }, later);
    await runSchematic(runner, 'notifier', { gateway: 'chat' }, later);
    expect(snapshotTree(later)).toEqual(before);

    // A contract the team edited (a member of their own) is theirs: the gateway's rerun refuses it.
    later.overwrite('/src/chat/chat.contract.ts', contract.replace('export interface ChatServerEvents {\n', 'export interface ChatServerEvents {\n  typing: (userId: string) => void;\n'));
    await expect(runSchematic(runner, 'gateway', { name: 'chat' }, later)).rejects.toThrow('src/chat/chat.contract.ts already exists with different content');
  });

  it('a rerun of the composed gateway changes nothing, and a gateway the team edited is refused', async () => {
    const tree = appWithConventions(kind, { rooms: { enabled: true }, auth: { enabled: true }, filter: { enabled: true }, rateLimit: { enabled: true } });
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
