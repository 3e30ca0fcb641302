import { UnitTestTree } from '@angular-devkit/schematics/testing';
import * as ts from 'typescript';
import { createAppTree, createRunner, runSchematic, snapshotOutput, snapshotTree } from '../../../test/support/unit/app-tree';

const runner = createRunner();

const run = (schematic: string, tree: UnitTestTree, options: Record<string, unknown>) => runSchematic(runner, schematic, options, tree);

function withConventions(tree: UnitTestTree, conventions: object): UnitTestTree {
  tree.create('/realtime.json', JSON.stringify(conventions));
  return tree;
}

const EVERYTHING = { auth: { enabled: true }, rooms: { enabled: true }, presence: { enabled: true }, notifier: { enabled: true }, rateLimit: { enabled: true } };

/** The module specifiers a file imports (and re-exports from), read through the AST. */
function importsOf(text: string): string[] {
  const source = ts.createSourceFile('file.ts', text, ts.ScriptTarget.Latest, true);
  return source.statements.flatMap((statement) =>
    (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)
      ? [statement.moduleSpecifier.text]
      : [],
  );
}

/** The member names of an interface of a file. */
function membersOf(text: string, interfaceName: string): string[] {
  const source = ts.createSourceFile('file.ts', text, ts.ScriptTarget.Latest, true);
  const declaration = source.statements.find((statement): statement is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(statement) && statement.name.text === interfaceName);
  return declaration ? declaration.members.map((member) => member.name!.getText(source)) : [];
}

describe('client schematic', () => {
  it('writes chat.client.ts beside the gateway, importing only socket.io-client and the contract; a rerun (and the sdk alias) changes nothing', async () => {
    const { tree } = await run('gateway', createAppTree('esm'), { name: 'chat' });
    const { tree: result, warnings } = await run('client', tree, { name: 'chat' });
    expect(warnings).toEqual([]);
    const client = result.readContent('/src/chat/chat.client.ts');
    expect(importsOf(client)).toEqual(['socket.io-client', './chat.contract.js']);
    expect(client).toContain('export function createChatClient(');
    expect(client).toContain("const NAMESPACE = '/chat';");
    expect(client).toContain('export class ChatHandshakeError extends Error {');
    expect(client).toContain('socket.timeout(ms).emitWithAck(name, payload)');
    expect(client).not.toMatch(/\bany\b/);
    expect(JSON.parse(result.readContent('/package.json')).devDependencies).toMatchObject({ 'socket.io-client': expect.any(String) });

    const before = snapshotTree(result);
    await run('client', result, { name: 'chat' });
    await run('sdk', result, { gateway: 'chat' });
    expect(snapshotTree(result)).toEqual(before);
  });

  it.each([
    ['a plain gateway', {}, ['message'], ['message']],
    ['rooms', { rooms: { enabled: true } }, ['message', 'joinRoom', 'leaveRoom', 'roomMessage', 'roomMembers'], ['message', 'userJoined', 'userLeft', 'roomMessage']],
    [
      'rooms, presence, the notifier, auth and the rate limit (feature)',
      EVERYTHING,
      ['message', 'joinRoom', 'leaveRoom', 'roomMessage', 'roomMembers', 'onlineUsers'],
      ['message', 'userJoined', 'userLeft', 'roomMessage', 'presenceDiff', 'notification'],
    ],
  ])('types the client by the contract, which lists every event of the namespace: %s', async (_case, conventions, clientEvents, serverEvents) => {
    const { tree } = await run('feature', withConventions(createAppTree('esm'), { ...conventions, client: { enabled: true } }), { name: 'chat' });
    const contract = tree.readContent('/src/chat/chat.contract.ts');
    expect(membersOf(contract, 'ChatClientEvents')).toEqual(clientEvents);
    expect(membersOf(contract, 'ChatServerEvents')).toEqual(serverEvents);
    // Types only: no import but the shared envelope, which imports nothing.
    expect(importsOf(contract)).toEqual(['../realtime/realtime.contract.js']);
    expect(importsOf(tree.readContent('/src/realtime/realtime.contract.ts'))).toEqual([]);
    // The client is the same file whatever the contract holds: it is typed from the maps.
    const { tree: plain } = await run('gateway', createAppTree('esm'), { name: 'chat' });
    await run('client', plain, { name: 'chat' });
    expect(tree.readContent('/src/chat/chat.client.ts')).toBe(plain.readContent('/src/chat/chat.client.ts'));
  });

  it('declares nothing twice: the server types are built from the contract, the envelope re-exported from it', async () => {
    const { tree } = await run('feature', withConventions(createAppTree('esm'), { ...EVERYTHING, client: { enabled: true } }), { name: 'chat' });
    const declared = new Map<string, string[]>();
    for (const file of tree.files.filter((path) => path.startsWith('/src/') && path.endsWith('.ts') && !path.endsWith('.spec.ts'))) {
      const source = ts.createSourceFile(file, tree.readContent(file), ts.ScriptTarget.Latest, true);
      for (const statement of source.statements) {
        if ((ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) && statement.name.text) {
          declared.set(statement.name.text, [...(declared.get(statement.name.text) ?? []), file]);
        }
      }
    }
    expect([...declared].filter(([, files]) => files.length > 1)).toEqual([]);
    expect(declared.get('WsAck')).toEqual(['/src/realtime/realtime.contract.ts']);
    expect(declared.get('ChatServerEvents')).toEqual(['/src/chat/chat.contract.ts']);
    expect(tree.readContent('/src/realtime/realtime-socket.ts')).toContain("export type { WsAck, WsError, WsOk } from './realtime.contract.js';");
    expect(tree.readContent('/src/chat/chat.events.ts')).toContain("import type { ChatClientEvents, ChatServerEvents } from './chat.contract.js';");
    for (const file of ['chat.rooms.ts', 'chat.presence.ts', 'chat.notifier.ts']) {
      expect(tree.readContent(`/src/chat/${file}`)).toContain("from './chat.events.js';");
    }
    expect(tree.exists('/src/chat/chat.room-events.ts') || tree.exists('/src/chat/chat.presence-events.ts')).toBe(false);
  });

  it("switches the gateway's generated e2e spec to the client, and back on nothing else: ws-guard later keeps it on the client", async () => {
    const { tree } = await run('gateway', createAppTree('esm'), { name: 'chat' });
    expect(tree.readContent('/test/chat.gateway.e2e-spec.ts')).toContain("import { io, type Socket } from 'socket.io-client';");
    await run('client', tree, { name: 'chat' });
    const spec = tree.readContent('/test/chat.gateway.e2e-spec.ts');
    expect(spec).not.toContain('socket.io-client');
    expect(spec).toContain("import { createChatClient, type ChatClient } from '../src/chat/chat.client.js';");
    expect(spec).toContain("await sender.request('message', { text: 'hello' });");

    await run('ws-guard', tree, { gateway: 'chat' });
    const guarded = tree.readContent('/test/chat.gateway.e2e-spec.ts');
    expect(guarded).toContain('ChatHandshakeError,\n  createChatClient,');
    expect(guarded).toContain('rejects.toBeInstanceOf(ChatHandshakeError)');
    // A rerun of the gateway expects the spec as the client and the guard left it.
    const before = snapshotTree(tree);
    await run('gateway', tree, { name: 'chat' });
    expect(snapshotTree(tree)).toEqual(before);
  });

  it.each([
    ['with auth', { auth: { enabled: true } }],
    ['without auth', {}],
  ])("switches the notifier's generated e2e spec to the client, the same file whichever ran first: %s", async (_case, conventions) => {
    const notifierFirst = withConventions(createAppTree('esm'), conventions);
    await run('gateway', notifierFirst, { name: 'chat' });
    await run('notifier', notifierFirst, { gateway: 'chat' });
    expect(notifierFirst.readContent('/test/chat.notifier.e2e-spec.ts')).toContain("import { io, type Socket } from 'socket.io-client';");
    const { warnings } = await run('client', notifierFirst, { gateway: 'chat' });
    expect(warnings).toEqual([]);
    const spec = notifierFirst.readContent('/test/chat.notifier.e2e-spec.ts');
    expect(spec).not.toContain('socket.io-client');
    expect(spec).toContain("import { createChatClient, type ChatClient } from '../src/chat/chat.client.js';");
    expect(spec).toContain("const stop = client.on('notification', (notification) => {");

    const clientFirst = withConventions(createAppTree('esm'), conventions);
    await run('gateway', clientFirst, { name: 'chat' });
    await run('client', clientFirst, { gateway: 'chat' });
    await run('notifier', clientFirst, { gateway: 'chat' });
    expect(snapshotOutput(clientFirst)).toEqual(snapshotOutput(notifierFirst));
    // Reruns expect the spec on the client.
    await run('notifier', clientFirst, { gateway: 'chat' });
    await run('client', clientFirst, { gateway: 'chat' });
    expect(snapshotOutput(clientFirst)).toEqual(snapshotOutput(notifierFirst));
  });

  it("leaves a notifier e2e spec the team edited alone, and says what it needs", async () => {
    const { tree } = await run('gateway', createAppTree('esm'), { name: 'chat' });
    await run('notifier', tree, { gateway: 'chat' });
    const edited = `${tree.readContent('/test/chat.notifier.e2e-spec.ts')}// ours\n`;
    tree.overwrite('/test/chat.notifier.e2e-spec.ts', edited);
    const { warnings } = await run('client', tree, { gateway: 'chat' });
    expect(warnings).toEqual([
      'WARNING test/chat.notifier.e2e-spec.ts was edited since it was generated, so it was left as it is: connect through createChatClient from src/chat/chat.client.ts, or leave it on socket.io-client as it is.',
    ]);
    expect(tree.readContent('/test/chat.notifier.e2e-spec.ts')).toBe(edited);
  });

  it('leaves an e2e spec the team edited alone, and says what it needs', async () => {
    const { tree } = await run('gateway', createAppTree('esm'), { name: 'chat' });
    tree.overwrite('/test/chat.gateway.e2e-spec.ts', `${tree.readContent('/test/chat.gateway.e2e-spec.ts')}// ours\n`);
    const { warnings } = await run('client', tree, { name: 'chat' });
    expect(warnings).toEqual([expect.stringContaining('WARNING test/chat.gateway.e2e-spec.ts was edited since it was generated')]);
    expect(tree.readContent('/test/chat.gateway.e2e-spec.ts')).toContain('// ours');
  });

  it('connects to the main namespace of a gateway without one, and puts no suffix on imports in a CommonJS app', async () => {
    const tree = createAppTree('cjs');
    const { tree: withGateway } = await run('gateway', tree, { name: 'chat' });
    withGateway.overwrite('/src/chat/chat.gateway.ts', withGateway.readContent('/src/chat/chat.gateway.ts').replace("@WebSocketGateway({ namespace: 'chat' })", '@WebSocketGateway()'));
    const { tree: result } = await run('client', withGateway, { name: 'chat' });
    const client = result.readContent('/src/chat/chat.client.ts');
    expect(client).toContain("const NAMESPACE = '/';");
    expect(importsOf(client)).toEqual(['socket.io-client', './chat.contract']);
  });

  it('adds a part to a contract that imports the envelope under an alias, in that name', async () => {
    const { tree } = await run('gateway', createAppTree('esm'), { name: 'chat' });
    const aliased = tree.readContent('/src/chat/chat.contract.ts').replace('import type { WsAck }', 'import type { WsAck as Ack }').replace(/\bWsAck\b(?!\s+as)/g, 'Ack');
    tree.overwrite('/src/chat/chat.contract.ts', aliased);
    const { warnings } = await run('room-handler', tree, { name: 'chat', gateway: 'chat' });
    expect(warnings).toEqual([]);
    const contract = tree.readContent('/src/chat/chat.contract.ts');
    expect(contract).toContain('ack: (response: Ack<{ room: string }>) => void,');
    expect(contract).not.toMatch(/\bWsAck\b(?!\s+as)/);
    expect(importsOf(contract)).toEqual(['../realtime/realtime.contract.js']);
    expect(membersOf(contract, 'ChatClientEvents')).toEqual(expect.arrayContaining(['joinRoom', 'leaveRoom', 'roomMessage', 'roomMembers']));
    const before = snapshotTree(tree);
    await run('room-handler', tree, { name: 'chat', gateway: 'chat' });
    expect(snapshotTree(tree)).toEqual(before);
  });

  it('adds a part to a contract that imports the envelope as a namespace, qualified by it', async () => {
    const { tree } = await run('gateway', createAppTree('esm'), { name: 'chat' });
    const qualified = tree.readContent('/src/chat/chat.contract.ts').replace('import type { WsAck }', 'import type * as Envelope').replace(/\bWsAck</g, 'Envelope.WsAck<');
    tree.overwrite('/src/chat/chat.contract.ts', qualified);
    const { warnings } = await run('room-handler', tree, { name: 'chat', gateway: 'chat' });
    expect(warnings).toEqual([]);
    const contract = tree.readContent('/src/chat/chat.contract.ts');
    expect(contract).toContain('ack: (response: Envelope.WsAck<{ room: string }>) => void,');
    expect(contract).toContain('ack: (response: Envelope.WsAck) => void,');
    expect(importsOf(contract)).toEqual(['../realtime/realtime.contract.js']);
  });

  it('finds the gateway through an aliased decorator import, and writes its contract when it has none', async () => {
    const tree = createAppTree('esm');
    tree.create('/src/live/live.gateway.ts', "import { WebSocketGateway as Gateway } from '@nestjs/websockets';\n\n@Gateway({ namespace: 'lobby' })\nexport class LiveGateway {}\n");
    await run('room-handler', tree, { name: 'live', gateway: 'live' });
    const contract = tree.readContent('/src/live/live.contract.ts');
    expect(importsOf(contract)).toEqual(['../realtime/realtime.contract.js']);
    expect(contract).toMatch(/^import type \{ WsAck \} from '\.\.\/realtime\/realtime\.contract\.js';\n\n\/\/ The `lobby` namespace's contract/);
    expect(membersOf(contract, 'LiveClientEvents')).toEqual(['joinRoom', 'leaveRoom', 'roomMessage', 'roomMembers']);
    expect(tree.readContent('/src/live/live.events.ts')).toContain("import type { LiveClientEvents, LiveServerEvents } from './live.contract.js';");
    const { tree: result } = await run('client', tree, { gateway: 'live' });
    expect(result.readContent('/src/live/live.client.ts')).toContain("const NAMESPACE = '/lobby';");
    const before = snapshotTree(result);
    await run('room-handler', result, { name: 'live', gateway: 'live' });
    expect(snapshotTree(result)).toEqual(before);
  });

  it('refuses a gateway without a contract, writing nothing', async () => {
    const tree = createAppTree('esm');
    tree.create('/src/live/live.gateway.ts', "import { WebSocketGateway } from '@nestjs/websockets';\n\n@WebSocketGateway({ namespace: 'live' })\nexport class LiveGateway {}\n");
    const before = snapshotTree(tree);
    await expect(run('client', tree, { gateway: 'live' })).rejects.toThrow('src/live/live.contract.ts not found: the client is typed by the gateway\'s contract.');
    expect(snapshotTree(tree)).toEqual(before);
  });

  it('stays out of `feature` when the client is off (the schema default)', async () => {
    const { tree } = await run('feature', createAppTree('esm'), { name: 'chat' });
    expect(tree.exists('/src/chat/chat.client.ts')).toBe(false);
    expect(tree.readContent('/test/chat.gateway.e2e-spec.ts')).toContain("from 'socket.io-client'");
  });

  it.each([
    ['chat', {}],
    ['admin/notification-center-events', EVERYTHING],
  ])('writes files that Prettier (the Nest default config) leaves unchanged, for %j with conventions %j', async (name, conventions) => {
    const prettier = await import('prettier');
    const tree = withConventions(createAppTree('esm'), { ...conventions, client: { enabled: true } });
    const existing = new Set(tree.files);
    const { tree: result } = await run('feature', tree, { name });
    const options = JSON.parse(result.readContent('/.prettierrc'));
    // The client and the contract; the other files have their own tests (a long name breaks some of their lines).
    const files = result.files.filter((path) => !existing.has(path) && /\.(client|contract)\.ts$/.test(path));
    expect(files).toHaveLength(3);
    const formatted = await Promise.all(files.map(async (file) => ({ file, text: await prettier.format(result.readContent(file), { ...options, filepath: file }) })));
    expect(formatted).toEqual(files.map((file) => ({ file, text: result.readContent(file) })));
  });
});
