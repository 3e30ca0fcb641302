// The room fan-out load shared by the fan-out, cross-instance and deploy benchmarks.
import { apps, connect, generatedApp, signToken } from './runtime-apps.mjs';
import { percentile, processCpuMs } from './stats.mjs';

const ROOM = 'bench';
export const IN_FLIGHT = 4;

/**
 * User ids as long as a socket.io socket id (20 characters): `sender` is the user id where the
 * server authenticates and the socket id where it does not, so every server sends the same bytes.
 */
const subOf = (index) => `bench-user-${String(index).padStart(9, '0')}`;

/**
 * Connects `subscribers` sockets, each with its own signed JWT (servers without auth ignore it),
 * spread round-robin over the servers, joins them all to one room, then posts `messages` from the
 * first (IN_FLIGHT at a time) and waits until every subscriber has every message. Returns
 * deliveries/s, p99 delivery latency and the servers' CPU per delivery.
 * `window.started` / `window.ended` (optional, awaited) bracket the messaging alone, without the
 * connects and joins: bench/profile/ profiles exactly that window.
 */
export async function fanOut(servers, subscribers, messages, window = {}) {
  const sockets = [];
  for (let i = 0; i < subscribers; i += 50) {
    const batch = Array.from({ length: Math.min(50, subscribers - i) }, (_, j) => connect(`${servers[(i + j) % servers.length].url}/chat`, { auth: { token: signToken(subOf(i + j)) } }));
    sockets.push(...(await Promise.all(batch)));
  }
  for (const socket of sockets) {
    const ack = await socket.timeout(10_000).emitWithAck('joinRoom', { room: ROOM });
    if (!ack?.ok) throw new Error(`joinRoom refused: ${JSON.stringify(ack)}`);
  }
  const sentAt = new Map();
  const latencies = [];
  const expected = subscribers * messages;
  let allDelivered;
  const done = new Promise((resolve) => (allDelivered = resolve));
  for (const socket of sockets) {
    socket.on('roomMessage', ({ text }) => {
      latencies.push(performance.now() - sentAt.get(text));
      if (latencies.length === expected) allDelivered();
    });
  }
  const [publisher] = sockets;
  await window.started?.();
  const cpuBefore = servers.map((server) => processCpuMs(server.pid));
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < messages) {
      const text = String(next++);
      sentAt.set(text, performance.now());
      const ack = await publisher.timeout(30_000).emitWithAck('roomMessage', { room: ROOM, text });
      if (!ack?.ok) throw new Error(`roomMessage refused: ${JSON.stringify(ack)}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  let timer;
  const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`only ${latencies.length}/${expected} delivered`)), 60_000)));
  // Cleared once delivered: a pending timer would keep the benchmark's process alive for a minute.
  await Promise.race([done, timeout]).finally(() => clearTimeout(timer));
  const seconds = (performance.now() - started) / 1000;
  const cpuMs = servers.reduce((total, server, index) => total + processCpuMs(server.pid) - cpuBefore[index], 0);
  await window.ended?.();
  sockets.forEach((socket) => socket.disconnect());
  return { deliveriesPerSecond: expected / seconds, p99Ms: percentile(latencies, 99), serverCpuUsPerDelivery: (cpuMs * 1000) / expected };
}


/** The app the cross-instance figures measure: a room handler and `redis-adapter` of `kind` (pubsub, sharded, streams). Built. */
export function roomsApp(kind) {
  return generatedApp({ rooms: { enabled: true }, adapter: { kind, client: 'redis' } }, { moreCommands: [['redis-adapter']] });
}

/**
 * `instances` of a built app: two or more share the Redis at `redisUrl` (subscribers are split
 * between them); one runs with REDIS_URL unset (the in-memory adapter, what a team runs before
 * scaling out). Stopped by the caller.
 */
export async function startInstances(dir, instances, redisUrl) {
  const env = instances === 1 ? { REDIS_URL: '' } : { REDIS_URL: redisUrl };
  const servers = [];
  try {
    for (let i = 0; i < instances; i++) servers.push(await apps.startApp(dir, env));
  } catch (error) {
    for (const server of servers) await server.stop();
    throw error;
  }
  return servers;
}

/** The fan-out on fresh `startInstances(…)`, after a small warm-up in the same processes; every instance stopped after. */
export async function fanOutOnInstances(dir, instances, redisUrl, subscribers, messages) {
  const servers = await startInstances(dir, instances, redisUrl);
  try {
    await fanOut(servers, 20, 20); // warm-up
    return await fanOut(servers, subscribers, messages);
  } finally {
    for (const server of servers) await server.stop();
  }
}
