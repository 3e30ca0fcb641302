/**
 * A loopback TCP load balancer for the deploy tests, the demo and the benchmarks (SPEC §5.10): it
 * forwards each connection to the next backend, round-robin, skipping a backend that refuses (an
 * instance that is draining or not started yet), as a real balancer's health check would. It can
 * cut the connections it carries (a network drop) and refuse new ones for a while (a network out).
 * Node built-ins only (see scripts/load-app-helpers.mjs).
 */
import * as net from 'node:net';

export interface Balancer {
  port: number;
  url: string;
  /** The backends' ports, in round-robin order; replace them at any time. */
  backends: number[];
  /** Connections forwarded so far, per backend port. */
  forwarded: Map<number, number>;
  /** Destroys every connection it carries now (both sides), as a network drop does. */
  cut(): void;
  /** Until `ms` have passed, every new connection is dropped at once (the network is out). */
  refuseFor(ms: number): void;
  close(): Promise<void>;
}

export function startBalancer(backends: number[]): Promise<Balancer> {
  const open = new Set<net.Socket>();
  const forwarded = new Map<number, number>();
  let next = 0;
  let refusingUntil = 0;

  /** Connects to the first backend, from the next in turn, that accepts. */
  const connectUpstream = (attempt = 0): Promise<{ upstream: net.Socket; port: number } | undefined> => {
    if (attempt >= balancer.backends.length) return Promise.resolve(undefined);
    const port = balancer.backends[next++ % balancer.backends.length];
    return new Promise((resolve) => {
      const upstream = net.connect(port, '127.0.0.1');
      upstream.once('connect', () => resolve({ upstream, port }));
      upstream.once('error', () => resolve(connectUpstream(attempt + 1)));
    });
  };

  const server = net.createServer((downstream) => {
    if (Date.now() < refusingUntil) {
      downstream.destroy();
      return;
    }
    downstream.pause();
    open.add(downstream);
    downstream.once('close', () => open.delete(downstream));
    downstream.on('error', () => downstream.destroy());
    void connectUpstream().then((connection) => {
      if (!connection || downstream.destroyed) {
        connection?.upstream.destroy();
        downstream.destroy();
        return;
      }
      const { upstream, port } = connection;
      forwarded.set(port, (forwarded.get(port) ?? 0) + 1);
      open.add(upstream);
      upstream.once('close', () => {
        open.delete(upstream);
        downstream.destroy();
      });
      upstream.on('error', () => upstream.destroy());
      downstream.once('close', () => upstream.destroy());
      downstream.pipe(upstream);
      upstream.pipe(downstream);
      downstream.resume();
    });
  });

  const balancer: Balancer = {
    port: 0,
    url: '',
    backends: [...backends],
    forwarded,
    cut() {
      for (const socket of [...open]) socket.destroy();
    },
    refuseFor(ms) {
      refusingUntil = Date.now() + ms;
    },
    close() {
      balancer.cut();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      balancer.port = (server.address() as net.AddressInfo).port;
      balancer.url = `http://127.0.0.1:${balancer.port}`;
      resolve(balancer);
    });
  });
}
