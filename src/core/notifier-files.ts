import { logging } from '@angular-devkit/core';
import { SchematicContext, Tree } from '@angular-devkit/schematics';
import { posix } from 'node:path';
import { findTargetModule, moduleClassName, served } from './ast/modules';
import { GatewayClass } from './ast/gateways';
import { besideGatewayVariables, blocksAppliedTo, namespaceServed } from './blocks';
import { NamespaceTypes, contractImport, gatewayTypes } from './contract';
import type { Conventions } from './conventions';
import { renderTemplate } from './generate';
import { clientInterface, existingClient, refreshGeneratedFile } from './gateway-files';
import { e2eAppVariables } from './http-platform';
import { layoutFor } from './layout';
import { Location, relativeImport, resolveLocation } from './naming';
import { ClassRef, importFrom } from './pieces';
import type { RunContext } from './run';
import { sharedRedisImport, sharedStreamEmitterImport } from './shared';

/** The notifier's e2e spec: on socket.io-client, or on the namespace's typed client once it has one. */
const E2E_SPEC_FOLDER = 'notifier/e2e';
const E2E_CLIENT_SPEC_FOLDER = 'notifier/e2e-client';
const E2E_SPEC_TEMPLATE = '__fileName__.notifier.e2e-spec.ts.template';

/**
 * How a process that serves no sockets (a worker) reaches the clients, per adapter kind:
 * socket.io's Redis emitter speaks the pub/sub adapter's protocol; the streams adapter reads
 * entries the app's stream emitter appends to its stream; nothing reaches the sharded adapter.
 */
export type WorkerPath = 'emitter' | 'stream' | undefined;
export const WORKER_PATHS: Record<Conventions['adapter']['kind'], WorkerPath> = { pubsub: 'emitter', streams: 'stream', sharded: undefined };

/** Where a gateway's notifier and its specs go, and what their templates interpolate. */
export interface NotifierFiles {
  location: Location;
  /** Workspace paths without extension. */
  notifierFile: string;
  e2eFile: string;
  modulePath?: string;
  moduleName?: string;
  types: NamespaceTypes;
  workerPath: WorkerPath;
  /** The typed client of the gateway's namespace, if the app has it now. */
  client: ClassRef | undefined;
  variables: Record<string, unknown>;
  /** The e2e spec's template folder and the values for it, with or without the typed client. */
  e2eSpec(client: ClassRef | undefined): { folder: string; template: string; variables: Record<string, unknown> };
}

/**
 * The notifier of `gateway` named `name` (the gateway's own name by default), for the namespace the
 * gateway serves. Used by `notifier` to write it, and by `client` to bring its e2e spec onto the client.
 */
export function notifierFiles(
  tree: Tree,
  context: Pick<SchematicContext, 'logger'>,
  run: RunContext,
  gateway: GatewayClass,
  options: { name?: string; module?: string; skipImport?: boolean; specFileSuffix?: string },
): NotifierFiles {
  const { app, conventions } = run;
  const directory = posix.dirname(gateway.path);
  const gatewayBase = posix.basename(gateway.path, '.gateway.ts');
  const location = resolveLocation(options.name ?? gatewayBase, { sourceRoot: directory, flat: true });
  const notifierFile = `${directory}/${location.fileName}.notifier`;
  const namespace = namespaceServed(context, gateway, { fallback: location.fileName, file: notifierFile });
  const workerPath = WORKER_PATHS[conventions.adapter.kind];
  const modulePath = options.skipImport ? undefined : findTargetModule(tree, { directory, sourceRoot: app.sourceRoot, importSuffix: app.importSuffix, module: options.module, beside: served(gateway) });
  const moduleName = modulePath && moduleClassName(tree, modulePath);
  const e2eFile = posix.join(app.e2eRoot, gatewayGroup(app.sourceRoot, directory, gatewayBase), `${location.fileName}.notifier.e2e-spec`);
  // Typed by the namespace's contract, to which the notifier adds `notification`.
  const types = gatewayTypes(gateway, namespace ?? '/');
  const namespacePath = (namespace ?? '').replace(/^\//, '');
  const variables = {
    fileName: location.fileName,
    className: location.className,
    ...besideGatewayVariables(tree, run, { file: notifierFile, namespace, types, specFileSuffix: options.specFileSuffix }),
    emitterNamespace: `/${namespacePath}`,
    namespacePath,
    auth: conventions.auth.enabled,
    workerPath,
    adapterKind: conventions.adapter.kind,
    contractName: types.typeName,
    // `async toUser<E extends keyof ChatServerEvents>(`, and the like, as Prettier lays them out.
    methodHead: (head: string) => layoutFor(tree).genericHead('  ', head, `E extends keyof ${types.typeName}ServerEvents`),
    contractFromUnit: contractImport(app, types, notifierFile),
    sharedRedisFromUnit: sharedRedisImport(app, conventions, notifierFile),
    sharedStreamEmitterFromUnit: sharedStreamEmitterImport(app, conventions, notifierFile),
    notifierFromE2e: relativeImport(e2eFile, notifierFile, app.importSuffix),
    platform: e2eAppVariables(app.httpPlatform, '    '),
    module: moduleName && modulePath && { name: moduleName, fromE2e: relativeImport(e2eFile, modulePath.replace(/\.ts$/, ''), app.importSuffix) },
    // The gateway's handshake refuses sockets without a token: the e2e spec signs some.
    guarded: blocksAppliedTo(gateway, app, conventions).auth !== undefined,
  };
  return {
    location,
    notifierFile,
    e2eFile,
    modulePath,
    moduleName,
    types,
    workerPath,
    // The client of the gateway's own namespace: `chat.client.ts` beside `chat.gateway.ts`.
    client: existingClient(tree, { directory, fileName: types.fileName, className: types.typeName }),
    variables,
    e2eSpec: (client) => {
      const folder = client ? E2E_CLIENT_SPEC_FOLDER : E2E_SPEC_FOLDER;
      const clientVariables = client && { name: client.name, type: clientInterface(client), fromE2e: importFrom(app, e2eFile, client) };
      return { folder, template: `${folder}/${E2E_SPEC_TEMPLATE}`, variables: { ...variables, client: clientVariables } };
    },
  };
}

/**
 * After `client` wrote the client of a gateway's namespace: the e2e spec of the gateway's notifier
 * (`chat.notifier.ts` beside `chat.gateway.ts`), as `notifier` generated it, connects through the
 * client; one the team has edited is left alone, with a warning.
 */
export async function refreshNotifierSpec(tree: Tree, context: SchematicContext, run: RunContext, gateway: GatewayClass, client: ClassRef): Promise<void> {
  // Quiet: a namespace that is not a string literal was reported when the notifier was written.
  const files = notifierFiles(tree, { logger: new logging.NullLogger() }, run, gateway, {});
  const path = `${files.e2eFile}.ts`;
  if (!tree.exists(`${files.notifierFile}.ts`) || !tree.exists(path)) return;
  const render = (withClient: ClassRef | undefined) => {
    const spec = files.e2eSpec(withClient);
    return renderTemplate(spec.template, spec.variables);
  };
  await refreshGeneratedFile(tree, context, run, path, { before: render(undefined), after: render(client) }, `connect through ${client.name} from ${client.file}.ts, or leave it on socket.io-client as it is.`);
}

/** The folders the gateway's e2e spec mirrors: the gateway's folder under the source root, without its own `<name>/`. */
function gatewayGroup(sourceRoot: string, directory: string, gatewayBase: string): string {
  const folder = posix.relative(sourceRoot || '.', directory);
  const group = posix.basename(folder) === gatewayBase ? posix.dirname(folder) : folder;
  return group === '.' ? '' : group;
}
