import { SchematicContext, Tree } from '@angular-devkit/schematics';
import { posix } from 'node:path';
import { AppContext } from './app-context';
import { GatewayClass } from './ast/gateways';
import { GatewayBlocks } from './blocks';
import { Conventions } from './conventions';
import { formatAsCreated } from './format';
import { e2eAppVariables } from './http-platform';
import { renderTemplate } from './generate';
import { isUntouched, readLedger } from './ledger';
import { layoutFor } from './layout';
import { Location, relativeImport, resolveLocation } from './naming';
import { ClassRef, importFrom } from './pieces';
import type { RunContext } from './run';
import { sharedImports } from './shared';

const UNIT_SPEC_TEMPLATE = 'gateway/files/__fileName__.gateway.__specFileSuffix__.ts.template';
const E2E_SPEC_TEMPLATE = 'gateway/e2e/__fileName__.gateway.e2e-spec.ts.template';
/** The e2e spec of a gateway whose namespace has a typed client: it connects with the client. */
const E2E_CLIENT_SPEC_TEMPLATE = 'gateway/e2e-client/__fileName__.gateway.e2e-spec.ts.template';

/** The e2e spec template for the blocks applied: with the typed client when there is one. */
function e2eSpecTemplate(blocks: GatewayBlocks): string {
  return blocks.client ? E2E_CLIENT_SPEC_TEMPLATE : E2E_SPEC_TEMPLATE;
}

/** The typed client of a gateway's namespace, as `client --gateway` names it: `chat.client.ts` beside `chat.gateway.ts`, `createChatClient`. */
export function clientPiece(location: Pick<Location, 'className'>, file: string): ClassRef {
  return { name: `create${location.className}Client`, file };
}

/** The interface the client's factory returns: `createChatClient` → `ChatClient`. */
export function clientInterface(client: ClassRef): string {
  return client.name.replace(/^create/, '');
}

/** The gateway's typed client, when the app has it where `client` writes it. */
export function existingClient(tree: Tree, location: Pick<Location, 'directory' | 'fileName' | 'className'>): ClassRef | undefined {
  const file = `${location.directory}/${location.fileName}.client`;
  return tree.exists(`${file}.ts`) ? clientPiece(location, file) : undefined;
}

/** Where the gateway schematic writes a gateway's e2e spec: the app's test folder, mirroring the source folders. */
export function gatewayE2eFile(app: AppContext, location: Pick<Location, 'group' | 'fileName'>): string {
  return posix.join(app.e2eRoot, location.group, `${location.fileName}.gateway.e2e-spec`);
}

/** Every value the gateway's templates interpolate, for the blocks applied to it. */
export function gatewayTemplateVariables(
  tree: Tree,
  app: AppContext,
  conventions: Conventions,
  location: Location,
  blocks: GatewayBlocks,
  specFileSuffix: string,
): Record<string, unknown> {
  const gatewayFile = `${location.directory}/${location.fileName}.gateway`;
  const e2eFile = gatewayE2eFile(app, location);
  const { auth, filter, client } = blocks;
  return {
    ...location,
    namespace: location.fileName,
    importSuffix: app.importSuffix,
    specFileSuffix,
    messageMaxLength: conventions.gateway.messageMaxLength,
    layout: layoutFor(tree),
    ...sharedImports(app, conventions, gatewayFile),
    gatewayFromE2e: relativeImport(e2eFile, gatewayFile, app.importSuffix),
    platform: e2eAppVariables(app.httpPlatform, '    '),
    auth: auth && {
      middleware: { name: auth.middleware.name, fromUnit: importFrom(app, gatewayFile, auth.middleware) },
      module: { name: auth.module.name, fromE2e: importFrom(app, e2eFile, auth.module) },
    },
    filter: filter !== undefined,
    client: client && { name: client.name, fromE2e: importFrom(app, e2eFile, client) },
  };
}

/**
 * The location the gateway schematic derived for a gateway found in the app, if it follows the
 * schematic's naming (`<name>.gateway.ts` holding `<Name>Gateway`, in `<name>/` or flat).
 */
function generatedLocation(app: AppContext, gateway: GatewayClass): Location | undefined {
  const fileName = posix.basename(gateway.path, '.gateway.ts');
  const directory = posix.dirname(gateway.path);
  const flat = posix.basename(directory) !== fileName;
  const folder = posix.relative(app.sourceRoot || '.', flat ? directory : posix.dirname(directory));
  // Derived by the same naming the gateway schematic used, then held against what the file says.
  let location: Location;
  try {
    location = resolveLocation(fileName, { sourceRoot: app.sourceRoot, path: folder === '.' ? '' : folder, flat });
  } catch {
    return undefined; // a name the schematic would not have accepted (`chat.v2.gateway.ts`): not its output
  }
  return `${location.className}Gateway` === gateway.className && location.directory === directory ? location : undefined;
}

/**
 * After a building block changed a gateway (`ws-guard --gateway`, `ws-filter --gateway`), its
 * generated specs are brought up to date: a spec still as the gateway schematic wrote it (see
 * refreshGeneratedFile) is rewritten for the blocks applied `after`. A spec the team has
 * edited is theirs: it is left alone and named in a warning with what it now needs.
 */
export async function refreshGatewaySpecs(
  tree: Tree,
  context: SchematicContext,
  run: RunContext,
  gateway: GatewayClass,
  change: { before: GatewayBlocks; after: GatewayBlocks; specFileSuffix: string; needs: string },
): Promise<void> {
  const location = generatedLocation(run.app, gateway);
  if (!location) return;
  // The client is no decorator: the blocks read from the gateway do not say, the app's files do.
  const client = existingClient(tree, location);
  const before: GatewayBlocks = { client, ...change.before };
  const after: GatewayBlocks = { client, ...change.after };
  const unchanged = (['auth', 'filter', 'client'] as const).every((block) => Boolean(before[block]) === Boolean(after[block]));
  if (unchanged) return;
  const render = (template: (blocks: GatewayBlocks) => string, blocks: GatewayBlocks) =>
    renderTemplate(template(blocks), gatewayTemplateVariables(tree, run.app, run.conventions, location, blocks, change.specFileSuffix));
  const specs = [
    { path: `${location.directory}/${location.fileName}.gateway.${change.specFileSuffix}.ts`, template: () => UNIT_SPEC_TEMPLATE },
    { path: `${gatewayE2eFile(run.app, location)}.ts`, template: e2eSpecTemplate },
  ];
  for (const spec of specs.filter(({ path }) => tree.exists(path))) {
    await refreshGeneratedFile(tree, context, run, spec.path, { before: render(spec.template, before), after: render(spec.template, after) }, change.needs);
  }
}

/**
 * A generated file brought up to date after what it is generated from changed: still exactly as
 * rendered `before` (written earlier in this run) or untouched since the run the ledger recorded it
 * from, and not already as rendered `after`, it is rewritten so, which this run's formatting then formats. A file the
 * team has edited is theirs: it is left alone and named in a warning with what it now `needs`.
 */
export async function refreshGeneratedFile(
  tree: Tree,
  context: SchematicContext,
  run: RunContext,
  path: string,
  rendered: { before: string; after: string },
  needs: string,
): Promise<void> {
  const current = tree.readText(path);
  // As the app's Prettier config formats it at the end of the run (an earlier run's file was).
  const isRendered = async (text: string) => current === text || current === (await formatAsCreated(path, text, { format: run.format }));
  if (await isRendered(rendered.after)) return;
  if (current === rendered.before || isUntouched(readLedger(tree), path, current)) {
    tree.overwrite(path, rendered.after);
  } else {
    context.logger.warn(`WARNING ${path} was edited since it was generated, so it was left as it is: ${needs}`);
  }
}
