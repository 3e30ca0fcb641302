import { SchematicContext, SchematicsException, Tree, chain, noop } from '@angular-devkit/schematics';
import { posix } from 'node:path';
import { findGateway } from '../../core/ast/gateways';
import { findModule, moduleClassName, registerInModule } from '../../core/ast/modules';
import { blocksAppliedTo, namespaceServed } from '../../core/blocks';
import { Conventions, pick } from '../../core/conventions';
import { DependencyRequest, WEBSOCKET_DEPENDENCIES, addDependencies } from '../../core/dependencies';
import { writeTemplates } from '../../core/generate';
import { addContractPart, contractImport, gatewayTypes } from '../../core/contract';
import { layoutFor } from '../../core/layout';
import { relativeImport, resolveLocation } from '../../core/naming';
import { realtimeSchematic } from '../../core/run';
import { sharedImports, sharedRedisImport, writeSharedRedis, writeSharedSocket } from '../../core/shared';
import type { NotifierOptions } from './schema';

/**
 * `<name>.notifier.ts` beside the gateway, typed by the namespace's server events, provided and
 * exported by the gateway's module so any module importing it can inject the notifier.
 */
export const notifier = realtimeSchematic<NotifierOptions>((options, run) => (tree: Tree, context: SchematicContext) => {
  const { app, conventions, format } = run;
  const gatewayName = options.gateway ?? options.name;
  if (!gatewayName) throw new SchematicsException('A name is required, e.g. `notifier chat` or `notifier --gateway chat`.');
  const gateway = findGateway(tree, app.sourceRoot, gatewayName);
  const directory = posix.dirname(gateway.path);
  const gatewayBase = posix.basename(gateway.path, '.gateway.ts');
  const location = resolveLocation(options.name ?? posix.basename(gatewayName), { sourceRoot: directory, flat: true });
  const notifierFile = `${directory}/${location.fileName}.notifier`;
  const namespace = namespaceServed(context, gateway, { fallback: location.fileName, file: notifierFile });
  // socket.io's Redis emitter speaks the pub/sub adapter's protocol only.
  const workerEmitter = conventions.adapter.kind === 'pubsub';
  if (!workerEmitter) {
    context.logger.warn(
      `WARNING ${notifierFile}.ts: the '${conventions.adapter.kind}' Redis adapter (realtime.json adapter.kind) cannot be reached by socket.io's Redis emitter, so ${location.className}Notifier works only in processes that serve sockets; a worker's call rejects saying so.`,
    );
  }
  const spec = pick(options.spec, conventions.spec);
  const modulePath = options.skipImport ? undefined : findModule(tree, directory, app.sourceRoot, options.module);
  const moduleName = modulePath && moduleClassName(tree, modulePath);
  // The e2e spec starts the gateway's module, which provides the notifier: without it there is nothing to start.
  const e2eSpec = pick(options.e2eSpec, conventions.e2eSpec) && moduleName !== undefined;
  const e2eFile = posix.join(app.e2eRoot, gatewayGroup(app.sourceRoot, directory, gatewayBase), `${location.fileName}.notifier.e2e-spec`);
  // Typed by the namespace's contract, to which the notifier adds `notification`.
  const types = gatewayTypes(gateway, namespace ?? '/');
  const namespacePath = (namespace ?? '').replace(/^\//, '');
  const variables = {
    fileName: location.fileName,
    className: location.className,
    namespaceLabel: namespace ?? '/',
    decoratorOptions: namespace === undefined ? '' : `{ namespace: '${namespace}' }`,
    emitterNamespace: `/${namespacePath}`,
    namespacePath,
    auth: conventions.auth.enabled,
    workerEmitter,
    adapterKind: conventions.adapter.kind,
    contractName: types.typeName,
    contractFromUnit: contractImport(app, types, notifierFile),
    eventsFromUnit: relativeImport(notifierFile, types.eventsFile, app.importSuffix),
    importSuffix: app.importSuffix,
    specFileSuffix: options.specFileSuffix ?? 'spec',
    layout: layoutFor(tree),
    ...sharedImports(app, conventions, notifierFile),
    sharedRedisFromUnit: sharedRedisImport(app, conventions, notifierFile),
    notifierFromE2e: relativeImport(e2eFile, notifierFile, app.importSuffix),
    module: moduleName && modulePath && { name: moduleName, fromE2e: relativeImport(e2eFile, modulePath.replace(/\.ts$/, ''), app.importSuffix) },
    // The gateway's handshake refuses sockets without a token: the e2e spec signs some.
    guarded: blocksAppliedTo(gateway, app, conventions).auth !== undefined,
  };
  const owned = { kind: 'owned', force: options.force ?? false, format } as const;
  const register = (key: 'providers' | 'exports') =>
    registerInModule({ key, className: `${location.className}Notifier`, file: notifierFile, directory, sourceRoot: app.sourceRoot, importSuffix: app.importSuffix, module: options.module });

  return chain([
    writeSharedSocket(app, conventions),
    workerEmitter ? writeSharedRedis(app, conventions) : noop(),
    addContractPart(app, conventions, types, 'notifier/contract/contract.ts.template'),
    writeTemplates({ folder: 'notifier/files', destination: directory, variables, skip: (path) => !spec && path.includes('__specFileSuffix__') }, owned),
    e2eSpec ? writeTemplates({ folder: 'notifier/e2e', destination: posix.dirname(e2eFile), variables }, owned) : noop(),
    options.skipImport ? noop() : chain([register('providers'), register('exports')]),
    addDependencies(notifierDependencies(conventions, { workerEmitter, e2eSpec })),
  ]);
});

/** The folders the gateway's e2e spec mirrors: the gateway's folder under the source root, without its own `<name>/`. */
function gatewayGroup(sourceRoot: string, directory: string, gatewayBase: string): string {
  const folder = posix.relative(sourceRoot || '.', directory);
  const group = posix.basename(folder) === gatewayBase ? posix.dirname(folder) : folder;
  return group === '.' ? '' : group;
}

function notifierDependencies(conventions: Conventions, { workerEmitter, e2eSpec }: { workerEmitter: boolean; e2eSpec: boolean }): DependencyRequest[] {
  const emitter: DependencyRequest[] = workerEmitter ? [{ name: '@socket.io/redis-emitter' }, { name: conventions.adapter.client }] : [];
  return [...WEBSOCKET_DEPENDENCIES, ...emitter, ...(e2eSpec ? [{ name: 'socket.io-client' as const, dev: true }] : [])];
}
