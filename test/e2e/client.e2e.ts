import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { dirname, join } from 'node:path';
import { createTestApp, removeTestApp } from '../support/apps';
import { appBin, succeed } from '../support/commands';
import { TEST_JWT_SECRET, signJwt } from '../support/jwt';
import { RunningApp, run, startApp } from '../support/processes';
import { REPO_ROOT } from '../support/repo';

/**
 * The contract and the typed client (SPEC §9) end to end. A Nest 12 ESM app gets `init` + `feature
 * chat` (auth, rooms, presence, notifier, rate limit and the client on, as init writes realtime.json)
 * and a controller of the test's own that calls ChatNotifier; it is built and started. The
 * contracts and the client are then copied, as a front-end team would, into a folder of their own
 * whose node_modules holds socket.io-client and its dependencies only (no @nestjs/*, no socket.io
 * server): there they type-check under strict with the pinned TypeScript, misuses stay compile
 * errors, and the compiled client talks to the running app.
 */
const POINTS = 10;

const CONTROLLER = `import { Controller, Param, Post } from '@nestjs/common';
import { ChatNotifier } from './chat/chat.notifier.js';

@Controller('notify')
export class NotifyController {
  constructor(private readonly notifier: ChatNotifier) {}

  @Post(':userId')
  async toUser(@Param('userId') userId: string): Promise<void> {
    await this.notifier.toUser(userId, 'notification', { type: 'test', message: 'for you' });
  }
}
`;

/** The front end's own files: only the contracts and the client, where the app has them. */
const FRONT_END_FILES = ['src/realtime/realtime.contract.ts', 'src/chat/chat.contract.ts', 'src/chat/chat.client.ts'];

/** A strict front-end tsconfig: DOM and ES2022, no ambient @types (no Node), emitting CommonJS for the test to load. */
const FRONT_END_TSCONFIG = {
  compilerOptions: {
    strict: true,
    target: 'es2022',
    lib: ['es2022', 'dom'],
    module: 'nodenext',
    moduleResolution: 'nodenext',
    types: [],
    skipLibCheck: true,
    outDir: 'dist',
    rootDir: '.',
  },
  include: ['src', 'usage'],
};

/** Front-end code that must not compile: each line below its `@ts-expect-error` is an error. */
const MISUSES = `import { createChatClient } from '../src/chat/chat.client.js';

export async function misuses(): Promise<void> {
  const client = createChatClient('http://localhost:3000', { token: 't' });
  // @ts-expect-error an event the namespace does not have
  await client.request('joinRom', { room: 'lobby' });
  // @ts-expect-error a payload field the event does not have
  await client.request('roomMessage', { room: 'lobby', txt: 'hi' });
  client.on('userJoined', (member) => {
    // @ts-expect-error the listener's payload has no such field
    console.log(member.user);
  });
  const ack = await client.request('joinRoom', { room: 'lobby' });
  if (ack.ok) {
    // @ts-expect-error the ack carries { room }, not { userIds }
    console.log(ack.data.userIds);
  } else {
    // @ts-expect-error an error envelope has no data
    console.log(ack.data);
  }
}
`;

/** Front-end code that must compile: every event typed, acks narrowed on \`ok\`. */
const USAGE = `import { ChatHandshakeError, createChatClient } from '../src/chat/chat.client.js';
import type { WsError } from '../src/realtime/realtime.contract.js';

export async function usage(token: string): Promise<string[]> {
  const client = createChatClient('https://api.example.com', { token, transports: ['websocket'] });
  try {
    await client.connected();
  } catch (error) {
    if (error instanceof ChatHandshakeError) return [error.data.code ?? error.message];
    throw error;
  }
  const stop = client.on('roomMessage', ({ room, text, sender }) => console.log(room, text, sender));
  client.on('notification', ({ type, message, data }) => console.log(type, message, data));
  client.on('presenceDiff', ({ joins, leaves }) => console.log(joins, leaves));
  const joined = await client.request('joinRoom', { room: 'lobby' });
  const members = await client.request('roomMembers', { room: 'lobby' });
  const failure: WsError | undefined = joined.ok ? undefined : joined.error;
  stop();
  client.close();
  return [joined.ok ? joined.data.room : (failure?.code ?? ''), ...(members.ok ? members.data.userIds : [])];
}
`;

/** The packages socket.io-client needs at runtime, read from the manifests in `nodeModules`. */
function dependencyClosure(nodeModules: string, name: string, found = new Set<string>()): Set<string> {
  if (found.has(name)) return found;
  found.add(name);
  const manifest = JSON.parse(readFileSync(join(nodeModules, name, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  for (const dependency of Object.keys(manifest.dependencies ?? {})) dependencyClosure(nodeModules, dependency, found);
  return found;
}

/** The typed client as the test loads it, compiled: the test only relies on what it checks. */
interface LoadedClient {
  connected(): Promise<void>;
  request(event: string, payload: unknown): Promise<Record<string, unknown>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
  close(): void;
  socket: { connected: boolean };
}
interface ClientModule {
  createChatClient(url: string, options?: Record<string, unknown>): LoadedClient;
  ChatHandshakeError: new (...args: never[]) => Error & { data: { code?: string; reason?: string } };
}

describe('the contract and the typed client of init + feature chat in a nest12-esm app', () => {
  let app: string;
  let frontEnd: string;
  let server: RunningApp;
  let clientModule: ClientModule;
  const clients: LoadedClient[] = [];
  const tsc = (project: string) => run(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', project], { cwd: project });

  beforeAll(async () => {
    app = await createTestApp('nest12-esm');
    await succeed(app, appBin(app, 'realtime-schematics'), ['init', '--skip-install']);
    const conventions = JSON.parse(readFileSync(join(app, 'realtime.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    expect(conventions.client).toEqual({ enabled: true });
    writeFileSync(join(app, 'realtime.json'), JSON.stringify({ ...conventions, rateLimit: { ...conventions.rateLimit, points: POINTS } }));
    const generated = await succeed(app, appBin(app, 'realtime-schematics'), ['feature', 'chat']);
    expect(generated.stdout).toContain('CREATE src/chat/chat.client.ts');
    expect(generated.stdout).toContain('CREATE src/chat/chat.contract.ts');
    expect(generated.stdout).toContain('CREATE src/realtime/realtime.contract.ts');
    writeFileSync(join(app, 'src/notify.controller.ts'), CONTROLLER);
    const appModule = join(app, 'src/app.module.ts');
    const source = readFileSync(appModule, 'utf8');
    writeFileSync(appModule, `import { NotifyController } from './notify.controller.js';\n${source.replace('controllers: [AppController]', 'controllers: [AppController, NotifyController]')}`);
    await succeed(app, 'npm', ['run', 'build']);
    server = await startApp(app, { JWT_SECRET: TEST_JWT_SECRET });

    // The front end: the three files as the app has them, and socket.io-client with its dependencies.
    frontEnd = mkdtempSync(join(os.tmpdir(), 'rs-front-end-'));
    for (const file of FRONT_END_FILES) {
      mkdirSync(dirname(join(frontEnd, file)), { recursive: true });
      cpSync(join(app, file), join(frontEnd, file));
    }
    for (const name of dependencyClosure(join(app, 'node_modules'), 'socket.io-client')) {
      cpSync(join(app, 'node_modules', name), join(frontEnd, 'node_modules', name), { recursive: true, dereference: true });
    }
    writeFileSync(join(frontEnd, 'package.json'), JSON.stringify({ name: 'front-end', private: true }));
    writeFileSync(join(frontEnd, 'tsconfig.json'), JSON.stringify(FRONT_END_TSCONFIG));
    mkdirSync(join(frontEnd, 'usage'));
    writeFileSync(join(frontEnd, 'usage/usage.ts'), USAGE);
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });

  afterAll(async () => {
    await server?.stop();
    if (app) await removeTestApp(app);
    if (frontEnd) rmSync(frontEnd, { recursive: true, force: true });
  });

  describe('types', () => {
    it('type-check under strict in a folder where no Nest or socket.io server package is resolvable', async () => {
      for (const file of FRONT_END_FILES) expect(readFileSync(join(app, file), 'utf8')).not.toMatch(/from '(@nestjs|socket\.io')/);
      expect(existsSync(join(frontEnd, 'node_modules/@nestjs'))).toBe(false);
      expect(existsSync(join(frontEnd, 'node_modules/socket.io'))).toBe(false);
      expect(existsSync(join(frontEnd, 'node_modules/socket.io-client'))).toBe(true);

      const result = await tsc(frontEnd);
      expect(result.stdout + result.stderr).toBe('');
      expect(result.code).toBe(0);
      // Compiled: the client the runtime tests below load, next to nothing but socket.io-client.
      clientModule = require(join(frontEnd, 'dist/src/chat/chat.client.js')) as ClientModule;
    });

    it('keeps misuses compile errors: each @ts-expect-error line is one, and without the comments tsc reports each', async () => {
      writeFileSync(join(frontEnd, 'usage/misuses.ts'), MISUSES);
      try {
        const expected = await tsc(frontEnd);
        expect(expected.stdout + expected.stderr).toBe('');
        expect(expected.code).toBe(0);

        // Each comment blanked out, so the lines keep their numbers.
        writeFileSync(join(frontEnd, 'usage/misuses.ts'), MISUSES.replace(/\/\/ @ts-expect-error.*$/gm, ''));
        const unexpected = await tsc(frontEnd);
        expect(unexpected.code).not.toBe(0);
        const errors = unexpected.stdout.split('\n').filter((line) => line.startsWith('usage/misuses.ts'));
        expect(errors.map((line) => line.replace(/^usage\/misuses\.ts\((\d+),\d+\): error (TS\d+).*$/, '$1 $2'))).toEqual([
          '6 TS2345', // joinRom is no event name
          '8 TS2561', // txt is no field of roomMessage (did you mean 'text'?)
          '11 TS2339', // member.user
          '16 TS2339', // ack.data.userIds
          '19 TS2339', // data on { ok: false, error }
        ]);
      } finally {
        rmSync(join(frontEnd, 'usage/misuses.ts'));
      }
    });
  });

  describe('runtime: the compiled client against the running app', () => {
    async function connect(sub: string, options: Record<string, unknown> = {}): Promise<LoadedClient> {
      const client = clientModule.createChatClient(server.url, { token: signJwt({ sub }), transports: ['websocket'], timeoutMs: 5000, ...options });
      clients.push(client);
      await client.connected();
      return client;
    }

    /** The next `count` payloads of `event` a client receives. */
    function next(client: LoadedClient, event: string, count = 1): Promise<unknown[]> {
      const received: unknown[] = [];
      return new Promise((resolve) => {
        const stop = client.on(event, (payload) => {
          received.push(payload);
          if (received.length === count) {
            stop();
            resolve(received);
          }
        });
      });
    }

    beforeAll(() => {
      if (!clientModule) throw new Error('the front end did not compile: see the type test');
    });

    it('resolves requests to their ack envelopes: ok, VALIDATION_FAILED, FORBIDDEN', async () => {
      const [alice, bob] = [await connect('alice'), await connect('bob')];
      const message = next(bob, 'message');
      expect(await alice.request('message', { text: 'hello' })).toEqual({ ok: true });
      expect(await message).toEqual([{ text: 'hello', sender: 'alice', timestamp: expect.any(String) }]);

      expect(await alice.request('message', { text: '' })).toEqual({
        ok: false,
        error: { code: 'VALIDATION_FAILED', message: expect.any(String), details: { text: expect.arrayContaining(['text should not be empty']) } },
      });
      expect(await alice.request('joinRoom', { room: 'lobby' })).toEqual({ ok: true, data: { room: 'lobby' } });
      expect(await bob.request('roomMessage', { room: 'lobby', text: 'let me in' })).toEqual({
        ok: false,
        error: { code: 'FORBIDDEN', message: 'Join the room first' },
      });
      expect(alice.socket.connected && bob.socket.connected).toBe(true);
    });

    it('resolves an event over the rate limit to RATE_LIMITED', async () => {
      const carol = await connect('carol');
      const acks = await Promise.all(Array.from({ length: POINTS + 3 }, (_, index) => carol.request('message', { text: `burst ${index}` })));
      expect(acks.slice(0, POINTS)).toEqual(Array(POINTS).fill({ ok: true }));
      for (const ack of acks.slice(POINTS)) {
        expect(ack).toEqual({ ok: false, error: { code: 'RATE_LIMITED', message: expect.any(String), retryAfterMs: expect.any(Number) } });
      }
    });

    it('delivers the server events to typed listeners: userJoined, roomMessage, presenceDiff, notification; unsubscribing stops them', async () => {
      const dave = await connect('dave');
      // Dave's own join may still be on its way, or come in the same diff: wait for erin's.
      const online = new Promise((resolve) => {
        const stop = dave.on('presenceDiff', (payload) => {
          if (!(payload as { joins: string[] }).joins.includes('erin')) return;
          stop();
          resolve(payload);
        });
      });
      const erin = await connect('erin');
      expect(await online).toEqual({ joins: expect.arrayContaining(['erin']), leaves: [] });

      const joined = next(dave, 'userJoined');
      await dave.request('joinRoom', { room: 'board' });
      await erin.request('joinRoom', { room: 'board' });
      expect(await joined).toEqual([{ room: 'board', userId: 'erin' }]);

      const stopped: unknown[] = [];
      const stop = dave.on('roomMessage', (payload) => stopped.push(payload));
      const both = Promise.all([next(dave, 'roomMessage', 2), next(erin, 'roomMessage', 2)]);
      // Dave's listeners run in the order they were added: once this one has 'one', `stop`'s has it too.
      const firstToDave = next(dave, 'roomMessage');
      await erin.request('roomMessage', { room: 'board', text: 'one' });
      const [first] = await firstToDave;
      stop();
      await erin.request('roomMessage', { room: 'board', text: 'two' });
      const roomMessage = (text: string) => ({ room: 'board', text, sender: 'erin', timestamp: expect.any(String) });
      expect(first).toEqual(roomMessage('one'));
      expect(await both).toEqual([
        [roomMessage('one'), roomMessage('two')],
        [roomMessage('one'), roomMessage('two')],
      ]);
      expect(stopped).toEqual([roomMessage('one')]);

      const notification = next(erin, 'notification');
      expect((await fetch(`${server.url}/notify/erin`, { method: 'POST' })).status).toBe(201);
      expect(await notification).toEqual([{ type: 'test', message: 'for you' }]);
    });

    it.each([
      ['no token', undefined, 'missing_token'],
      ['a token with a bad signature', signJwt({ sub: 'eve' }, 'not-the-secret'), 'invalid_token'],
    ])('rejects connected() with a ChatHandshakeError for %s', async (_case, token, reason) => {
      const client = clientModule.createChatClient(server.url, { token, transports: ['websocket'] });
      clients.push(client);
      const refusal = client.connected();
      await expect(refusal).rejects.toBeInstanceOf(clientModule.ChatHandshakeError);
      await expect(refusal).rejects.toMatchObject({ name: 'ChatHandshakeError', message: 'Unauthorized', data: { code: 'UNAUTHORIZED', reason } });
      // Asked again after the refusal, it says the same.
      await expect(client.connected()).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
    });

    it('rejects a request only when no ack comes: after timeoutMs, or when the connection ends first', async () => {
      const frank = await connect('frank', { timeoutMs: 300 });
      // No handler answers an event the contract does not have (the compiler refuses it; plain JavaScript does not).
      await expect(frank.request('noSuchEvent', {})).rejects.toThrow("No ack for 'noSuchEvent' on /chat: operation has timed out");

      const pending = frank.request('noSuchEvent', {});
      frank.close();
      await expect(pending).rejects.toThrow("No ack for 'noSuchEvent' on /chat: socket has been disconnected");
    });
  });
});
