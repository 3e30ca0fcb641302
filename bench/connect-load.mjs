// The authenticated-connection load shared by the connect, presence and memory benchmarks.
import { io } from 'socket.io-client';
import { connect, signToken } from './runtime-apps.mjs';
import { percentile, processCpuMs } from './stats.mjs';

/**
 * Opens one socket to `url` per token, `concurrency` connecting at a time, and resolves once all
 * are connected, with the sockets (left open, in the order of the tokens) and each handshake
 * latency: from creating the client to its `connect` event.
 */
export async function openSockets(url, tokens, concurrency) {
  const sockets = [];
  const latencies = [];
  let next = 0;
  const lane = async () => {
    while (next < tokens.length) {
      const index = next++;
      const at = performance.now();
      sockets[index] = await connect(url, { auth: { token: tokens[index] } });
      latencies.push(performance.now() - at);
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, lane));
  } catch (error) {
    sockets.forEach((socket) => socket?.disconnect());
    throw error;
  }
  return { sockets, latencies };
}

/**
 * Opens `connections` sockets to the server's `chat` namespace, `concurrency` at a time, each with
 * its own signed token (user `userOf(i)`); keeps them open until all are connected. Returns
 * connections/s, handshake p50/p99 and the server's CPU per connection.
 */
export async function connectAll(server, connections, concurrency, userOf = (i) => `user-${i}`) {
  const tokens = Array.from({ length: connections }, (_, i) => signToken(userOf(i)));
  const cpuBefore = processCpuMs(server.pid);
  const started = performance.now();
  const { sockets, latencies } = await openSockets(`${server.url}/chat`, tokens, concurrency);
  const seconds = (performance.now() - started) / 1000;
  const cpuMs = processCpuMs(server.pid) - cpuBefore;
  // After the figures: disconnections are not part of what is measured.
  sockets.forEach((socket) => socket.disconnect());
  return {
    connectionsPerSecond: connections / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    serverCpuUsPerConnection: (cpuMs * 1000) / connections,
  };
}

/**
 * Proof that a server which claims to authenticate does: a bad token is refused at the handshake
 * (`connect_error`) or the socket is disconnected right after connecting.
 */
export function refusesBadToken(server) {
  const socket = io(`${server.url}/chat`, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: 'not-a-jwt' } });
  return new Promise((resolve) => {
    const refused = () => {
      clearTimeout(timer);
      socket.disconnect();
      resolve(true);
    };
    const timer = setTimeout(() => {
      socket.disconnect();
      resolve(false);
    }, 2000);
    socket.once('connect_error', refused);
    socket.once('disconnect', refused);
  });
}
