import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import { createTestApp, removeTestApp } from '../support/apps';
import { ConnectedUser, Payload, connectUser, connected, openClient } from '../support/clients';
import { appBin, succeed } from '../support/commands';
import { TEST_JWT_SECRET, signJwt } from '../support/jwt';
import { RunningApp, run, startApp } from '../support/processes';
import { OwnRedis, describeNeeding, redisServerAvailable, startOwnRedis } from '../support/redis';

/**
 * The notifier end to end (SPEC §5.7): a Nest 12 ESM app with auth, rooms, the notifier and the
 * Redis adapter from `feature chat`, a controller of the test's own that injects ChatNotifier,
 * two instances on a redis-server of the test's own, and a worker process
 * (`NestFactory.createApplicationContext`) that notifies through Redis and exits by itself: with
 * the `pubsub` adapter through socket.io's Redis emitter, with `streams` through entries of the
 * adapter's stream, which connection-state recovery replays (§5.10).
 */
const describeWithRedis = describeNeeding(redisServerAvailable(), 'redis-server binary');

/** An app's controller calling the notifier from POST routes; the @ts-expect-error lines fail the build unless the notifier is typed. */
const CONTROLLER = `import { Body, Controller, Param, Post } from '@nestjs/common';
import { ChatNotifier } from './chat/chat.notifier.js';

@Controller('notify')
export class NotifyController {
  constructor(private readonly notifier: ChatNotifier) {}

  @Post('user/:userId')
  async toUser(@Param('userId') userId: string, @Body() body: { message: string }): Promise<void> {
    await this.notifier.toUser(userId, 'notification', { type: 'test', message: body.message });
  }

  @Post('room/:room')
  async toRoom(@Param('room') room: string, @Body() body: { message: string }): Promise<void> {
    await this.notifier.toRoom(room, 'notification', { type: 'test', message: body.message });
  }

  @Post('all')
  async toAll(@Body() body: { message: string }): Promise<void> {
    await this.notifier.toAll('notification', { type: 'test', message: body.message, data: { n: 1 } });
  }

  typed(): void {
    // @ts-expect-error not an event of the chat namespace
    void this.notifier.toAll('notifcation', { type: 'test', message: 'x' });
    // @ts-expect-error a payload of the wrong shape
    void this.notifier.toUser('alice', 'notification', { text: 'x' });
    // The gateway's own server events are typed too.
    void this.notifier.toAll('message', { text: 'x', sender: 'server', timestamp: new Date().toISOString() });
  }
}
`;

/**
 * A worker: no socket server, the same AppModule. `user <id>`, `room <name>` or `all -`, then the
 * messages to push there one after the other; it closes the app and exits by itself.
 */
const WORKER = `import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { ChatNotifier } from './chat/chat.notifier.js';

const [to, target, ...messages] = process.argv.slice(2);
const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error'] });
try {
  const notifier = app.get(ChatNotifier);
  for (const message of messages) {
    const notification = { type: 'worker', message };
    if (to === 'user') await notifier.toUser(target, 'notification', notification);
    else if (to === 'room') await notifier.toRoom(target, 'notification', notification);
    else await notifier.toAll('notification', notification);
  }
  console.log('NOTIFIED');
} catch (error) {
  console.log(\`REJECTED \${(error as Error).message}\`);
} finally {
  await app.close();
}
`;

/**
 * A worker mid-job when its Redis goes away: it notifies once, then on a line on stdin starts a
 * push (which cannot complete without Redis) and closes the app; with Nest's shutdown hooks on, a
 * SIGTERM closes it too.
 */
const WAITING_WORKER = `import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { ChatNotifier } from './chat/chat.notifier.js';

const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
app.enableShutdownHooks();
const notifier = app.get(ChatNotifier);
await notifier.toAll('notification', { type: 'worker', message: 'before the outage' });
console.log('NOTIFIED');
const pending = () =>
  notifier.toAll('notification', { type: 'worker', message: 'during the outage' }).catch(() => undefined);
process.stdin.once('data', () => {
  void pending();
  void app.close().then(() => {
    console.log('CLOSED');
    process.stdin.destroy();
  });
});
// Before Nest's own listener, so the push is queued when the shutdown starts.
process.prependOnceListener('SIGTERM', () => void pending());
`;

/** `init`-like conventions with the adapter wired by `feature`, then the test's controller and worker, built. */
async function appWithNotifier(kind: AdapterKind, client: 'redis' | 'ioredis'): Promise<string> {
  const app = await createTestApp('nest12-esm');
  writeFileSync(
    join(app, 'realtime.json'),
    JSON.stringify({ auth: { enabled: true }, rooms: { enabled: true }, notifier: { enabled: true }, adapter: { enabled: true, kind, client } }),
  );
  const generated = await succeed(app, appBin(app, 'realtime-schematics'), ['feature', 'chat', '--skip-install']);
  expect(generated.stdout).toContain('CREATE src/chat/chat.notifier.ts');
  writeFileSync(join(app, 'src/notify.controller.ts'), CONTROLLER);
  writeFileSync(join(app, 'src/notify-worker.ts'), WORKER);
  writeFileSync(join(app, 'src/waiting-worker.ts'), WAITING_WORKER);
  const appModule = join(app, 'src/app.module.ts');
  const source = readFileSync(appModule, 'utf8');
  writeFileSync(
    appModule,
    `import { NotifyController } from './notify.controller.js';\n${source.replace('controllers: [AppController]', 'controllers: [AppController, NotifyController]')}`,
  );
  await succeed(app, 'npm', ['run', 'build']);
  return app;
}

function post(instance: RunningApp, path: string, message: string): Promise<number> {
  return fetch(`${instance.url}/notify/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message }),
  }).then((response) => response.status);
}

type AdapterKind = 'pubsub' | 'streams';

/** A worker process started by the test, that it can talk to and time. */
interface WorkerProcess {
  child: ChildProcessWithoutNullStreams;
  output(): string;
  /** Resolves once stdout holds `text`; rejects if the worker exits first or after 20 s. */
  printed(text: string): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

function startWorker(app: string, entry: string, env: NodeJS.ProcessEnv): WorkerProcess {
  const child = spawn(process.execPath, [entry], { cwd: app, env: { ...process.env, ...env }, stdio: 'pipe' });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const printed = async (text: string) => {
    for (let waited = 0; !output.includes(text); waited += 50) {
      if (child.exitCode !== null || child.signalCode !== null || waited > 20_000) throw new Error(`worker never printed ${text}:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return { child, output: () => output, printed, exited };
}

const notification = (message: string, type = 'test') => ['notification', { type, message }];
/** What `POST /notify/all` sends: the optional `data` too. */
const broadcast = (message: string) => ['notification', { type: 'test', message, data: { n: 1 } }];

describeWithRedis('notifier with two instances and a worker on a redis-server of the test’s own', () => {
  let redis: OwnRedis;

  beforeAll(async () => {
    redis = await startOwnRedis();
  });

  afterAll(async () => {
    await redis?.stop();
  });

  describe.each([
    ['pubsub', 'redis'],
    ['pubsub', 'ioredis'],
    ['streams', 'redis'],
    ['streams', 'ioredis'],
  ] as const)('the %s adapter over %s', (kind, client) => {
    let app: string;
    let instances: RunningApp[] = [];
    const sockets: Socket[] = [];
    const env = () => ({ REDIS_URL: redis.url, JWT_SECRET: TEST_JWT_SECRET });

    beforeAll(async () => {
      app = await appWithNotifier(kind, client);
      instances = [await startApp(app, env()), await startApp(app, env())];
    });

    afterAll(async () => {
      for (const instance of instances) await instance.stop();
      if (app) await removeTestApp(app);
    });

    afterEach(() => {
      for (const socket of sockets.splice(0)) socket.disconnect();
    });

    /** alice on both instances (two devices), bob on the second. */
    async function connectPeople(): Promise<{ phone: ConnectedUser; laptop: ConnectedUser; bob: ConnectedUser }> {
      const user = async (instance: RunningApp, sub: string) => {
        const connected = await connectUser(`${instance.url}/chat`, sub, ['notification']);
        sockets.push(connected.socket);
        return connected;
      };
      return { phone: await user(instances[0], 'alice'), laptop: await user(instances[1], 'alice'), bob: await user(instances[1], 'bob') };
    }

    /**
     * Proves what did not arrive without waiting on a clock: a broadcast sent after it reaches
     * everyone, and events reach each connection in order, so a connection's next event is the
     * broadcast exactly when nothing else was sent to it since its last one.
     */
    async function broadcastFence(people: ConnectedUser[]): Promise<void> {
      expect(await post(instances[0], 'all', 'fence')).toBe(201);
      for (const person of people) expect(await person.received(1)).toEqual([broadcast('fence')]);
    }

    it("toUser from a controller on instance 1 reaches both of alice's devices, on both instances, and not bob", async () => {
      const { phone, laptop, bob } = await connectPeople();
      expect(await post(instances[0], 'user/alice', 'for alice')).toBe(201);
      expect(await phone.received(1)).toEqual([notification('for alice')]);
      expect(await laptop.received(1)).toEqual([notification('for alice')]);
      await broadcastFence([phone, laptop, bob]);
    });

    it("toRoom reaches the room's members on both instances only; toAll reaches everyone", async () => {
      const { phone, laptop, bob } = await connectPeople();
      for (const member of [phone, bob]) expect(await member.call('joinRoom', { room: 'ops' })).toEqual({ ok: true, data: { room: 'ops' } });
      expect(await post(instances[0], 'room/ops', 'for ops')).toBe(201);
      expect(await phone.received(1)).toEqual([notification('for ops')]);
      expect(await bob.received(1)).toEqual([notification('for ops')]);
      await broadcastFence([phone, laptop, bob]);

      expect(await post(instances[1], 'all', 'for everyone')).toBe(201);
      for (const person of [phone, laptop, bob]) expect(await person.received(1)).toEqual([broadcast('for everyone')]);
    });

    /** The worker script with `args`; asserts it notified and exited 0 by itself. */
    async function runWorker(...args: string[]): Promise<void> {
      const worker = await run(process.execPath, ['dist/notify-worker.js', ...args], { cwd: app, env: env(), timeoutMs: 20_000 });
      expect({ code: worker.code, timedOut: worker.timedOut, stdout: worker.stdout.trim(), stderr: worker.stderr }).toEqual({
        code: 0,
        timedOut: false,
        stdout: 'NOTIFIED',
        stderr: '',
      });
    }

    it('a worker (an application context, no socket server) notifies through Redis with toUser, toRoom and toAll, and exits by itself', async () => {
      const { phone, laptop, bob } = await connectPeople();
      await runWorker('user', 'alice', 'from the worker');
      expect(await phone.received(1)).toEqual([notification('from the worker', 'worker')]);
      expect(await laptop.received(1)).toEqual([notification('from the worker', 'worker')]);
      await broadcastFence([phone, laptop, bob]);

      for (const member of [phone, bob]) expect(await member.call('joinRoom', { room: 'ops' })).toEqual({ ok: true, data: { room: 'ops' } });
      await runWorker('room', 'ops', 'ops 1', 'ops 2');
      for (const member of [phone, bob]) expect(await member.received(2)).toEqual([notification('ops 1', 'worker'), notification('ops 2', 'worker')]);
      await broadcastFence([phone, laptop, bob]);

      await runWorker('all', '-', 'to everyone');
      for (const person of [phone, laptop, bob]) expect(await person.received(1)).toEqual([notification('to everyone', 'worker')]);
      await broadcastFence([phone, laptop, bob]);
    });

    // Only the streams adapter keeps missed events: with pubsub there is nothing to replay.
    if (kind === 'streams') {
      it(
        "replays a worker's pushes to a client that reconnects within the recovery window, once and in order",
        async () => {
          const carol = openClient(`${instances[0].url}/chat`, { auth: { token: signJwt({ sub: 'carol' }) } });
          sockets.push(carol);
          const recorded: Payload[] = [];
          // The last argument of a recoverable event is its offset in the stream, which the client keeps.
          carol.on('notification', (payload: Payload) => recorded.push(payload));
          const receivedNotifications = async (count: number) => {
            for (let waited = 0; recorded.length < count && waited < 5000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
            return recorded.splice(0).map((payload) => payload.message);
          };
          await connected(carol);
          // A first event, through the other instance, gives the client an offset to recover from.
          expect(await post(instances[1], 'user/carol', 'before the cut')).toBe(201);
          expect(await receivedNotifications(1)).toEqual(['before the cut']);

          const cut = new Promise<string>((resolve) => carol.once('disconnect', resolve));
          // The client drops its connection itself: the server sees a "transport close", which it
          // recovers from (the client's own reason is "forced close").
          carol.io.engine.close();
          expect(await cut).toBe('forced close');
          await runWorker('user', 'carol', 'missed 1', 'missed 2', 'missed 3');

          carol.connect();
          await connected(carol);
          expect(carol.recovered).toBe(true);
          expect(await receivedNotifications(3)).toEqual(['missed 1', 'missed 2', 'missed 3']);
          // Nothing twice: the next event is the one sent after the recovery.
          expect(await post(instances[1], 'user/carol', 'after the recovery')).toBe(201);
          expect(await receivedNotifications(1)).toEqual(['after the recovery']);
        },
      );
    }

    it('is idempotent, writes nothing with --dry-run, and has --help from its schema', async () => {
      const cli = appBin(app, 'realtime-schematics');
      expect((await succeed(app, cli, ['notifier', 'chat'])).stdout).toContain('Nothing to be done.');
      const dry = await succeed(app, cli, ['emitter', 'alerts', '--gateway', 'chat', '--dry-run']);
      expect(dry.stdout).toContain('CREATE src/chat/alerts.notifier.ts');
      expect(existsSync(join(app, 'src/chat/alerts.notifier.ts'))).toBe(false);
      expect((await succeed(app, cli, ['notifier', '--help'])).stdout).toContain('--gateway');
    });

    it('a worker without REDIS_URL: the call rejects saying so, and the worker still exits', async () => {
      const worker = await run(process.execPath, ['dist/notify-worker.js', 'user', 'alice', 'lost'], {
        cwd: app,
        env: { ...env(), REDIS_URL: undefined },
        timeoutMs: 20_000,
      });
      // Nest never sets the notifier's @WebSocketServer() property in an application context, so it took the Redis path.
      expect({ code: worker.code, timedOut: worker.timedOut, stdout: worker.stdout.trim() }).toEqual({
        code: 0,
        timedOut: false,
        stdout:
          'REJECTED ChatNotifier: no socket server in this process and REDIS_URL is not set: set REDIS_URL (the Redis of the socket.io adapter) to notify from a worker.',
      });
    });

    // Last in its describe: it stops the test's Redis, and starts it again for the next one.
    it('with Redis stopped, a worker mid-push still ends within a bound, by app.close() and by SIGTERM', async () => {
      const closing = startWorker(app, 'dist/waiting-worker.js', env());
      const terminated = startWorker(app, 'dist/waiting-worker.js', env());
      try {
        await Promise.all([closing.printed('NOTIFIED'), terminated.printed('NOTIFIED')]);
        await redis.stop();
        // Long enough for the clients to notice that Redis is gone and queue what they are sent.
        await new Promise((resolve) => setTimeout(resolve, 500));
        const asked = Date.now();
        closing.child.stdin.write('close\n');
        terminated.child.kill('SIGTERM');
        // A bound of correctness, not of speed: without one the processes never end (waited for
        // 10 s at most, so that a hang fails this test and leaves nothing running).
        const exit = (worker: WorkerProcess) =>
          Promise.race([worker.exited, new Promise<{ code: null; signal: null; at: number }>((resolve) => setTimeout(() => resolve({ code: null, signal: null, at: Infinity }), 10_000))]);
        const [closed, killed] = await Promise.all([exit(closing), exit(terminated)]);
        expect({ code: closed.code, output: closing.output(), withinBound: closed.at - asked < 5_000 }).toEqual({
          // socket.io's Redis emitter does not return its publish: the push the close drops is an
          // unhandled rejection once the app has closed. The stream emitter's push is awaited.
          code: kind === 'streams' ? 0 : 1,
          output: expect.stringContaining('CLOSED'),
          withinBound: true,
        });
        expect({ signal: killed.signal, withinBound: killed.at - asked < 5_000 }).toEqual({ signal: 'SIGTERM', withinBound: true });
      } finally {
        for (const worker of [closing, terminated]) worker.child.kill('SIGKILL');
        await redis.start();
      }
    });
  });
});
