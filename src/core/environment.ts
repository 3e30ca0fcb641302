import { Rule, SchematicContext, Tree } from '@angular-devkit/schematics';

/**
 * Every environment variable the generated code reads (SPEC §5.1), with the line `init` writes into
 * `.env.example`. The templates that read them: ws-guard's module (JWT_SECRET), redis-adapter's
 * adapter (REDIS_URL, REDIS_MODE) and ws-server-options (WS_*).
 */
export const ENVIRONMENT_KEYS: { name: string; example: string; comment: string }[] = [
  { name: 'JWT_SECRET', example: '', comment: 'HS256 secret of the JWTs clients send at the handshake; the app refuses to start without it when auth is on.' },
  { name: 'REDIS_URL', example: '', comment: 'redis://host:6379 shares rooms and broadcasts across instances; unset = in-memory adapter (one instance only).' },
  { name: 'REDIS_MODE', example: 'standalone', comment: 'standalone (one Redis) or cluster (a Redis Cluster: REDIS_URL lists seed nodes, comma-separated; needs the ioredis client).' },
  { name: 'WS_CORS_ORIGINS', example: 'http://localhost:4200', comment: 'Comma-separated browser origins allowed to connect (never *); clients without an Origin header are allowed.' },
  { name: 'WS_MAX_PAYLOAD_BYTES', example: '65536', comment: 'Largest message accepted, in bytes; a larger one closes that connection.' },
  { name: 'WS_PING_INTERVAL_MS', example: '25000', comment: 'Heartbeat interval.' },
  { name: 'WS_PING_TIMEOUT_MS', example: '20000', comment: 'How long without a pong before a client is considered gone.' },
  { name: 'WS_RECOVERY_WINDOW_MS', example: '120000', comment: 'How long a dropped client may take to reconnect and be recovered with the events it missed (in-memory or streams adapter).' },
  { name: 'WS_DRAIN_TIMEOUT_MS', example: '10000', comment: 'At SIGTERM or app.close(), how long draining the connections may take before the process ends anyway.' },
];

const ENV_EXAMPLE = '/.env.example';
// `KEY=`, `export KEY=` and commented-out `# KEY=` all count as present: a key is never written twice.
const DECLARED_KEY = /^\s*#?\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/;

/** Appends the keys `.env.example` lacks (creating it when absent); never edits the lines already there. */
export function addEnvironmentExample(): Rule {
  return (tree: Tree, context: SchematicContext) => {
    const existing = tree.exists(ENV_EXAMPLE) ? tree.readText(ENV_EXAMPLE) : undefined;
    const declared = new Set((existing ?? '').split('\n').map((line) => DECLARED_KEY.exec(line)?.[1]));
    const missing = ENVIRONMENT_KEYS.filter((key) => !declared.has(key.name));
    if (missing.length === 0) return;
    const lines = missing.flatMap((key) => [`# ${key.comment}`, `${key.name}=${key.example}`]);
    const block = ['# realtime-schematics (socket.io)', ...lines].join('\n') + '\n';
    if (existing === undefined) {
      tree.create(ENV_EXAMPLE, block);
    } else {
      const separator = existing === '' ? '' : existing.endsWith('\n') ? '\n' : '\n\n';
      tree.overwrite(ENV_EXAMPLE, existing + separator + block);
    }
    context.logger.debug(`.env.example: added ${missing.map((key) => key.name).join(', ')}`);
  };
}
