import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import { dirname, join } from 'node:path';
import { Server, type Namespace, type Socket as ServerSocket } from 'socket.io';
import * as ts from 'typescript';
import { REPO_ROOT } from '../../../test/support/repo';
import { createAppTree, createRunner, runSchematic } from '../../../test/support/unit/app-tree';

/**
 * The generated client's reconnection (SPEC §5.10, §9), on the real rendered file: `feature chat`
 * with rooms and the client writes it, it is compiled under strict (no Node types, as in a
 * browser) and loaded, and it talks to a socket.io server in this process that answers the room
 * events as the generated room handler does. A reconnection is caused the way a network loss or
 * a killed instance causes it: the server closes the socket's transport.
 */

/** The compiled client, typed as far as these tests use it. */
interface Reconnection {
  recovered: boolean;
  rejoinFailed: string[];
}
interface LoadedClient {
  connected(): Promise<void>;
  request(event: string, payload: unknown): Promise<{ ok: boolean; data?: unknown; error?: { code: string } }>;
  on(event: string, listener: (payload: unknown) => void): () => void;
  onReconnect(listener: (reconnection: Reconnection) => void): () => void;
  close(): void;
  socket: { id?: string; connected: boolean; recovered?: boolean; once(event: 'disconnect', listener: () => void): void };
}
interface ClientModule {
  createChatClient(url: string, options?: Record<string, unknown>): LoadedClient;
}

/** Front-end code that must compile against the rendered client: onReconnect is typed. */
const USAGE = `import { createChatClient, type ChatReconnection } from '../src/chat/chat.client.js';

export function usage(): () => void {
  const client = createChatClient('http://localhost:3000');
  const seen: ChatReconnection[] = [];
  return client.onReconnect(({ recovered, rejoinFailed }) => {
    const rooms: string[] = rejoinFailed;
    const flag: boolean = recovered;
    seen.push({ recovered: flag, rejoinFailed: rooms });
  });
}
`;

const FILES = ['src/realtime/realtime.contract.ts', 'src/chat/chat.contract.ts', 'src/chat/chat.client.ts'];

/** Renders the client through the schematics, compiles it under strict and loads it. */
async function renderClient(folder: string): Promise<ClientModule> {
  const tree = createAppTree('esm');
  tree.create('/realtime.json', JSON.stringify({ rooms: { enabled: true }, client: { enabled: true } }));
  await runSchematic(createRunner(), 'feature', { name: 'chat' }, tree);
  for (const file of FILES) {
    mkdirSync(dirname(join(folder, file)), { recursive: true });
    writeFileSync(join(folder, file), tree.readContent(`/${file}`));
  }
  mkdirSync(join(folder, 'usage'));
  writeFileSync(join(folder, 'usage/usage.ts'), USAGE);
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ type: 'commonjs' }));
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(folder, 'node_modules'), 'dir');

  const program = ts.createProgram([...FILES, 'usage/usage.ts'].map((file) => join(folder, file)), {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
    skipLibCheck: true,
    rootDir: folder,
    outDir: join(folder, 'dist'),
  });
  const diagnostics = ts.getPreEmitDiagnostics(program).concat(program.emit().diagnostics);
  expect(ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (name) => name, getCurrentDirectory: () => folder, getNewLine: () => '\n' })).toBe('');
  return require(join(folder, 'dist/src/chat/chat.client.js')) as ClientModule;
}

/** What the server saw, in order, with the client's own listener calls interleaved. */
type Log = string[];

interface TestServer {
  url: string;
  chat: Namespace;
  log: Log;
  /** Rooms `joinRoom` refuses (FORBIDDEN), as `canJoin` would. */
  refused: Set<string>;
  /** When set, `joinRoom` events over this many per window get RATE_LIMITED, as the generated guard does. */
  rateLimit?: { points: number; windowMs: number };
  /** When true, `joinRoom` is logged and never answered (a server that hangs). */
  unanswered?: boolean;
  close(): Promise<void>;
}

/** A socket.io server whose `chat` namespace answers the room events like the generated room handler. */
async function startServer(options: { recovery: boolean }): Promise<TestServer> {
  const http = createServer();
  const io = new Server(http, options.recovery ? { connectionStateRecovery: { maxDisconnectionDuration: 60_000 } } : {});
  const chat = io.of('/chat');
  const server: TestServer = {
    url: '',
    chat,
    log: [],
    refused: new Set(),
    close: () => new Promise((resolve) => void io.close(() => resolve())),
  };
  chat.on('connection', (socket: ServerSocket) => {
    let window = { startedAt: Date.now(), count: 0 };
    socket.on('joinRoom', async ({ room }: { room: string }, ack: (response: unknown) => void) => {
      const limit = server.rateLimit;
      if (limit) {
        if (Date.now() - window.startedAt >= limit.windowMs) window = { startedAt: Date.now(), count: 0 };
        window.count += 1;
        if (window.count > limit.points) {
          const retryAfterMs = limit.windowMs - (Date.now() - window.startedAt);
          return ack({ ok: false, error: { code: 'RATE_LIMITED', message: 'Too many events', retryAfterMs } });
        }
      }
      server.log.push(`${socket.id} joinRoom ${room}`);
      if (server.unanswered) return;
      if (server.refused.has(room)) return ack({ ok: false, error: { code: 'FORBIDDEN', message: 'Not allowed here' } });
      await socket.join(room);
      ack({ ok: true, data: { room } });
    });
    socket.on('leaveRoom', async ({ room }: { room: string }, ack: (response: unknown) => void) => {
      server.log.push(`${socket.id} leaveRoom ${room}`);
      await socket.leave(room);
      ack({ ok: true, data: { room } });
    });
    socket.on('roomMessage', ({ room, text }: { room: string; text: string }, ack: (response: unknown) => void) => {
      server.log.push(`${socket.id} roomMessage ${room}`);
      if (!socket.rooms.has(room)) return ack({ ok: false, error: { code: 'FORBIDDEN', message: 'Join the room first' } });
      chat.to(room).emit('roomMessage', { room, text, sender: socket.id, timestamp: new Date().toISOString() });
      ack({ ok: true });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  server.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return server;
}

describe('the generated client reconnects, and joins its rooms again when the session was not recovered', () => {
  let folder: string;
  let clientModule: ClientModule;
  let server: TestServer;
  const clients: LoadedClient[] = [];

  beforeAll(async () => {
    folder = mkdtempSync(join(os.tmpdir(), 'rs-client-reconnect-'));
    clientModule = await renderClient(folder);
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await server?.close();
  });

  afterAll(() => {
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  async function connect(options: Record<string, unknown> = {}): Promise<LoadedClient> {
    // Short reconnection delays (socket.io's default is 1 s to 5 s) keep the tests quick.
    const client = clientModule.createChatClient(server.url, { transports: ['websocket'], reconnectionDelay: 20, reconnectionDelayMax: 50, timeoutMs: 2000, ...options });
    clients.push(client);
    await client.connected();
    return client;
  }

  /** The next reconnection the client reports, logged where the server logs. */
  function nextReconnection(client: LoadedClient): Promise<Reconnection> {
    return new Promise((resolve) => {
      const stop = client.onReconnect((reconnection) => {
        server.log.push(`listener ${JSON.stringify(reconnection)}`);
        stop();
        resolve(reconnection);
      });
    });
  }

  /**
   * Closes the client's connection on the server side, as a network loss or a killed instance
   * does; resolves once the client has seen it (with the id it had).
   */
  async function dropConnection(client: LoadedClient): Promise<string> {
    const id = client.socket.id!;
    const disconnected = new Promise<void>((resolve) => client.socket.once('disconnect', resolve));
    server.chat.sockets.get(id)!.conn.close();
    await disconnected;
    return id;
  }

  /** What the server logged for a socket, without its id. */
  const logOf = (id: string) => server.log.filter((line) => line.startsWith(`${id} `)).map((line) => line.slice(id.length + 1));

  async function until(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  async function joinRooms(client: LoadedClient, ...rooms: string[]): Promise<void> {
    for (const room of rooms) await client.request('joinRoom', { room });
  }

  it('type-checks under strict as a front end uses onReconnect', () => {
    expect(typeof clientModule.createChatClient).toBe('function');
  });

  it('after a reconnection that was not recovered, joins the rooms again, then calls onReconnect with recovered false', async () => {
    server = await startServer({ recovery: false });
    const client = await connect();
    await joinRooms(client, 'lobby', 'news');
    const reconnected = nextReconnection(client);
    const before = await dropConnection(client);

    expect(await reconnected).toEqual({ recovered: false, rejoinFailed: [] });
    const after = client.socket.id!;
    expect(after).not.toBe(before);
    // socket.io-client leaves it undefined when the server has no recovery.
    expect(client.socket.recovered).not.toBe(true);
    // Each room through joinRoom, all of them before the listener ran.
    expect(logOf(after).sort()).toEqual(['joinRoom lobby', 'joinRoom news']);
    expect(server.log.at(-1)).toBe('listener {"recovered":false,"rejoinFailed":[]}');
    expect([...server.chat.sockets.get(after)!.rooms].sort()).toEqual([after, 'lobby', 'news'].sort());
  });

  it('holds a request made while disconnected until the rooms are joined again, so it is not refused', async () => {
    server = await startServer({ recovery: false });
    const client = await connect();
    await joinRooms(client, 'lobby');
    const reconnected = nextReconnection(client);
    await dropConnection(client);
    expect(client.socket.connected).toBe(false);

    // socket.io would send it first on the new connection, before the room is joined again.
    const sent = client.request('roomMessage', { room: 'lobby', text: 'while away' });
    expect(await sent).toEqual({ ok: true });
    await reconnected;
    expect(logOf(client.socket.id!)).toEqual(['joinRoom lobby', 'roomMessage lobby']);
  });

  it('after a recovered reconnection, joins nothing again and calls onReconnect with recovered true', async () => {
    server = await startServer({ recovery: true });
    const client = await connect();
    await joinRooms(client, 'lobby');
    // socket.io recovers a session from the offset of the last broadcast its client received:
    // none received, nothing to recover from (the in-memory adapter's restoreSession).
    const first = new Promise((resolve) => client.on('roomMessage', resolve));
    await client.request('roomMessage', { room: 'lobby', text: 'first' });
    await first;
    const reconnected = nextReconnection(client);
    const id = await dropConnection(client);

    expect(await reconnected).toEqual({ recovered: true, rejoinFailed: [] });
    expect(client.socket.id).toBe(id);
    expect(logOf(id)).toEqual(['joinRoom lobby', 'roomMessage lobby']);
    // The server restored the session's rooms itself.
    const delivered = new Promise((resolve) => client.on('roomMessage', resolve));
    expect(await client.request('roomMessage', { room: 'lobby', text: 'still here' })).toEqual({ ok: true });
    expect(await delivered).toMatchObject({ room: 'lobby', text: 'still here' });
  });

  it('forgets a room it left and a join the server refused', async () => {
    server = await startServer({ recovery: false });
    server.refused.add('staff');
    const client = await connect();
    await joinRooms(client, 'lobby', 'news', 'staff');
    expect(await client.request('leaveRoom', { room: 'news' })).toEqual({ ok: true, data: { room: 'news' } });
    const reconnected = nextReconnection(client);
    await dropConnection(client);

    expect(await reconnected).toEqual({ recovered: false, rejoinFailed: [] });
    expect(logOf(client.socket.id!)).toEqual(['joinRoom lobby']);
  });

  it('drops a room the server refuses to join again, tells the listener, and does not ask again', async () => {
    server = await startServer({ recovery: false });
    const client = await connect();
    await joinRooms(client, 'lobby', 'news');
    server.refused.add('news');
    const first = nextReconnection(client);
    await dropConnection(client);
    expect(await first).toEqual({ recovered: false, rejoinFailed: ['news'] });

    const second = nextReconnection(client);
    await dropConnection(client);
    expect(await second).toEqual({ recovered: false, rejoinFailed: [] });
    expect(logOf(client.socket.id!)).toEqual(['joinRoom lobby']);
  });

  it('keeps a room whose re-join was cut by another drop, and joins it on the next connection', async () => {
    server = await startServer({ recovery: false });
    const client = await connect();
    const calls: Reconnection[] = [];
    client.onReconnect((reconnection) => calls.push(reconnection));
    await joinRooms(client, 'lobby');
    server.unanswered = true;
    await dropConnection(client);
    // The re-join is on its way on the new connection, unanswered: it is cut there.
    await until(() => server.log.filter((line) => line.endsWith('joinRoom lobby')).length === 2);
    server.unanswered = false;
    const reconnected = nextReconnection(client);
    await dropConnection(client);

    expect(await reconnected).toEqual({ recovered: false, rejoinFailed: [] });
    expect(calls).toEqual([{ recovered: false, rejoinFailed: [] }]);
    expect(logOf(client.socket.id!)).toEqual(['joinRoom lobby']);
  });

  it("joins again past the server's rate limit, once its window has passed", async () => {
    server = await startServer({ recovery: false });
    const client = await connect();
    const rooms = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    await joinRooms(client, ...rooms);
    server.rateLimit = { points: 3, windowMs: 200 };
    const reconnected = nextReconnection(client);
    await dropConnection(client);

    expect(await reconnected).toEqual({ recovered: false, rejoinFailed: [] });
    expect(logOf(client.socket.id!).sort()).toEqual(rooms.map((room) => `joinRoom ${room}`));
  });

  it('does not call onReconnect on the first connection, calls it once per reconnection, and stops when unsubscribed', async () => {
    server = await startServer({ recovery: false });
    const client = clientModule.createChatClient(server.url, { transports: ['websocket'], reconnectionDelay: 20, reconnectionDelayMax: 50 });
    clients.push(client);
    const calls: Reconnection[] = [];
    const stop = client.onReconnect((reconnection) => calls.push(reconnection));
    const other: Reconnection[] = [];
    client.onReconnect((reconnection) => other.push(reconnection));
    await client.connected();
    // A round trip after the connection: any listener call would have happened by now.
    await joinRooms(client, 'lobby');
    expect(calls).toEqual([]);

    let reconnected = nextReconnection(client);
    await dropConnection(client);
    await reconnected;
    expect(calls).toEqual([{ recovered: false, rejoinFailed: [] }]);

    stop();
    reconnected = nextReconnection(client);
    await dropConnection(client);
    await reconnected;
    expect(calls).toHaveLength(1);
    expect(other).toHaveLength(2);
  });

  it('still rejects a request held while disconnected after its timeout', async () => {
    server = await startServer({ recovery: false });
    const client = await connect({ timeoutMs: 200, reconnection: false });
    await dropConnection(client);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(client.socket.connected).toBe(false);
    await expect(client.request('joinRoom', { room: 'lobby' })).rejects.toThrow("No ack for 'joinRoom' on /chat: operation has timed out");
  });
});
