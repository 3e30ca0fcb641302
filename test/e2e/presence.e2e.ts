import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import { createTestApp, removeTestApp } from '../support/apps';
import { ConnectedUser, connectUser, connected, openClient } from '../support/clients';
import { appBin, succeed } from '../support/commands';
import { TEST_JWT_SECRET, signJwt } from '../support/jwt';
import { RunningApp, run, startApp } from '../support/processes';
import { OwnRedis, describeNeeding, redisServerAvailable, startOwnRedis } from '../support/redis';

/**
 * presence end to end (SPEC §5.8): real Nest 12 ESM apps with presence on and small timings
 * (diff window 200 ms, grace 2 s, instance timeout 3 s), started as two instances on a
 * redis-server of the test's own: over node-redis, the whole `init` feature set from
 * `feature chat` (auth, rooms, notifier, presence, rate limit, the pubsub adapter); over ioredis,
 * `gateway chat`, `presence --gateway chat` and `redis-adapter` run one by one. Cases: arrivals
 * batched into one diff, no flicker (a reconnect within the grace, a move to the other instance),
 * the grace, SIGKILL, a clean shutdown whose users reconnect elsewhere, a worker
 * (`createApplicationContext`) with presence in its AppModule, Redis down at shutdown; then one
 * instance without REDIS_URL.
 */
const describeWithRedis = describeNeeding(redisServerAvailable(), 'redis-server binary');

const DIFF_INTERVAL_MS = 200;
const OFFLINE_GRACE_MS = 2000;
const INSTANCE_TIMEOUT_MS = 3000;
const PRESENCE = { diffIntervalMs: DIFF_INTERVAL_MS, offlineGraceMs: OFFLINE_GRACE_MS, instanceTimeoutMs: INSTANCE_TIMEOUT_MS };
/** Scheduling and delivery on a loaded machine: how late a diff may be beyond the design's bound. */
const SLACK_MS = 1000;
/** Long enough for any diff a step could cause (a leave due after the grace, settled and sent) to have arrived. */
const QUIET_MS = OFFLINE_GRACE_MS + 3 * DIFF_INTERVAL_MS + SLACK_MS;

/** A worker: no socket server, the same AppModule (presence in it); notifies argv[2] and closes the app. */
const WORKER = `import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { ChatNotifier } from './chat/chat.notifier.js';

const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
try {
  await app.get(ChatNotifier).toUser(process.argv[2], 'notification', { type: 'worker', message: process.argv[3] });
  console.log('NOTIFIED');
} finally {
  await app.close();
}
`;

const builtApps = new Map<string, Promise<string>>();

/** The app for a Redis client library, built once for every test that uses it. */
function appWithPresence(client: 'redis' | 'ioredis'): Promise<string> {
  if (!builtApps.has(client)) builtApps.set(client, client === 'redis' ? buildFeatureApp() : buildAppStepByStep());
  return builtApps.get(client)!;
}

/** `init`'s feature set through `feature chat` (the streams adapter wired, as init writes it), with the worker beside main.ts. */
async function buildFeatureApp(): Promise<string> {
  const app = await createTestApp('nest12-esm');
  const cli = appBin(app, 'realtime-schematics');
  await succeed(app, cli, ['init', '--skip-install']);
  const conventions = JSON.parse(readFileSync(join(app, 'realtime.json'), 'utf8')) as Record<string, Record<string, unknown>>;
  for (const block of ['auth', 'rooms', 'notifier', 'presence', 'rateLimit']) expect(conventions[block].enabled).toBe(true);
  conventions.presence = { ...conventions.presence, ...PRESENCE };
  expect(conventions.adapter).toEqual({ enabled: true, kind: 'streams', client: 'redis' });
  writeFileSync(join(app, 'realtime.json'), JSON.stringify(conventions));
  const generated = await succeed(app, cli, ['feature', 'chat']);
  for (const file of ['src/chat/chat.presence.ts', 'src/chat/chat.notifier.ts', 'src/realtime/realtime-presence.ts']) {
    expect(generated.stdout).toContain(`CREATE ${file}`);
  }
  writeFileSync(join(app, 'src/notify-worker.ts'), WORKER);
  await checkAndBuild(app);
  return app;
}

/** The building blocks one by one: gateway, presence, redis-adapter (ioredis). */
async function buildAppStepByStep(): Promise<string> {
  const app = await createTestApp('nest12-esm');
  const conventions = { auth: { enabled: true }, rooms: { enabled: true }, presence: PRESENCE, adapter: { client: 'ioredis' } };
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
  await checkAndBuild(app);
  return app;
}

async function checkAndBuild(app: string): Promise<void> {
  expect((await succeed(app, appBin(app, 'realtime-schematics'), ['check'])).stdout).toContain('No problems found in ');
  // The generated spec (batching, grace, alternation with fake timers) passes in the app's own runner (vitest here).
  await succeed(app, 'npm', ['test', '--', 'src/chat/chat.presence.spec.ts']);
  await succeed(app, 'npm', ['run', 'build']);
}

type Diff = { joins: string[]; leaves: string[] };
/** A diff as an observer got it, with when it arrived. */
type Received = Diff & { at: number };

const sockets: Socket[] = [];

/** A connection of user `sub` to the chat namespace, recording the presence diffs it receives. */
async function connectAs(server: RunningApp, sub: string) {
  const socket = openClient(`${server.url}/chat`, { auth: { token: signJwt({ sub }) } });
  sockets.push(socket);
  const diffs: Received[] = [];
  socket.on('presenceDiff', (diff: Diff) => diffs.push({ ...diff, at: Date.now() }));
  await connected(socket);
  return {
    socket,
    /** The diffs received so far, taken (the next call returns only later ones). */
    take: () => diffs.splice(0),
    /** Waits (up to `ms`) until a diff received has `userId` in its `change`; resolves with that diff, if any. */
    async until(change: 'joins' | 'leaves', userId: string, ms = 5000): Promise<Received | undefined> {
      for (let waited = 0; waited <= ms; waited += 20) {
        const diff = diffs.find((item) => item[change].includes(userId));
        if (diff) return diff;
        await sleep(20);
      }
      return undefined;
    },
    async onlineUsers(): Promise<string[]> {
      const ack = (await socket.timeout(5000).emitWithAck('onlineUsers', {})) as { ok: true; data: { userIds: string[] } };
      expect(ack.ok).toBe(true);
      return [...ack.data.userIds].sort();
    },
  };
}

type Observer = Awaited<ReturnType<typeof connectAs>>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every change of the diffs, as `join alice` / `leave bob`, sorted: what the diffs add up to. */
function changes(diffs: Diff[]): string[] {
  return diffs.flatMap((diff) => [...diff.joins.map((user) => `join ${user}`), ...diff.leaves.map((user) => `leave ${user}`)]).sort();
}

/** Connected observers that have seen each other join; their later diffs are the test's. */
async function observers(...instances: RunningApp[]): Promise<Observer[]> {
  const connectedObservers = await Promise.all(instances.map((instance, index) => connectAs(instance, `observer-${index}`)));
  for (const observer of connectedObservers) {
    for (const index of instances.keys()) expect(await observer.until('joins', `observer-${index}`)).toBeDefined();
  }
  await sleep(2 * DIFF_INTERVAL_MS);
  for (const observer of connectedObservers) observer.take();
  return connectedObservers;
}

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});

afterAll(async () => {
  // A build that failed has already failed its tests.
  for (const app of builtApps.values()) await app.then(removeTestApp, () => undefined);
});

describeWithRedis('presence across two instances on a redis-server of the test’s own', () => {
  let redis: OwnRedis;

  beforeAll(async () => {
    redis = await startOwnRedis();
  });

  afterAll(async () => {
    await redis?.stop();
  });

  const redisCli = (...args: string[]) => execFileSync('redis-cli', ['-u', redis.url, ...args], { encoding: 'utf8' }).trim();
  const instanceCount = () => Number(redisCli('SCARD', 'realtime:presence:{/chat}:instances'));

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

    beforeEach(() => {
      // No counts or pending leaves left by an earlier test.
      redisCli('FLUSHALL');
    });

    afterEach(async () => {
      sockets.splice(0).forEach((socket) => socket.disconnect());
      for (const instance of instances.splice(0)) await instance.stop();
    });

    it('sends the arrivals of a window in one diff to the clients of both instances, and lists the users from either', async () => {
      const [a, b] = [await start(), await start()];
      const [onA, onB] = await observers(a, b);

      const arrivals = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8'];
      await Promise.all(arrivals.map((user) => connectAs(a, user)));
      // A second device of u1, on the other instance: no join of its own.
      await connectAs(b, 'u1');
      for (const observer of [onA, onB]) {
        expect(await observer.until('joins', 'u8')).toBeDefined();
        await sleep(3 * DIFF_INTERVAL_MS);
        const diffs = observer.take();
        expect(changes(diffs)).toEqual(arrivals.map((user) => `join ${user}`));
        // One broadcast per window, not one per arrival: the arrivals fit in a window or two.
        expect(diffs.length).toBeLessThanOrEqual(2);
      }
      const everyone = ['observer-0', 'observer-1', ...arrivals].sort();
      expect(await onA.onlineUsers()).toEqual(everyone);
      expect(await onB.onlineUsers()).toEqual(everyone);
    });

    it('sends nothing for a user who reconnects within the grace, or moves to the other instance', async () => {
      const [a, b] = [await start(), await start()];
      const [onA, onB] = await observers(a, b);
      const alice = await connectAs(a, 'alice');
      expect(await onB.until('joins', 'alice')).toBeDefined();
      await sleep(2 * DIFF_INTERVAL_MS);
      onA.take();
      onB.take();

      // A network blip: gone, back on the same instance within the grace.
      alice.socket.disconnect();
      await sleep(OFFLINE_GRACE_MS / 4);
      // Within the grace she is still listed.
      expect(await onB.onlineUsers()).toContain('alice');
      const back = await connectAs(a, 'alice');
      // A deploy: her connection moves to the other instance.
      back.socket.disconnect();
      await sleep(OFFLINE_GRACE_MS / 4);
      await connectAs(b, 'alice');

      await sleep(QUIET_MS);
      expect(onA.take()).toEqual([]);
      expect(onB.take()).toEqual([]);
      expect(await onA.onlineUsers()).toContain('alice');
    });

    it('sends a leave once the grace has passed since the last connection ended, not before, from one instance', async () => {
      const [a, b] = [await start(), await start()];
      const [onA, onB] = await observers(a, b);
      const phone = await connectAs(b, 'bob');
      const laptop = await connectAs(a, 'bob');
      expect(await onA.until('joins', 'bob')).toBeDefined();
      await sleep(2 * DIFF_INTERVAL_MS);
      expect(changes(onA.take())).toEqual(['join bob']);
      onB.take();

      phone.socket.disconnect();
      laptop.socket.disconnect();
      const lastEnded = Date.now();
      for (const observer of [onA, onB]) {
        const leave = await observer.until('leaves', 'bob', OFFLINE_GRACE_MS + 5000);
        expect(leave).toBeDefined();
        expect(leave!.at - lastEnded).toBeGreaterThanOrEqual(OFFLINE_GRACE_MS - 50);
        expect(leave!.at - lastEnded).toBeLessThan(OFFLINE_GRACE_MS + DIFF_INTERVAL_MS + SLACK_MS);
      }
      await sleep(3 * DIFF_INTERVAL_MS);
      // Exactly one instance settled it: each client got one leave.
      expect(changes(onA.take())).toEqual(['leave bob']);
      expect(changes(onB.take())).toEqual(['leave bob']);
      expect(await onA.onlineUsers()).toEqual(['observer-0', 'observer-1']);
    });

    it('takes a killed instance’s users out in a diff’s leaves within instanceTimeoutMs + the grace + a window', async () => {
      const [a, b] = [await start(), await start()];
      const [onA] = await observers(a, b);
      // Carol only on B, dave on both: B dies without a word.
      await connectAs(b, 'carol');
      await connectAs(a, 'dave');
      const daveOnB = await connectAs(b, 'dave');
      expect(await onA.until('joins', 'carol')).toBeDefined();
      expect(await onA.until('joins', 'dave')).toBeDefined();
      // A round trip through B's presence: its count of dave's second connection is in Redis.
      expect(await daveOnB.onlineUsers()).toContain('dave');
      await sleep(2 * DIFF_INTERVAL_MS);
      onA.take();

      const killedAt = Date.now();
      process.kill(b.pid, 'SIGKILL');
      const leave = await onA.until('leaves', 'carol', INSTANCE_TIMEOUT_MS + OFFLINE_GRACE_MS + 5000);
      expect(leave).toBeDefined();
      expect(leave!.at - killedAt).toBeLessThan(INSTANCE_TIMEOUT_MS + OFFLINE_GRACE_MS + DIFF_INTERVAL_MS + SLACK_MS);
      // The grace counts from when the instance was found dead: its heartbeat, renewed at most a
      // period (instanceTimeoutMs / 6) before the kill, expired a TTL (instanceTimeoutMs / 2) after that.
      expect(leave!.at - killedAt).toBeGreaterThanOrEqual(INSTANCE_TIMEOUT_MS / 2 - INSTANCE_TIMEOUT_MS / 6 + OFFLINE_GRACE_MS - 50);
      await sleep(3 * DIFF_INTERVAL_MS);
      // Every user whose last connection was on B, once; dave stays online.
      expect(changes(onA.take())).toEqual(['leave carol', 'leave observer-1']);
      expect(await onA.onlineUsers()).toEqual(['dave', 'observer-0']);
    });

    it('on a clean shutdown, sends nothing for the users who reconnect to the other instance, and the others’ leaves from there after the grace', async () => {
      const [a, c] = [await start(), await start()];
      const [onA] = await observers(a, c);
      await connectAs(c, 'erin');
      await connectAs(c, 'gina');
      expect(await onA.until('joins', 'gina')).toBeDefined();
      expect(instanceCount()).toBe(2);
      await sleep(2 * DIFF_INTERVAL_MS);
      onA.take();

      const stoppedAt = Date.now();
      await c.stop();
      // Gone from Redis as it stops (beforeApplicationShutdown), not once its heartbeat expires.
      expect(instanceCount()).toBe(1);
      // Erin and the second observer reconnect to A, as a load balancer sends them; gina does not.
      expect(Date.now() - stoppedAt).toBeLessThan(OFFLINE_GRACE_MS);
      await connectAs(a, 'erin');
      await connectAs(a, 'observer-1');
      expect(await onA.onlineUsers()).toEqual(['erin', 'gina', 'observer-0', 'observer-1']);

      const leave = await onA.until('leaves', 'gina', OFFLINE_GRACE_MS + 5000);
      expect(leave).toBeDefined();
      expect(leave!.at - stoppedAt).toBeGreaterThanOrEqual(OFFLINE_GRACE_MS - 50);
      await sleep(QUIET_MS);
      expect(changes(onA.take())).toEqual(['leave gina']);
      expect(await onA.onlineUsers()).toEqual(['erin', 'observer-0', 'observer-1']);
    });

    if (client === 'redis') {
      it('a worker (an application context, presence in its AppModule) starts, notifies a client of a running instance and exits 0 by itself', async () => {
        const a = await start();
        const alice: ConnectedUser = await connectUser(`${a.url}/chat`, 'alice', ['notification']);
        const before = instanceCount();
        const worker = await run(process.execPath, ['dist/notify-worker.js', 'alice', 'from the worker'], {
          cwd: app,
          env: { REDIS_URL: redis.url, JWT_SECRET: TEST_JWT_SECRET },
          timeoutMs: 20_000,
        });
        expect({ code: worker.code, timedOut: worker.timedOut, stdout: worker.stdout.trim(), stderr: worker.stderr }).toEqual({
          code: 0,
          timedOut: false,
          stdout: 'NOTIFIED',
          stderr: '',
        });
        expect(await alice.received(1)).toEqual([['notification', { type: 'worker', message: 'from the worker' }]]);
        // Presence did nothing in the worker: it never registered as an instance counting connections.
        expect(instanceCount()).toBe(before);
      });
    }
  });
});

describeWithRedis('presence at shutdown with Redis down', () => {
  let redis: OwnRedis;
  let instance: RunningApp | undefined;

  beforeAll(async () => {
    redis = await startOwnRedis();
  });

  afterAll(async () => {
    await instance?.stop();
    await redis?.stop();
  });

  it.each([['redis' as const], ['ioredis' as const]])('over %s, leaving gives up after a bounded time', async (client) => {
    instance = await startApp(await appWithPresence(client), { REDIS_URL: redis.url, JWT_SECRET: TEST_JWT_SECRET });
    await connectAs(instance, 'alice');
    await redis.stop();
    process.kill(instance.pid, 'SIGTERM');
    const signalledAt = Date.now();
    const gaveUp = /Presence could not leave: no answer from Redis in 1000 ms/;
    while (!gaveUp.test(instance.output()) && Date.now() - signalledAt < 5000) await sleep(20);
    const tookMs = Date.now() - signalledAt;
    await instance.stop();
    await redis.start();
    expect(instance.output()).toMatch(gaveUp);
    // Its own part of the shutdown: SIGTERM → leave given up, within its one-second bound.
    expect(tookMs).toBeLessThan(1000 + SLACK_MS);
  });
});

describe('presence in one instance without REDIS_URL', () => {
  let server: RunningApp;

  beforeAll(async () => {
    server = await startApp(await appWithPresence('ioredis'), { REDIS_URL: '', JWT_SECRET: TEST_JWT_SECRET });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('batches arrivals, keeps a user through a reconnect within the grace, and sends their leave after it, in process', async () => {
    const [observer] = await observers(server);
    await Promise.all(['alice', 'bob', 'carol'].map((user) => connectAs(server, user)));
    expect(await observer.until('joins', 'carol')).toBeDefined();
    await sleep(2 * DIFF_INTERVAL_MS);
    const arrivals = observer.take();
    expect(changes(arrivals)).toEqual(['join alice', 'join bob', 'join carol']);
    expect(arrivals.length).toBeLessThanOrEqual(2);

    const dave = await connectAs(server, 'dave');
    expect(await observer.until('joins', 'dave')).toBeDefined();
    dave.socket.disconnect();
    await sleep(OFFLINE_GRACE_MS / 4);
    await connectAs(server, 'dave');
    const erin = await connectAs(server, 'erin');
    expect(await observer.until('joins', 'erin')).toBeDefined();
    erin.socket.disconnect();
    const erinLeft = Date.now();
    const leave = await observer.until('leaves', 'erin', OFFLINE_GRACE_MS + 5000);
    expect(leave!.at - erinLeft).toBeGreaterThanOrEqual(OFFLINE_GRACE_MS - 50);
    await sleep(QUIET_MS);
    expect(changes(observer.take())).toEqual(['join dave', 'join erin', 'leave erin']);
    expect(await observer.onlineUsers()).toEqual(['alice', 'bob', 'carol', 'dave', 'observer-0']);
    expect(server.output()).not.toMatch(/Presence could not/);
  });
});
