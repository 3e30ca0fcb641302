import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import { createTestApp, removeTestApp } from '../support/apps';
import { ConnectedUser, connectUser } from '../support/clients';
import { appBin, succeed } from '../support/commands';
import { TEST_JWT_SECRET } from '../support/jwt';
import { RunningApp, run, startApp } from '../support/processes';
import { OwnRedis, redisServerAvailable, startOwnRedis } from '../support/redis';

/**
 * The notifier end to end (SPEC §5.7): a Nest 12 ESM app with auth, rooms, the notifier and the
 * Redis adapter from `feature chat`, a controller of the test's own that injects ChatNotifier,
 * two instances on a redis-server of the test's own, and a worker process
 * (`NestFactory.createApplicationContext`) that notifies through Redis and exits by itself.
 */
const withRedis = redisServerAvailable();
if (!withRedis) {
  console.warn('SKIPPED: no redis-server binary on this machine, so the notifier e2e tests cannot run.');
}

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

/** A worker: no socket server, the same AppModule; notifies argv[2] and closes the app. */
const WORKER = `import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { ChatNotifier } from './chat/chat.notifier.js';

const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error'] });
try {
  await app.get(ChatNotifier).toUser(process.argv[2], 'notification', { type: 'worker', message: process.argv[3] });
  console.log('NOTIFIED');
} catch (error) {
  console.log(\`REJECTED \${(error as Error).message}\`);
} finally {
  await app.close();
}
`;

/** `init`-like conventions with the adapter wired by `feature`, then the test's controller and worker, built. */
async function appWithNotifier(client: 'redis' | 'ioredis'): Promise<string> {
  const app = await createTestApp('nest12-esm');
  writeFileSync(
    join(app, 'realtime.json'),
    JSON.stringify({ auth: { enabled: true }, rooms: { enabled: true }, notifier: { enabled: true }, adapter: { enabled: true, kind: 'pubsub', client } }),
  );
  const generated = await succeed(app, appBin(app, 'realtime-schematics'), ['feature', 'chat', '--skip-install']);
  expect(generated.stdout).toContain('CREATE src/chat/chat.notifier.ts');
  writeFileSync(join(app, 'src/notify.controller.ts'), CONTROLLER);
  writeFileSync(join(app, 'src/notify-worker.ts'), WORKER);
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

const notification = (message: string, type = 'test') => ['notification', { type, message }];
/** What `POST /notify/all` sends: the optional `data` too. */
const broadcast = (message: string) => ['notification', { type: 'test', message, data: { n: 1 } }];

(withRedis ? describe : describe.skip)('notifier with two instances and a worker on a redis-server of the test’s own', () => {
  let redis: OwnRedis;

  beforeAll(async () => {
    redis = await startOwnRedis();
  });

  afterAll(async () => {
    await redis?.stop();
  });

  describe.each(['redis', 'ioredis'] as const)('over %s', (client) => {
    let app: string;
    let instances: RunningApp[] = [];
    const sockets: Socket[] = [];
    const env = () => ({ REDIS_URL: redis.url, JWT_SECRET: TEST_JWT_SECRET });

    beforeAll(async () => {
      app = await appWithNotifier(client);
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

    it('a worker (an application context, no socket server) notifies through Redis and exits by itself', async () => {
      const { phone, laptop, bob } = await connectPeople();
      const worker = await run(process.execPath, ['dist/notify-worker.js', 'alice', 'from the worker'], { cwd: app, env: env(), timeoutMs: 20_000 });
      expect({ code: worker.code, timedOut: worker.timedOut, stdout: worker.stdout.trim(), stderr: worker.stderr }).toEqual({
        code: 0,
        timedOut: false,
        stdout: 'NOTIFIED',
        stderr: '',
      });
      expect(await phone.received(1)).toEqual([notification('from the worker', 'worker')]);
      expect(await laptop.received(1)).toEqual([notification('from the worker', 'worker')]);
      await broadcastFence([phone, laptop, bob]);
    });

    it('is idempotent, writes nothing with --dry-run, and has --help from its schema', async () => {
      const cli = appBin(app, 'realtime-schematics');
      expect((await succeed(app, cli, ['notifier', 'chat'])).stdout).toContain('Nothing to be done.');
      const dry = await succeed(app, cli, ['emitter', 'alerts', '--gateway', 'chat', '--dry-run']);
      expect(dry.stdout).toContain('CREATE src/chat/alerts.notifier.ts');
      expect(existsSync(join(app, 'src/chat/alerts.notifier.ts'))).toBe(false);
      expect((await succeed(app, cli, ['notifier', '--help'])).stdout).toContain('--gateway');
    });

    it('a worker without REDIS_URL: the call rejects saying so, and the worker still exits', async () => {
      const worker = await run(process.execPath, ['dist/notify-worker.js', 'alice', 'lost'], {
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
  });
});
