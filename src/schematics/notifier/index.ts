import { SchematicContext, SchematicsException, Tree, chain, noop } from '@angular-devkit/schematics';
import { posix } from 'node:path';
import { findGateway } from '../../core/ast/gateways';
import { registerInModule, served } from '../../core/ast/modules';
import { Conventions, pick } from '../../core/conventions';
import { addContractPart } from '../../core/contract';
import { DependencyRequest, WEBSOCKET_DEPENDENCIES, addDependencies } from '../../core/dependencies';
import { writeTemplates } from '../../core/generate';
import { WorkerPath, notifierFiles } from '../../core/notifier-files';
import { realtimeSchematic } from '../../core/run';
import { writeSharedRedis, writeSharedSocket, writeSharedStreamEmitter } from '../../core/shared';
import type { NotifierOptions } from './schema';

/**
 * `<name>.notifier.ts` beside the gateway, typed by the namespace's server events, provided and
 * exported by the gateway's module so any module importing it can inject the notifier.
 */
export const notifier = realtimeSchematic<NotifierOptions>((options, run) => (tree: Tree, context: SchematicContext) => {
  const { app, conventions } = run;
  const gatewayName = options.gateway ?? options.name;
  if (!gatewayName) throw new SchematicsException('A name is required, e.g. `notifier chat` or `notifier --gateway chat`.');
  const gateway = findGateway(tree, app.sourceRoot, gatewayName);
  const files = notifierFiles(tree, context, run, gateway, { ...options, name: options.name ?? posix.basename(gatewayName) });
  const { location, notifierFile, workerPath, types, variables } = files;
  const directory = posix.dirname(gateway.path);
  if (!workerPath) {
    context.logger.warn(
      `WARNING ${notifierFile}.ts: the '${conventions.adapter.kind}' Redis adapter (realtime.json adapter.kind) cannot be reached from a process that serves no sockets, so ${location.className}Notifier works only in processes that serve sockets; a worker's call rejects saying so.`,
    );
  }
  const spec = pick(options.spec, conventions.spec);
  // The e2e spec starts the gateway's module, which provides the notifier: without it there is nothing to start.
  const e2eSpec = pick(options.e2eSpec, conventions.e2eSpec) && files.moduleName !== undefined;
  // On the namespace's typed client when it has one (`client` run before), else on socket.io-client.
  const e2e = files.e2eSpec(files.client);
  const owned = { kind: 'owned', force: options.force ?? false } as const;
  const register = (key: 'providers' | 'exports') =>
    registerInModule({ key, className: `${location.className}Notifier`, file: notifierFile, directory, sourceRoot: app.sourceRoot, importSuffix: app.importSuffix, module: options.module, beside: served(gateway) });

  return chain([
    writeSharedSocket(app, conventions),
    workerPath ? writeSharedRedis(app, conventions) : noop(),
    workerPath === 'stream' ? writeSharedStreamEmitter(app, conventions) : noop(),
    addContractPart(app, conventions, types, 'notifier/contract/contract.ts.template'),
    writeTemplates({ folder: 'notifier/files', destination: directory, variables, skip: (path) => !spec && path.includes('__specFileSuffix__') }, owned),
    e2eSpec ? writeTemplates({ folder: e2e.folder, destination: posix.dirname(files.e2eFile), variables: e2e.variables }, owned) : noop(),
    options.skipImport ? noop() : chain([register('providers'), register('exports')]),
    addDependencies(notifierDependencies(conventions, { workerPath, e2eSpec })),
  ]);
});

export function notifierDependencies(conventions: Conventions, { workerPath, e2eSpec }: { workerPath: WorkerPath; e2eSpec: boolean }): DependencyRequest[] {
  const emitter: DependencyRequest[] = workerPath === 'emitter' ? [{ name: '@socket.io/redis-emitter' }] : [];
  const redis: DependencyRequest[] = workerPath ? [{ name: conventions.adapter.client }] : [];
  return [...WEBSOCKET_DEPENDENCIES, ...emitter, ...redis, ...(e2eSpec ? [{ name: 'socket.io-client' as const, dev: true }] : [])];
}
