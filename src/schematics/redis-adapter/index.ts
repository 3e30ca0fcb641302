import { Rule, SchematicContext, Tree, chain, noop } from '@angular-devkit/schematics';
import { AppContext } from '../../core/app-context';
import { applyEdits } from '../../core/ast/apply';
import { wireAdapterIntoMain } from '../../core/ast/main-file';
import { pick } from '../../core/conventions';
import { DependencyRequest, addDependencies } from '../../core/dependencies';
import { writeTemplates } from '../../core/generate';
import { layoutFor } from '../../core/layout';
import { relativeImport, resolveLocation } from '../../core/naming';
import { realtimeSchematic } from '../../core/run';
import { sharedFolder, sharedRedisImport, writeSharedRedis } from '../../core/shared';
import type { RedisAdapterOptions } from './schema';

type Kind = NonNullable<RedisAdapterOptions['kind']>;

/** Per kind: the adapter factory's import and the call that builds it from the connected clients. */
const ADAPTERS: Record<Kind, { package: DependencyRequest['name']; factory: string; call: string }> = {
  pubsub: { package: '@socket.io/redis-adapter', factory: 'createAdapter', call: 'createAdapter(pub, sub)' },
  sharded: { package: '@socket.io/redis-adapter', factory: 'createShardedAdapter', call: 'createShardedAdapter(pub, sub)' },
  streams: {
    package: '@socket.io/redis-streams-adapter',
    factory: 'createAdapter',
    call: [
      'inStreamOrder(',
      '      // A read blocked on the stream is not woken when a Redis Cluster moves its slot: it waits',
      "      // out its block (the adapter's default 5 s), so on a cluster the block is kept short.",
      '      createAdapter(pub, {',
      "        blockTimeInMs: redisMode() === 'cluster' ? 1_000 : 5_000,",
      '      }),',
      '      (error) => this.adapterLogger.error(`Cannot broadcast: ${error.message}`),',
      '    )',
    ].join('\n'),
  },
};

/** ioredis's Cluster sends SSUBSCRIBE to one node unless it keeps a subscriber per master. */
const SHARDED_IOREDIS_SUBSCRIBER = `, {
      // On a Redis Cluster: a subscriber per master, following its slots through failovers.
      shardedSubscribers: true,
    }`;

export const redisAdapter = realtimeSchematic<RedisAdapterOptions>((options, { app, conventions }) => (tree: Tree) => {
  const location = resolveLocation(options.name, { sourceRoot: sharedFolder(app, conventions), flat: true });
  const kind = pick(options.kind, conventions.adapter.kind);
  const client = pick(options.client, conventions.adapter.client);
  const adapter = ADAPTERS[kind];
  const adapterFile = `${location.directory}/${location.fileName}.adapter`;
  const variables = {
    ...location,
    kind,
    client,
    importSuffix: app.importSuffix,
    layout: layoutFor(tree),
    adapterImport: `import { ${adapter.factory} } from '${adapter.package}';`,
    closeMethod: client === 'ioredis' ? 'quit' : 'close',
    destroyMethod: client === 'ioredis' ? 'disconnect' : 'destroy',
    adapterCall: adapter.call,
    subscriberOptions: kind === 'sharded' && client === 'ioredis' ? SHARDED_IOREDIS_SUBSCRIBER : '',
    redisFromAdapter: sharedRedisImport(app, conventions, adapterFile),
    redisImports: ['createRedis', 'hostsOf', ...(kind === 'streams' ? ['redisMode'] : [])],
  };
  const owned = { kind: 'owned', force: options.force ?? false } as const;
  return chain([
    writeTemplates({ folder: 'redis-adapter/files', destination: location.directory, variables }, owned),
    // The adapter's connections come from the shared Redis helper: one Redis, or a Redis Cluster (REDIS_MODE).
    writeSharedRedis(app, { ...conventions, adapter: { ...conventions.adapter, client } }),
    // The streams kind delivers in stream order (see the file's comment), so recovery never replays twice.
    kind === 'streams' ? writeTemplates({ folder: 'redis-adapter/streams', destination: location.directory, variables }, owned) : noop(),
    options.skipImport ? noop() : wireIntoMain(app, { name: `${location.className}Adapter`, file: adapterFile, variable: location.propertyName + 'Adapter' }),
    addDependencies([{ name: '@nestjs/websockets' }, { name: '@nestjs/platform-socket.io' }, { name: 'socket.io' }, ...adapterDependencies(kind, client)]),
  ]);
});

/** The packages the adapter class of `kind` imports, beside socket.io's. */
export function adapterDependencies(kind: Kind, client: DependencyRequest['name']): DependencyRequest[] {
  return [{ name: client }, { name: ADAPTERS[kind].package }, ...(kind === 'streams' ? [{ name: 'socket.io-adapter' as const }] : [])];
}

function wireIntoMain(app: AppContext, adapter: { name: string; file: string; variable: string }): Rule {
  return (tree: Tree, context: SchematicContext) => {
    const mainPath = `${app.sourceRoot}/main.ts`;
    const from = relativeImport(mainPath, adapter.file, app.importSuffix);
    if (!tree.exists(mainPath)) {
      context.logger.warn(`WARNING ${mainPath} not found: create ${adapter.name} from '${from}' where the app is created, and pass it to app.useWebSocketAdapter().`);
      return;
    }
    applyEdits(tree, context, wireAdapterIntoMain(tree, mainPath, { name: adapter.name, from, variable: adapter.variable }));
  };
}
