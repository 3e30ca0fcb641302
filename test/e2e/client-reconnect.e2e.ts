import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import * as ts from 'typescript';
import { createTestApp, removeTestApp } from '../support/apps';
import { startBalancer, type Balancer } from '../support/balancer';
import { appBin, succeed } from '../support/commands';
import { TEST_JWT_SECRET, signJwt } from '../support/jwt';
import { RunningApp, startApp } from '../support/processes';

/**
 * The generated client's reconnection (SPEC §5.10, §9) against the generated server: a Nest 12 ESM
 * app with `init` + `feature chat` + `redis-adapter` (auth, rooms, rate limit, the client; no
 * REDIS_URL, so the in-memory adapter, which recovers sessions), reached through a loopback load
 * balancer. A network
 * drop is recovered by the server, so the client joins nothing again; a killed instance loses its
 * sessions, so the client, back on the instance started in its place, joins its rooms again before
 * it tells the app. The unit spec (src/schematics/client/reconnect.spec.ts) covers the edge cases.
 */

/** No REDIS_URL: socket.io's in-memory adapter, which keeps missed events for recovery. */
const APP_ENV = { JWT_SECRET: TEST_JWT_SECRET, REDIS_URL: '' };

interface Reconnection {
  recovered: boolean;
  rejoinFailed: string[];
}
interface LoadedClient {
  connected(): Promise<void>;
  request(event: string, payload: unknown): Promise<{ ok: boolean; data?: unknown }>;
  on(event: string, listener: (payload: unknown) => void): () => void;
  onReconnect(listener: (reconnection: Reconnection) => void): () => void;
  close(): void;
  socket: { id?: string; onAnyOutgoing(listener: (event: string, ...args: unknown[]) => void): void };
}
interface ClientModule {
  createChatClient(url: string, options?: Record<string, unknown>): LoadedClient;
}

describe('the generated client across a network drop and a killed instance (init + feature chat + redis-adapter, nest12-esm)', () => {
  let app: string;
  let folder: string;
  let server: RunningApp;
  let balancer: Balancer;
  let clientModule: ClientModule;
  const clients: LoadedClient[] = [];

  beforeAll(async () => {
    app = await createTestApp('nest12-esm');
    await succeed(app, appBin(app, 'realtime-schematics'), ['init', '--skip-install']);
    await succeed(app, appBin(app, 'realtime-schematics'), ['feature', 'chat']);
    // The adapter brings the server options, connection-state recovery among them.
    await succeed(app, appBin(app, 'realtime-schematics'), ['redis-adapter']);
    await succeed(app, 'npm', ['run', 'build']);
    server = await startApp(app, APP_ENV);
    balancer = await startBalancer([server.port]);

    // The client as the app has it, compiled to CommonJS for the test to load (its contract
    // import is types only), beside the app's node_modules for socket.io-client.
    folder = mkdtempSync(join(os.tmpdir(), 'rs-client-reconnect-'));
    const source = readFileSync(join(app, 'src/chat/chat.client.ts'), 'utf8');
    const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
    writeFileSync(join(folder, 'chat.client.js'), outputText);
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ type: 'commonjs' }));
    symlinkSync(join(app, 'node_modules'), join(folder, 'node_modules'), 'dir');
    clientModule = require(join(folder, 'chat.client.js')) as ClientModule;
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });

  afterAll(async () => {
    await balancer?.close();
    await server?.stop();
    if (app) await removeTestApp(app);
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  /** A client through the balancer; `sent` lists the events it sends from now on. */
  async function connect(sub: string): Promise<{ client: LoadedClient; sent: string[] }> {
    const client = clientModule.createChatClient(balancer.url, {
      token: signJwt({ sub }),
      transports: ['websocket'],
      timeoutMs: 5000,
      // socket.io-client waits 1 s to 5 s between attempts by default.
      reconnectionDelay: 100,
      reconnectionDelayMax: 300,
    });
    clients.push(client);
    const sent: string[] = [];
    client.socket.onAnyOutgoing((event, ...args) => sent.push(`${event} ${JSON.stringify(args[0])}`));
    await client.connected();
    return { client, sent };
  }

  function nextReconnection(client: LoadedClient): Promise<Reconnection> {
    return new Promise((resolve) => {
      const stop = client.onReconnect((reconnection) => {
        stop();
        resolve(reconnection);
      });
    });
  }

  /** The next roomMessage text a client receives. */
  function nextRoomMessage(client: LoadedClient): Promise<string> {
    return new Promise((resolve) => {
      const stop = client.on('roomMessage', (message) => {
        stop();
        resolve((message as { text: string }).text);
      });
    });
  }

  /** Sends a room message from `sender` and resolves once `receiver` has it. */
  async function deliver(sender: LoadedClient, receiver: LoadedClient, room: string, text: string): Promise<void> {
    const received = nextRoomMessage(receiver);
    expect(await sender.request('roomMessage', { room, text })).toEqual({ ok: true });
    expect(await received).toBe(text);
  }

  it('after a network drop the server recovers the session: no room is joined again, onReconnect says recovered', async () => {
    const { client: alice, sent } = await connect('alice');
    const { client: bob } = await connect('bob');
    expect(await alice.request('joinRoom', { room: 'lobby' })).toEqual({ ok: true, data: { room: 'lobby' } });
    await bob.request('joinRoom', { room: 'lobby' });
    // socket.io recovers from the offset of the last event the client received.
    await deliver(bob, alice, 'lobby', 'before');
    const id = alice.socket.id;
    const reconnected = nextReconnection(alice);
    sent.length = 0;

    balancer.cut();
    expect(await reconnected).toEqual({ recovered: true, rejoinFailed: [] });
    expect(alice.socket.id).toBe(id);
    expect(sent).toEqual([]);
    await deliver(bob, alice, 'lobby', 'after');
  });

  it('after its instance is killed, the client comes back to the one started in its place, in its rooms again, then tells the app', async () => {
    const { client: alice, sent } = await connect('alice');
    await alice.request('joinRoom', { room: 'lobby' });
    await alice.request('joinRoom', { room: 'news' });
    await alice.request('joinRoom', { room: 'gone' });
    await alice.request('leaveRoom', { room: 'gone' });
    const order: string[] = [];
    alice.socket.onAnyOutgoing((event) => order.push(event));
    const reconnected = nextReconnection(alice).then((reconnection) => {
      order.push('onReconnect');
      return reconnection;
    });
    sent.length = 0;

    // SIGKILL: the sessions die with the process, nothing to recover from.
    process.kill(server.pid, 'SIGKILL');
    await server.stop();
    server = await startApp(app, APP_ENV);
    balancer.backends = [server.port];

    expect(await reconnected).toEqual({ recovered: false, rejoinFailed: [] });
    expect(sent.sort()).toEqual(['joinRoom {"room":"lobby"}', 'joinRoom {"room":"news"}']);
    expect(order).toEqual(['joinRoom', 'joinRoom', 'onReconnect']);
    // The new instance has it in both rooms: members there reach it.
    const { client: carol } = await connect('carol');
    for (const room of ['lobby', 'news']) {
      await carol.request('joinRoom', { room });
      await deliver(carol, alice, room, `back in ${room}`);
    }
  });
});
