/**
 * A deploy of a generated app, as SPEC §5.10 measures it, for the deploy e2e test, the demo and the
 * benchmark: instances of one built app behind the loopback balancer, users following a room
 * through it (numbered room messages from a publishing user, numbered `toUser` notifications from
 * HTTP calls), a rolling restart, and what every user received. socket.io-client is passed in
 * (`ConnectFn`): files here import Node built-ins only (see scripts/load-app-helpers.mjs).
 */
import { Balancer, startBalancer } from './balancer';
import { TEST_JWT_SECRET, signJwt } from './jwt';
import { RunningApp, startApp } from './processes';

/** The slice of a socket.io-client socket a follower uses. */
export interface FollowerSocket {
  id?: string;
  connected: boolean;
  recovered: boolean;
  on(event: string, listener: (...args: any[]) => void): unknown;
  once(event: string, listener: (...args: any[]) => void): unknown;
  timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<any> };
  disconnect(): unknown;
}

/** `io(url, options)` of socket.io-client. */
export type ConnectFn = (url: string, options: Record<string, unknown>) => FollowerSocket;

export const ROOM = 'deploy';

/** A user following the room and their notifications: every numbered message it got, in order. */
export interface Follower {
  sub: string;
  socket: FollowerSocket;
  roomMessages: number[];
  notifications: number[];
  /** `socket.recovered` at each reconnection. */
  reconnections: boolean[];
  /** When each disconnection and the reconnection after it happened (ms since epoch). */
  outages: { from: number; to?: number }[];
  presenceDiffs: unknown[];
  /** Whether it is sent notifications (the publishing user is not). */
  notified: boolean;
}

/** Connects through the balancer with socket.io-client's reconnection on (quick retries, as a deploy test needs). */
export async function follow(connect: ConnectFn, url: string, sub: string, { notified = true, secret = TEST_JWT_SECRET } = {}): Promise<Follower> {
  const socket = connect(`${url}/chat`, {
    transports: ['websocket'],
    forceNew: true,
    auth: { token: signJwt({ sub }, secret) },
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
  });
  const follower: Follower = { sub, socket, roomMessages: [], notifications: [], reconnections: [], outages: [], presenceDiffs: [], notified };
  socket.on('roomMessage', (message: { text: string }) => follower.roomMessages.push(Number(message.text.slice(1))));
  socket.on('notification', (notification: { message: string }) => follower.notifications.push(Number(notification.message.slice(1))));
  socket.on('presenceDiff', (diff: unknown) => follower.presenceDiffs.push(diff));
  socket.on('disconnect', () => follower.outages.push({ from: Date.now() }));
  let first = true;
  socket.on('connect', () => {
    if (!first) {
      follower.reconnections.push(socket.recovered);
      follower.outages[follower.outages.length - 1].to = Date.now();
    }
    first = false;
  });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const joined = await socket.timeout(5000).emitWithAck('joinRoom', { room: ROOM });
  if (!joined.ok) throw new Error(`${sub} could not join ${ROOM}: ${JSON.stringify(joined)}`);
  return follower;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A steady stream, one room message and one notification per follower every `intervalMs`: the
 * publisher sends `#n` to the room and POSTs `#n` for each follower to /notifications, each time
 * until it is acknowledged (a request refused or cut by a draining instance ran no handler, so
 * sending it again cannot deliver it twice; one that timed out, after `timeoutMs`, may have run).
 * `failures` name what was sent again and why (`room #3: …`, `notification #3 to user-1: …`).
 * `stop()` resolves with how many of each were sent.
 */
export function publish(publisher: Follower, url: string, followers: string[], intervalMs = 100, { timeoutMs = 3000 } = {}) {
  let running = true;
  const sent = { roomMessages: 0, notifications: 0, retries: 0, failures: [] as string[] };
  const untilAcknowledged = async (what: string, attempt: () => Promise<boolean>) => {
    for (;;) {
      const failure = await attempt().then(
        (acknowledged) => (acknowledged ? undefined : 'refused'),
        (error: Error) => error.message,
      );
      if (failure === undefined) return;
      sent.retries++;
      sent.failures.push(`${what}: ${failure}`);
      await pause(50);
    }
  };
  const loop = (async () => {
    while (running) {
      const n = sent.roomMessages + 1;
      await untilAcknowledged(`room #${n}`, async () => (await publisher.socket.timeout(timeoutMs).emitWithAck('roomMessage', { room: ROOM, text: `#${n}` })).ok === true);
      sent.roomMessages = n;
      await Promise.all(
        followers.map((userId) =>
          untilAcknowledged(`notification #${n} to ${userId}`, async () => {
            const response = await fetch(`${url}/notifications`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', connection: 'close' },
              body: JSON.stringify({ userId, message: `#${n}` }),
              signal: AbortSignal.timeout(timeoutMs),
            });
            return response.status === 202;
          }),
        ),
      );
      sent.notifications = n;
      await pause(intervalMs);
    }
  })();
  return {
    sent,
    async stop() {
      running = false;
      await loop;
      return sent;
    },
  };
}

/** What the followers received of `count` numbered messages: each must have 1..count once, in order. */
export function deliveryReport(followers: Follower[], count: { roomMessages: number; notifications: number }) {
  const check = (received: number[], expected: number) => {
    const seen = new Set(received);
    return {
      lost: expected - [...seen].filter((n) => n >= 1 && n <= expected).length,
      duplicated: received.length - seen.size,
      outOfOrder: received.filter((n, i) => i > 0 && n < received[i - 1]).length,
    };
  };
  const expected = followers.reduce((sum, follower) => sum + count.roomMessages + (follower.notified ? count.notifications : 0), 0);
  const perFollower = followers.map((follower) => ({
    sub: follower.sub,
    roomMessages: check(follower.roomMessages, count.roomMessages),
    notifications: check(follower.notifications, follower.notified ? count.notifications : 0),
  }));
  const total = (key: 'lost' | 'duplicated' | 'outOfOrder') =>
    perFollower.reduce((sum, report) => sum + report.roomMessages[key] + report.notifications[key], 0);
  const outages = followers.flatMap((follower) => follower.outages.filter((outage) => outage.to !== undefined).map((outage) => outage.to! - outage.from));
  return {
    lost: total('lost'),
    duplicated: total('duplicated'),
    outOfOrder: total('outOfOrder'),
    expected,
    disconnectedNow: followers.filter((follower) => !follower.socket.connected).map((follower) => follower.sub),
    reconnections: followers.reduce((sum, follower) => sum + follower.reconnections.length, 0),
    notRecovered: followers.reduce((sum, follower) => sum + follower.reconnections.filter((recovered) => !recovered).length, 0),
    presenceDiffs: followers.reduce((sum, follower) => sum + follower.presenceDiffs.length, 0),
    outagesMs: outages.sort((a, b) => a - b),
    perFollower,
  };
}

/** Instances of one built app behind a balancer; an instance can be restarted in its slot. */
export interface Cluster {
  balancer: Balancer;
  instances: RunningApp[];
  /** Stops the instance in `slot` (SIGTERM: it drains; SIGKILL: it dies); resolves with how long it took to exit, and how. */
  stop(slot: number, signal?: 'SIGTERM' | 'SIGKILL'): Promise<{ exitMs: number; exitReason: string | undefined }>;
  /** Starts the instance in `slot` again and puts it back behind the balancer. */
  start(slot: number): Promise<void>;
  /** `stop`, then `start`. */
  restart(slot: number, signal?: 'SIGTERM' | 'SIGKILL'): Promise<{ exitMs: number; exitReason: string | undefined }>;
  close(): Promise<void>;
}

export async function startCluster(app: string, env: NodeJS.ProcessEnv, size = 2): Promise<Cluster> {
  const instances: RunningApp[] = [];
  for (let slot = 0; slot < size; slot++) instances.push(await startApp(app, env));
  const balancer = await startBalancer(instances.map((instance) => instance.port));
  const cluster: Cluster = {
    balancer,
    instances,
    async stop(slot, signal = 'SIGTERM') {
      const started = Date.now();
      if (signal === 'SIGKILL') process.kill(instances[slot].pid, 'SIGKILL');
      await instances[slot].stop();
      return { exitMs: Date.now() - started, exitReason: instances[slot].exitReason() };
    },
    async start(slot) {
      instances[slot] = await startApp(app, env);
      balancer.backends = instances.map((instance) => instance.port);
    },
    async restart(slot, signal) {
      const stopped = await cluster.stop(slot, signal);
      await cluster.start(slot);
      return stopped;
    },
    async close() {
      await balancer.close();
      await Promise.all(instances.map((instance) => instance.stop()));
    },
  };
  return cluster;
}
