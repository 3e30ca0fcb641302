import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import { createTestApp, removeTestApp } from '../support/apps';
import { RunningApp, startApp } from '../support/processes';
import { connected, openClient } from '../support/clients';
import { appBin, succeed } from '../support/commands';
import { TEST_JWT_SECRET, signJwt } from '../support/jwt';
import { OwnRedis, redisServerAvailable, startOwnRedis } from '../support/redis';

/**
 * presence end to end (SPEC §5.8): a real Nest 12 ESM app with auth, rooms and presence on
 * (instanceTimeoutMs 3000), `gateway chat`, `presence --gateway chat` and `redis-adapter`, built
 * and started as two instances on a redis-server of the test's own (node-redis, then ioredis):
 * online/offline once per user over both instances, onlineUsers from either, an instance killed
 * with SIGKILL taking its users with it, a clean shutdown; then one instance without REDIS_URL.
 */
const withRedis = redisServerAvailable();
if (!withRedis) {
  console.warn('SKIPPED: no redis-server binary on this machine, so the presence e2e tests across instances cannot run.');
}

const INSTANCE_TIMEOUT_MS = 3000;
/** How late the announcement of a killed instance's users may be: the design's bound (TTL + one reaping period, 2 s here) is inside this. */
const CRASH_SLACK_MS = 1500;
const PRESENCE_EVENTS = ['userOnline', 'userOffline'] as const;

type Announcement = [event: string, userId: string];

const builtApps = new Map<string, Promise<string>>();

/** The app for a Redis client library, built once for every test that uses it. */
function appWithPresence(client: 'redis' | 'ioredis'): Promise<string> {
  if (!builtApps.has(client)) builtApps.set(client, buildApp(client));
  return builtApps.get(client)!;
}

async function buildApp(client: 'redis' | 'ioredis'): Promise<string> {
  const app = await createTestApp('nest12-esm');
  const conventions = { auth: { enabled: true }, rooms: { enabled: true }, presence: { instanceTimeoutMs: INSTANCE_TIMEOUT_MS }, adapter: { client } };
  writeFileSync(join(app, 'realtime.json'), JSON.stringify(conventions));
  const cli = appBin(app, 'realtime-schematics');
  await succeed(app, cli, ['gateway', 'chat']);
  const generated = await succeed(app, cli, ['presence', '--gateway', 'chat']);
  for (const file of ['src/chat/chat.presence.ts', 'src/chat/chat.presence.spec.ts', 'src/realtime/realtime-presence.ts']) {
    expect(generated.stdout).toContain(`CREATE ${file}`);
  }
  // Its events go into the namespace's contract.
  expect(generated.stdout).toContain('UPDATE src/chat/chat.contract.ts');
  expect(generated.stderr).not.toContain('WARNING');
  expect((await succeed(app, cli, ['presence', '--gateway', 'chat'])).stdout.trim()).toBe('Nothing to be done.');
  await succeed(app, cli, ['redis-adapter']);
  expect((await succeed(app, cli, ['check'])).stdout).toContain('No problems found.');
  // The generated spec passes in the app's own runner (vitest here).
  await succeed(app, 'npm', ['test', '--', 'src/chat/chat.presence.spec.ts']);
  await succeed(app, 'npm', ['run', 'build']);
  return app;
}

const sockets: Socket[] = [];

/** A connection of user `sub` to the chat namespace, recording the presence announcements it receives. */
async function connectAs(server: RunningApp, sub: string) {
  const socket = openClient(`${server.url}/chat`, { auth: { token: signJwt({ sub }) } });
  sockets.push(socket);
  const announcements: Announcement[] = [];
  for (const event of PRESENCE_EVENTS) socket.on(event, (payload: { userId: string }) => announcements.push([event, payload.userId]));
  await connected(socket);
  return {
    socket,
    /** The announcements received so far, taken (the next call returns only later ones). */
    take: () => announcements.splice(0),
    /** Waits (up to 5 s) until `event` for `userId` has arrived. */
    async until(event: string, userId: string): Promise<void> {
      for (let waited = 0; waited < 5000 && !announcements.some(([e, u]) => e === event && u === userId); waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async onlineUsers(): Promise<string[]> {
      const ack = (await socket.timeout(5000).emitWithAck('onlineUsers', {})) as { ok: true; data: { userIds: string[] } };
      expect(ack.ok).toBe(true);
      return [...ack.data.userIds].sort();
    },
  };
}

type Observer = Awaited<ReturnType<typeof connectAs>>;

/** Lets in-flight disconnects reach the server before the next step (nothing is expected from them). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

/**
 * "Nothing was announced": a marker user connects on `instance` after the step, and every
 * observer's next announcement is the marker's: an announcement of the step (sent before it, by
 * the same instance) would have come first.
 */
async function expectNothingAnnounced(instance: RunningApp, observers: Observer[], marker: string): Promise<void> {
  await settle();
  await connectAs(instance, marker);
  for (const observer of observers) {
    await observer.until('userOnline', marker);
    expect(observer.take()).toEqual([['userOnline', marker]]);
  }
}

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});

afterAll(async () => {
  for (const app of builtApps.values()) await removeTestApp(await app);
});

(withRedis ? describe : describe.skip)('presence across two instances on a redis-server of the test’s own', () => {
  let redis: OwnRedis;

  beforeAll(async () => {
    redis = await startOwnRedis();
  });

  afterAll(async () => {
    await redis?.stop();
  });

  const instanceCount = () => Number(execFileSync('redis-cli', ['-u', redis.url, 'SCARD', 'realtime:presence:{/chat}:instances'], { encoding: 'utf8' }).trim());

  describe.each([['redis' as const], ['ioredis' as const]])('over %s', (client) => {
    let app: string;
    const instances: RunningApp[] = [];
    const start = async () => {
      const instance = await startApp(app, { REDIS_URL: redis.url, JWT_SECRET: TEST_JWT_SECRET });
      instances.push(instance);
      return instance;
    };

    beforeAll(async () => {
      app = await appWithPresence(client);
    });

    afterEach(async () => {
      sockets.splice(0).forEach((socket) => socket.disconnect());
      for (const instance of instances.splice(0)) await instance.stop();
    });

    it('announces each user once over both instances, lists them from either, and takes a killed instance’s users offline', async () => {
      const [a, b] = [await start(), await start()];
      const observers = [await connectAs(a, 'observer-a'), await connectAs(b, 'observer-b')];
      const [onA, onB] = observers;
      await onA.until('userOnline', 'observer-a');
      await onA.until('userOnline', 'observer-b');
      await onB.until('userOnline', 'observer-b');
      onA.take();
      onB.take();

      const alicePhone = await connectAs(a, 'alice');
      for (const observer of observers) {
        await observer.until('userOnline', 'alice');
        expect(observer.take()).toEqual([['userOnline', 'alice']]);
      }

      // Her second device, on the other instance: nothing to announce.
      const aliceLaptop = await connectAs(b, 'alice');
      await expectNothingAnnounced(b, observers, 'marker-1');
      const everyone = ['alice', 'marker-1', 'observer-a', 'observer-b'];
      expect(await onA.onlineUsers()).toEqual(everyone);
      expect(await onB.onlineUsers()).toEqual(everyone);

      // One of two devices leaves: nothing; the last one leaves: offline, once.
      alicePhone.socket.disconnect();
      await expectNothingAnnounced(a, observers, 'marker-2');
      aliceLaptop.socket.disconnect();
      for (const observer of observers) {
        await observer.until('userOffline', 'alice');
        expect(observer.take()).toEqual([['userOffline', 'alice']]);
      }
      expect(await onA.onlineUsers()).not.toContain('alice');

      // Carol only on B, dave on both: B dies without a word.
      await connectAs(b, 'carol');
      await connectAs(a, 'dave');
      const daveOnB = await connectAs(b, 'dave');
      await onA.until('userOnline', 'carol');
      await onA.until('userOnline', 'dave');
      // A round trip through B's presence: its count of dave's second connection is in Redis.
      expect(await daveOnB.onlineUsers()).toContain('dave');
      onA.take();
      const killedAt = Date.now();
      process.kill(b.pid, 'SIGKILL');
      await onA.until('userOffline', 'carol');
      expect(Date.now() - killedAt).toBeLessThan(INSTANCE_TIMEOUT_MS + CRASH_SLACK_MS);
      // Every user whose last connection was on B, announced once; dave stays online.
      await settle();
      expect(onA.take().sort()).toEqual([
        ['userOffline', 'carol'],
        ['userOffline', 'marker-1'],
        ['userOffline', 'observer-b'],
      ]);
      expect(await onA.onlineUsers()).toEqual(['dave', 'marker-2', 'observer-a']);
    });

    it('on a clean shutdown, takes the instance out of Redis as it stops and announces its users', async () => {
      const [a, c] = [await start(), await start()];
      const onA = await connectAs(a, 'observer');
      await onA.until('userOnline', 'observer');
      await connectAs(c, 'erin');
      await onA.until('userOnline', 'erin');
      expect(await onA.onlineUsers()).toEqual(['erin', 'observer']);
      expect(instanceCount()).toBe(2);
      onA.take();

      await c.stop();
      // Gone from Redis as it stops (beforeApplicationShutdown), not once its heartbeat expires.
      expect(instanceCount()).toBe(1);
      await onA.until('userOffline', 'erin');
      expect(onA.take()).toEqual([['userOffline', 'erin']]);
      expect(await onA.onlineUsers()).toEqual(['observer']);
    });
  });
});

describe('presence in one instance without REDIS_URL', () => {
  let server: RunningApp;

  beforeAll(async () => {
    server = await startApp(await appWithPresence('redis'), { REDIS_URL: '', JWT_SECRET: TEST_JWT_SECRET });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('announces a user online and offline once, and lists the users, in process', async () => {
    const observer = await connectAs(server, 'observer');
    await observer.until('userOnline', 'observer');
    observer.take();
    const phone = await connectAs(server, 'alice');
    await observer.until('userOnline', 'alice');
    expect(observer.take()).toEqual([['userOnline', 'alice']]);
    const laptop = await connectAs(server, 'alice');
    await expectNothingAnnounced(server, [observer], 'marker');
    expect(await observer.onlineUsers()).toEqual(['alice', 'marker', 'observer']);

    phone.socket.disconnect();
    await expectNothingAnnounced(server, [observer], 'marker-2');
    laptop.socket.disconnect();
    await observer.until('userOffline', 'alice');
    expect(observer.take()).toEqual([['userOffline', 'alice']]);
    expect(await observer.onlineUsers()).toEqual(['marker', 'marker-2', 'observer']);
    expect(server.output()).not.toMatch(/Presence could not/);
  });
});
