import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestApp, removeTestApp } from '../support/apps';
import { Balancer, startBalancer } from '../support/balancer';
import { ConnectedUser, Payload, connectUser, openClient } from '../support/clients';
import { appBin, succeed } from '../support/commands';
import { TEST_JWT_SECRET, signJwt } from '../support/jwt';
import { NOTIFICATIONS_CONTROLLER, NOTIFICATIONS_CONTROLLER_FILE } from '../support/notifications-controller';
import { RunningApp, freePort, run, startApp } from '../support/processes';
import { OwnRedisCluster, redisClusterAvailable, startOwnRedisCluster } from '../support/redis-cluster';
import { describeNeeding } from '../support/redis';

/**
 * REDIS_MODE=cluster end to end (SPEC §5.6): `init`'s feature set (auth, rooms, notifier, presence)
 * with the ioredis client and each adapter kind, in a Nest 12 ESM app; two instances on one local
 * Redis Cluster of the test's own (six nodes: three masters, a replica each), reused by every case;
 * REDIS_URL lists a closed port first (a seed that is down) and then the nodes. Cross-instance room
 * delivery, `toUser` from the other instance and from a worker, presence across instances, recovery
 * on the other instance (streams); a planned failover and a slot migration of what the app uses in
 * the middle of a stream of notifications; startup against a cluster that cannot be reached.
 */
const describeWithCluster = describeNeeding(redisClusterAvailable(), 'redis-server 7 (for a Redis Cluster)');

type Kind = 'pubsub' | 'sharded' | 'streams';
/** SPEC §5.6: delivery resumes within 5 s of the failover command or the migration. */
const RESUME_BAR_MS = 5000;

/** A worker: no socket server, the same AppModule; notifies user argv[2] and closes the app. */
const WORKER = `import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { ChatNotifier } from './chat/chat.notifier.js';

const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
try {
  await app.get(ChatNotifier).toUser(process.argv[2], 'notification', { type: 'worker', message: process.argv[3] });
  console.log('NOTIFIED');
} catch (error) {
  console.log(\`REJECTED \${(error as Error).message}\`);
} finally {
  await app.close();
}
`;

/** `init`, the adapter kind and ioredis in realtime.json, `feature chat`, a notifications controller and a worker; built. */
async function clusterApp(kind: Kind): Promise<string> {
  const app = await createTestApp('nest12-esm');
  const cli = appBin(app, 'realtime-schematics');
  await succeed(app, cli, ['init', '--skip-install']);
  const conventions = JSON.parse(readFileSync(join(app, 'realtime.json'), 'utf8')) as Record<string, Record<string, unknown>>;
  conventions.adapter = { enabled: true, kind, client: 'ioredis' };
  writeFileSync(join(app, 'realtime.json'), JSON.stringify(conventions));
  await succeed(app, cli, ['feature', 'chat']);
  mkdirSync(join(app, 'src/notifications'), { recursive: true });
  writeFileSync(join(app, NOTIFICATIONS_CONTROLLER_FILE), NOTIFICATIONS_CONTROLLER);
  const appModule = join(app, 'src/app.module.ts');
  const source = readFileSync(appModule, 'utf8');
  writeFileSync(
    appModule,
    `import { NotificationsController } from './notifications/notifications.controller.js';\n${source.replace('controllers: [AppController]', 'controllers: [AppController, NotificationsController]')}`,
  );
  writeFileSync(join(app, 'src/notify-worker.ts'), WORKER);
  // The connections the generated code creates all have their `error` listener (check's rule).
  expect((await succeed(app, cli, ['check'])).stdout).toContain('No problems found in ');
  await succeed(app, 'npm', ['run', 'build']);
  return app;
}

function notify(instance: RunningApp, userId: string, message: string): Promise<number> {
  return fetch(`${instance.url}/notifications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId, message }),
  }).then((response) => response.status);
}

function runWorker(app: string, env: NodeJS.ProcessEnv, userId: string, message: string): Promise<string> {
  return run(process.execPath, ['dist/notify-worker.js', userId, message], { cwd: app, env, timeoutMs: 30_000 }).then((result) => `${result.stdout}${result.stderr}`);
}

/** The payload of the next `event` the user receives, within `ms`. */
function next(user: ConnectedUser, event: string, ms = 5000): Promise<Payload> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    user.socket.once(event, (payload: Payload) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

/** Waits until `condition` holds, polling every 20 ms, for at most `ms`. */
async function until(condition: () => boolean, ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; ) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}

/**
 * Numbered notifications from instance 2 to `user` on instance 1, one every 50 ms, while `disturb`
 * runs (it returns the moment its command was sent) and for 7 s more. Returns what arrived when.
 */
async function streamThrough(sender: RunningApp, userId: string, receiver: ConnectedUser['socket'], disturb: () => Promise<number>) {
  const arrivals = new Map<number, number>();
  const onNotification = (payload: Payload) => {
    const n = Number(payload.message);
    if (!arrivals.has(n)) arrivals.set(n, Date.now());
  };
  receiver.on('notification', onNotification);
  const sentAt: number[] = [];
  let stopped = false;
  const sending = (async () => {
    for (let n = 0; !stopped; n++) {
      sentAt[n] = Date.now();
      await notify(sender, userId, String(n)).catch(() => 0);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const disturbedAt = await disturb();
  await new Promise((resolve) => setTimeout(resolve, RESUME_BAR_MS + 2000));
  stopped = true;
  await sending;
  await until(() => arrivals.size >= sentAt.length, 3000);
  receiver.off('notification', onNotification);
  // The longest time without a delivery from the disturbance on: the interruption.
  const times = [disturbedAt, ...[...arrivals.values()].filter((at) => at > disturbedAt).sort((a, b) => a - b)];
  const interruptedMs = Math.max(...times.slice(1).map((at, i) => at - times[i]));
  // Sent once the bar had passed: every one of these must arrive.
  const late = sentAt.map((at, n) => ({ at, n })).filter(({ at }) => at >= disturbedAt + RESUME_BAR_MS);
  return { interruptedMs, late: late.length, lateMissing: late.filter(({ n }) => !arrivals.has(n)).map(({ n }) => n), sent: sentAt.length, arrived: arrivals.size };
}

describeWithCluster('REDIS_MODE=cluster on a Redis Cluster of the test’s own', () => {
  let cluster: OwnRedisCluster;
  let closedSeed: string;

  beforeAll(async () => {
    cluster = await startOwnRedisCluster();
    closedSeed = `redis://127.0.0.1:${await freePort()}`;
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  /** A seed list whose first node is down: another seed answers. */
  const env = () => ({ REDIS_MODE: 'cluster', REDIS_URL: `${closedSeed}, ${cluster.seeds}`, JWT_SECRET: TEST_JWT_SECRET });

  describe.each(['streams', 'pubsub', 'sharded'] as const)('the %s adapter over ioredis', (kind) => {
    let app: string;
    let instances: RunningApp[] = [];
    const users: ConnectedUser[] = [];

    beforeAll(async () => {
      app = await clusterApp(kind);
      instances = [await startApp(app, env()), await startApp(app, env())];
    });

    afterEach(() => {
      for (const user of users.splice(0)) user.socket.disconnect();
    });

    afterAll(async () => {
      for (const instance of instances) await instance.stop();
      for (const instance of instances) {
        // SPEC §5.6: the library routes every command itself; no redirection or cross-slot error surfaces.
        expect(instance.output()).not.toMatch(/CROSSSLOT|MOVED|ASK /);
      }
      if (app) await removeTestApp(app);
    });

    const user = async (instance: RunningApp, sub: string) => {
      const connected = await connectUser(`${instance.url}/chat`, sub, []);
      users.push(connected);
      return connected;
    };

    it('delivers a room message across instances, toUser from the other instance and a worker, lists presence across both', async () => {
      const [one, two] = instances;
      const alice = await user(one, 'alice');
      const bob = await user(two, 'bob');
      for (const member of [alice, bob]) expect(await member.call('joinRoom', { room: 'ops' })).toMatchObject({ ok: true });
      const roomMessage = next(alice, 'roomMessage');
      expect(await bob.call('roomMessage', { room: 'ops', text: 'hello' })).toEqual({ ok: true });
      expect(await roomMessage).toMatchObject({ room: 'ops', text: 'hello', sender: 'bob' });

      const fromTwo = next(alice, 'notification');
      expect(await notify(two, 'alice', 'from instance 2')).toBe(202);
      expect(await fromTwo).toEqual({ type: 'order', message: 'from instance 2' });

      const fromWorker = next(alice, 'notification', 20_000);
      const worker = await runWorker(app, env(), 'alice', 'from a worker');
      if (kind === 'sharded') {
        // No emitter reaches the sharded adapter (socket.io-redis-emitter#127): the worker's call says so.
        expect(worker).toContain('REJECTED ChatNotifier: no socket server in this process, and the sharded Redis adapter cannot be reached from a worker');
        fromWorker.catch(() => undefined);
      } else {
        expect(worker).toContain('NOTIFIED');
        expect(await fromWorker).toEqual({ type: 'worker', message: 'from a worker' });
      }

      // Presence counts in the cluster (its keys share one hash slot): both users, from either instance.
      for (const member of [alice, bob]) {
        const online = (await member.call('onlineUsers', {})) as { data: { userIds: string[] } };
        expect(online.data.userIds.sort()).toEqual(['alice', 'bob']);
      }
    });

    if (kind === 'streams') {
      it('fails startup within the bound, with one line naming the seeds, when no seed of the cluster answers', async () => {
        const [a, b] = [await freePort(), await freePort()];
        const started = Date.now();
        const failure = await startApp(app, { ...env(), REDIS_URL: `redis://127.0.0.1:${a},redis://127.0.0.1:${b}` }).catch((error: Error) => error.message);
        expect(Date.now() - started).toBeLessThan(10_000);
        expect(failure).toMatch(new RegExp(`Cannot connect to Redis at 127\\.0\\.0\\.1:${a}, 127\\.0\\.0\\.1:${b}: `));
      });

      it('refuses any other REDIS_MODE with one line', async () => {
        const failure = await startApp(app, { ...env(), REDIS_MODE: 'sentinel' }).catch((error: Error) => error.message);
        expect(failure).toContain('REDIS_MODE must be "standalone" or "cluster", not "sentinel".');
      });

      it('recovers a dropped connection on the other instance with what it missed', async () => {
        const balancer: Balancer = await startBalancer(instances.map((instance) => instance.port));
        try {
          const socket = openClient(`${balancer.url}/chat`, { auth: { token: signJwt({ sub: 'carol' }) }, reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 200 });
          const received: string[] = [];
          socket.on('notification', (payload: Payload) => received.push(String(payload.message)));
          await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
          expect(await notify(instances[0], 'carol', 'before')).toBe(202);
          expect(await until(() => received.length === 1, 5000)).toBe(true);
          const reconnected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
          balancer.refuseFor(500);
          balancer.cut();
          expect(await notify(instances[1], 'carol', 'while away')).toBe(202);
          await reconnected;
          expect(socket.recovered).toBe(true);
          expect(await until(() => received.length === 2, 5000)).toBe(true);
          expect(received).toEqual(['before', 'while away']);
          socket.disconnect();
        } finally {
          await balancer.close();
        }
      });
    }

    /** The slot of what the kind's notifications go through: its stream, or its channel. */
    const slotOfDeliveries = () => cluster.slotOf(kind === 'streams' ? 'socket.io' : kind === 'sharded' ? 'socket.io#/chat#user:dave#' : 'socket.io#/chat#');

    it('resumes delivery within 5 s of a planned failover, every later message arriving', async () => {
      const dave = await user(instances[0], 'dave');
      let stopped: { port: number; url: string } | undefined;
      const report = await streamThrough(instances[1], 'dave', dave.socket, async () => {
        const failover = await cluster.failOver(slotOfDeliveries());
        stopped = failover.stopped;
        return failover.sentAt;
      });
      console.log(`cluster e2e, ${kind}: failover ${JSON.stringify(report)}`);
      expect(report.interruptedMs).toBeLessThanOrEqual(RESUME_BAR_MS);
      expect(report.late).toBeGreaterThan(20);
      expect(report.lateMissing).toEqual([]);
      // The old master comes back as a replica, so the next failover has one.
      if (stopped) await cluster.restart(stopped);
    });

    it('resumes delivery within 5 s of a migration of the slot it uses, every later message arriving', async () => {
      const dave = await user(instances[0], 'dave');
      const report = await streamThrough(instances[1], 'dave', dave.socket, async () => {
        const startedAt = Date.now();
        await cluster.migrate(slotOfDeliveries());
        return startedAt;
      });
      console.log(`cluster e2e, ${kind}: migration ${JSON.stringify(report)}`);
      expect(report.interruptedMs).toBeLessThanOrEqual(RESUME_BAR_MS);
      expect(report.lateMissing).toEqual([]);
      // Presence still answers after its slot's owner changed (its keys moved with the slot).
      await cluster.migrate(cluster.slotOf('{/chat}'));
      const online = (await dave.call('onlineUsers', {})) as { data: { userIds: string[] } };
      expect(online.data.userIds).toContain('dave');
    });
  });
});
