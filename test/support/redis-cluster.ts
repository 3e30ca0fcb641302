/**
 * A Redis Cluster of the test's own: six `redis-server` nodes on free loopback ports (three masters,
 * a replica each), created with `redis-cli --cluster create`, each in its own temp folder; and what
 * a test does to it (a planned failover, a node stopped, a slot migrated). Node built-ins only (see
 * scripts/load-app-helpers.mjs).
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './processes';

const NODES = 6;
/** How long a node takes to be declared failed; small, so a test's failover is quick. */
const NODE_TIMEOUT_MS = 2_000;

export interface ClusterNode {
  port: number;
  url: string;
}

export interface OwnRedisCluster {
  nodes: ClusterNode[];
  /** Every node's URL, comma-separated: REDIS_URL for REDIS_MODE=cluster. */
  seeds: string;
  /** `CLUSTER KEYSLOT` of a key (or channel). */
  slotOf(key: string): number;
  /** The node serving a slot as master now. */
  masterOf(slot: number): ClusterNode;
  /**
   * A planned failover of the master serving `slot` (`CLUSTER FAILOVER` on its replica), then the
   * old master stopped; resolves once the replica is master and the cluster reports ok. Returns the
   * moment the command was sent (what SPEC §5.6 counts from) and the node stopped.
   */
  failOver(slot: number): Promise<{ sentAt: number; stopped: ClusterNode }>;
  /** Moves `slot` (its keys included) to another master; resolves with the new owner. */
  migrate(slot: number): Promise<ClusterNode>;
  /** Starts again a node stopped by failOver (it rejoins as a replica). */
  restart(node: ClusterNode): Promise<void>;
  stop(): Promise<void>;
}

export async function startOwnRedisCluster(): Promise<OwnRedisCluster> {
  const folder = mkdtempSync(join(tmpdir(), 'redis-cluster-'));
  const servers = new Map<number, ChildProcess>();
  const nodes: ClusterNode[] = [];
  const startNode = async (port: number) => {
    const dir = join(folder, String(port));
    execFileSync('mkdir', ['-p', dir]);
    const server = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf',
        '--cluster-node-timeout', String(NODE_TIMEOUT_MS), '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: 'ignore' },
    );
    servers.set(port, server);
    await waitFor(() => cli(port, 'ping') === 'PONG', `redis-server on port ${port} did not answer PING`);
  };
  const stopNode = async (port: number) => {
    const server = servers.get(port);
    if (!server || server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  };
  const stop = async () => {
    for (const port of servers.keys()) await stopNode(port);
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < NODES; i++) {
      const port = await freePort();
      nodes.push({ port, url: `redis://127.0.0.1:${port}` });
      await startNode(port);
    }
    execFileSync('redis-cli', ['--cluster', 'create', ...nodes.map((node) => `127.0.0.1:${node.port}`), '--cluster-replicas', '1', '--cluster-yes'], {
      stdio: 'ignore',
    });
    await clusterOk(nodes);
  } catch (error) {
    await stop();
    throw error;
  }

  const running = () => nodes.filter((node) => servers.get(node.port)?.exitCode === null && !servers.get(node.port)?.signalCode);
  const byPort = (port: number) => nodes.find((node) => node.port === port)!;
  const masterOf = (slot: number): ClusterNode => {
    const asker = running()[0];
    const shards = JSON.parse(execFileSync('redis-cli', ['-p', String(asker.port), '--json', 'cluster', 'slots'], { encoding: 'utf8' })) as [number, number, [string, number]][];
    const shard = shards.find(([from, to]) => from <= slot && slot <= to);
    if (!shard) throw new Error(`no master serves slot ${slot}`);
    return byPort(shard[2][1]);
  };
  const nodeId = (port: number) => cli(port, 'cluster', 'myid');

  return {
    nodes,
    seeds: nodes.map((node) => node.url).join(','),
    slotOf: (key) => Number(cli(running()[0].port, 'cluster', 'keyslot', key)),
    masterOf,
    async failOver(slot) {
      const master = masterOf(slot);
      const id = nodeId(master.port);
      const replica = running().find((node) => cli(node.port, 'cluster', 'myid') !== id && cli(node.port, 'role').startsWith('slave') && replicaOf(node.port) === master.port);
      if (!replica) throw new Error(`no replica of 127.0.0.1:${master.port}`);
      const sentAt = Date.now();
      cli(replica.port, 'cluster', 'failover');
      await waitFor(() => cli(replica.port, 'role').startsWith('master'), `127.0.0.1:${replica.port} did not become master`);
      await stopNode(master.port);
      await clusterOk(running());
      return { sentAt, stopped: master };
    },
    async migrate(slot) {
      const from = masterOf(slot);
      const masters = running().filter((node) => cli(node.port, 'role').startsWith('master'));
      const to = masters.find((node) => node.port !== from.port)!;
      const [fromId, toId] = [nodeId(from.port), nodeId(to.port)];
      // The steps of redis-cli --cluster reshard for one slot (see CLUSTER SETSLOT's documentation).
      cli(to.port, 'cluster', 'setslot', String(slot), 'importing', fromId);
      cli(from.port, 'cluster', 'setslot', String(slot), 'migrating', toId);
      for (;;) {
        const keys = cli(from.port, 'cluster', 'getkeysinslot', String(slot), '100').split('\n').filter(Boolean);
        if (keys.length === 0) break;
        cli(from.port, 'migrate', '127.0.0.1', String(to.port), '', '0', '5000', 'keys', ...keys);
      }
      for (const node of masters) cli(node.port, 'cluster', 'setslot', String(slot), 'node', toId);
      await clusterOk(running());
      return to;
    },
    async restart(node) {
      await startNode(node.port);
      await clusterOk(running());
    },
    stop,
  };
}

/** True when a `redis-server` binary of Redis 7 or later (sharded pub/sub) is on the PATH. */
export function redisClusterAvailable(): boolean {
  try {
    const version = /v=(\d+)/.exec(execFileSync('redis-server', ['--version'], { encoding: 'utf8' }))?.[1];
    return Number(version) >= 7;
  } catch {
    return false;
  }
}

function cli(port: number, ...args: string[]): string {
  return execFileSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function replicaOf(port: number): number {
  return Number(/master_port:(\d+)/.exec(cli(port, 'info', 'replication'))?.[1]);
}

async function clusterOk(nodes: ClusterNode[]): Promise<void> {
  await waitFor(
    () => nodes.every((node) => cli(node.port, 'cluster', 'info').includes('cluster_state:ok')),
    'the cluster did not report cluster_state:ok',
  );
}

async function waitFor(condition: () => boolean, failure: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (condition()) return;
    } catch {
      // not answering yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(failure);
}
