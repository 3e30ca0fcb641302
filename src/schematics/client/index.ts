import { SchematicContext, SchematicsException, Tree, chain, noop } from '@angular-devkit/schematics';
import { posix } from 'node:path';
import { findGateway } from '../../core/ast/gateways';
import { blocksAppliedTo, namespaceServed } from '../../core/blocks';
import { contractImport, gatewayTypes } from '../../core/contract';
import { addDependencies } from '../../core/dependencies';
import { writeTemplates } from '../../core/generate';
import { clientPiece, refreshGatewaySpecs } from '../../core/gateway-files';
import { layoutFor } from '../../core/layout';
import { refreshNotifierSpec } from '../../core/notifier-files';
import { resolveLocation } from '../../core/naming';
import { realtimeSchematic } from '../../core/run';
import type { ClientOptions } from './schema';

/**
 * `<name>.client.ts` beside the gateway: a typed socket.io-client wrapper built on the namespace's
 * contract only, so a front end can copy it with the contract. The gateway's generated e2e spec
 * is brought up to date to use it.
 */
export const client = realtimeSchematic<ClientOptions>((options, run) => (tree: Tree, context: SchematicContext) => {
  const { app, conventions } = run;
  const gatewayName = options.gateway ?? options.name;
  if (!gatewayName) throw new SchematicsException('A name is required, e.g. `client chat` or `client --gateway chat`.');
  const gateway = findGateway(tree, app.sourceRoot, gatewayName);
  const directory = posix.dirname(gateway.path);
  const location = resolveLocation(options.name ?? posix.basename(gatewayName), { sourceRoot: directory, flat: true });
  const clientFile = `${directory}/${location.fileName}.client`;
  const namespace = namespaceServed(context, gateway, { fallback: location.fileName, file: clientFile, setIn: 'the URL' });
  const types = gatewayTypes(gateway, namespace ?? '/');
  if (!tree.exists(`${types.contractFile}.ts`)) {
    throw new SchematicsException(
      `${types.contractFile}.ts not found: the client is typed by the gateway's contract. Generate the gateway with realtime-schematics (or write its contract by hand) first; nothing was written.`,
    );
  }
  const variables = {
    ...location,
    contractName: types.typeName,
    namespaceLabel: namespace ?? '/',
    namespacePath: `/${(namespace ?? '').replace(/^\//, '')}`,
    contractFromUnit: contractImport(app, types, clientFile),
    layout: layoutFor(tree),
  };
  const blocks = blocksAppliedTo(gateway, app, conventions);
  const generated = clientPiece(location, clientFile);
  const specFileSuffix = options.specFileSuffix ?? 'spec';

  return chain([
    writeTemplates({ folder: 'client/files', destination: directory, variables }, { kind: 'owned', force: options.force ?? false }),
    // The gateway's e2e spec connects through its own namespace's client (`chat.client.ts` for `chat.gateway.ts`).
    // So does the e2e spec of its notifier (`chat.notifier.ts`).
    location.fileName !== types.fileName
      ? noop()
      : async (after: Tree) => {
          await refreshGatewaySpecs(after, context, run, gateway, {
            before: { ...blocks, client: undefined },
            after: { ...blocks, client: generated },
            specFileSuffix,
            needs: `connect through ${generated.name} from ${clientFile}.ts, or leave it on socket.io-client as it is.`,
          });
          await refreshNotifierSpec(after, context, run, gateway, generated);
        },
    addDependencies([{ name: 'socket.io-client', dev: true }]),
  ]);
});
