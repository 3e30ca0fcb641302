import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { createTestApp, removeTestApp } from '../support/apps';
import { RunningApp, freePort, startApp } from '../support/processes';
import { appBin, succeed } from '../support/commands';
import { OwnRedis, describeNeeding, redisServerAvailable, startOwnRedis } from '../support/redis';

/**
 * redis-adapter end to end: real Nest 12 ESM apps (gateway + rooms + the adapter wired into
 * main.ts), two instances sharing a redis-server of the test's own, for every adapter kind and
 * client; Redis restarted under running apps; SIGTERM; no Redis; unreachable Redis; origins and
 * payload limits.
 */
const describeWithRedis = describeNeeding(redisServerAvailable(), 'redis-server binary');

async function appWithAdapter(kind: string, client: string): Promise<string> {
  const app = await createTestApp('nest12-esm');
  writeFileSync(join(app, 'realtime.json'), JSON.stringify({ rooms: { enabled: true }, adapter: { kind, client } }));
  const cli = appBin(app, 'realtime-schematics');
  await succeed(app, cli, ['gateway', 'chat']);
  const wired = await succeed(app, cli, ['redis-adapter']);
  expect(wired.stdout).toContain('UPDATE src/main.ts');
  await succeed(app, 'npm', ['run', 'build']);
  return app;
}

const sockets: Socket[] = [];

function connect(url: string, options: Partial<ManagerOptions & SocketOptions> = {}): Promise<Socket> {
  const socket = io(`${url}/chat`, { transports: ['websocket'], forceNew: true, reconnection: false, ...options });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** Alice on instance 1 and Bob on instance 2 in one room; resolves with what Bob receives of Alice's post. */
async function crossInstanceMessage(first: RunningApp, second: RunningApp, text: string) {
  const alice = await connect(first.url);
  const bob = await connect(second.url);
  for (const socket of [alice, bob]) expect(await socket.timeout(5000).emitWithAck('joinRoom', { room: 'x' })).toMatchObject({ ok: true });
  const received = new Promise((resolve, reject) => {
    bob.once('roomMessage', resolve);
    setTimeout(() => reject(new Error(`"${text}" did not reach instance 2 within 5 s`)), 5000);
  });
  expect(await alice.timeout(5000).emitWithAck('roomMessage', { room: 'x', text })).toEqual({ ok: true });
  const members = (await alice.timeout(5000).emitWithAck('roomMembers', { room: 'x' })) as { data: { userIds: string[] } };
  return { received: await received, members: members.data.userIds.sort(), expected: [alice.id, bob.id].sort() };
}

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});

describeWithRedis('redis-adapter with a redis-server of the test’s own', () => {
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
    ['sharded', 'redis'],
    ['sharded', 'ioredis'],
    ['streams', 'redis'],
    ['streams', 'ioredis'],
  ])('%s adapter over %s', (kind, client) => {
    it('delivers a room message from instance 1 to instance 2, lists members across both, exits on SIGTERM', async () => {
      const app = await appWithAdapter(kind, client);
      const instances = [await startApp(app, { REDIS_URL: redis.url }), await startApp(app, { REDIS_URL: redis.url })];
      try {
        const { received, members, expected } = await crossInstanceMessage(instances[0], instances[1], `via ${kind}`);
        expect(received).toMatchObject({ room: 'x', text: `via ${kind}` });
        expect(members).toEqual(expected);

        if (kind === 'pubsub' && client === 'redis') {
          // Redis restarted under the running apps: messages flow again without restarting them.
          await redis.stop();
          await redis.start();
          const deadline = Date.now() + 20_000;
          let delivered: unknown;
          while (!delivered && Date.now() < deadline) {
            delivered = await crossInstanceMessage(instances[0], instances[1], 'after restart')
              .then((result) => result.received)
              .catch(() => undefined);
            if (!delivered) await new Promise((resolve) => setTimeout(resolve, 500));
          }
          expect(delivered).toMatchObject({ text: 'after restart' });
        }
      } finally {
        sockets.splice(0).forEach((socket) => socket.disconnect());
        for (const instance of instances) {
          const started = Date.now();
          await instance.stop();
          // stop() sends SIGTERM and only kills after 5 s: closing the Redis clients must not hang.
          expect(Date.now() - started).toBeLessThan(5000);
        }
        await removeTestApp(app);
      }
    });
  });
});

describe('redis-adapter without Redis, and the server options', () => {
  let app: string;

  beforeAll(async () => {
    app = await appWithAdapter('pubsub', 'redis');
  });

  afterAll(async () => {
    if (app) await removeTestApp(app);
  });

  it('falls back to the in-memory adapter with one warning when REDIS_URL is unset', async () => {
    const server = await startApp(app, { REDIS_URL: '' });
    try {
      const alice = await connect(server.url);
      expect(await alice.timeout(5000).emitWithAck('joinRoom', { room: 'solo' })).toMatchObject({ ok: true });
      expect(await alice.timeout(5000).emitWithAck('roomMessage', { room: 'solo', text: 'hi' })).toEqual({ ok: true });
      expect(server.output().match(/REDIS_URL is not set/g)).toHaveLength(1);
    } finally {
      await server.stop();
    }
  });

  it('fails fast, naming Redis, when REDIS_URL points at a closed port', async () => {
    const closedPort = await freePort();
    const started = Date.now();
    await expect(startApp(app, { REDIS_URL: `redis://127.0.0.1:${closedPort}` })).rejects.toThrow(
      new RegExp(`Cannot connect to Redis at 127\\.0\\.0\\.1:${closedPort}`),
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('refuses REDIS_MODE=cluster with node-redis in one line naming the fix (ioredis is the cluster client)', async () => {
    const failure = await startApp(app, { REDIS_MODE: 'cluster', REDIS_URL: `redis://127.0.0.1:${await freePort()}` }).catch((error: Error) => error.message);
    expect(failure).toContain('REDIS_MODE=cluster needs the ioredis client: generate the Redis code with `redis-adapter --client ioredis`');
  });

  it('refuses an origin outside WS_CORS_ORIGINS, accepts a listed one and clients without Origin', async () => {
    const server = await startApp(app, { REDIS_URL: '', WS_CORS_ORIGINS: 'https://app.example, https://admin.example' });
    try {
      await expect(connect(server.url, { extraHeaders: { Origin: 'https://evil.example' } })).rejects.toThrow();
      const allowed = await connect(server.url, { extraHeaders: { Origin: 'https://admin.example' } });
      expect(allowed.connected).toBe(true);
      const headless = await connect(server.url);
      expect(headless.connected).toBe(true);
    } finally {
      await server.stop();
    }
  });

  it('refuses a message over WS_MAX_PAYLOAD_BYTES and keeps serving', async () => {
    const server = await startApp(app, { REDIS_URL: '', WS_MAX_PAYLOAD_BYTES: '1024' });
    try {
      const big = await connect(server.url);
      const disconnected = new Promise((resolve) => big.once('disconnect', resolve));
      big.emit('joinRoom', { room: 'r'.repeat(4000) });
      expect(await disconnected).toBeDefined();
      const next = await connect(server.url);
      expect(await next.timeout(5000).emitWithAck('joinRoom', { room: 'ok' })).toMatchObject({ ok: true });
    } finally {
      await server.stop();
    }
  });
});
