import { SchematicsException, Tree } from '@angular-devkit/schematics';
import { posix } from 'node:path';
import * as ts from 'typescript';
import { Edit, appendToList, combineEdits, indentationOf, manualStep, noEdit, parseSourceFile } from './edits';
import { addImport, findImportedName } from './imports';

/** A gateway class found in the app: where it is and what its decorator says. */
export interface GatewayClass {
  path: string;
  source: ts.SourceFile;
  node: ts.ClassDeclaration;
  className: string;
  /**
   * The namespace given in `@WebSocketGateway()`: a string, `undefined` for the main namespace,
   * or `null` when it is not a literal (a constant, a regex) and cannot be read safely.
   */
  namespace: string | undefined | null;
}

/**
 * Finds the gateway named `name` (`chat`, or `admin/chat`) under the source root: the
 * `<name>.gateway.ts` file holding a `@WebSocketGateway()` class. Where the gateway schematic puts
 * it (`<name>/<base>.gateway.ts`, or flat `<name>.gateway.ts`) is looked up directly, and that
 * exact path wins over same-named files elsewhere; only a gateway kept somewhere else is searched
 * for. Not found, or found twice by the search, is an error naming what was looked for.
 */
export function findGateway(tree: Tree, sourceRoot: string, name: string): GatewayClass {
  const segments = name.replace(/\\/g, '/').split('/').filter(Boolean);
  const base = segments.pop()!;
  const fileName = `${base}.gateway.ts`;
  // A name climbing out of the source root (`../x`) is left to the search, which stays inside it.
  const ownPaths = segments.includes('..') ? [] : [posix.join(sourceRoot, ...segments, base, fileName), posix.join(sourceRoot, ...segments, fileName)];
  const atOwnPath = ownPaths.find((path) => tree.exists(path));
  const matches = atOwnPath ? [atOwnPath] : searchGateway(tree, sourceRoot, segments, fileName);
  if (matches.length === 0) {
    throw new SchematicsException(
      `Gateway "${name}" not found: no ${fileName} under ${sourceRoot || 'the app'}. Generate it first (realtime-schematics gateway ${name}) or pass an existing gateway's name.`,
    );
  }
  if (matches.length > 1) {
    throw new SchematicsException(`Gateway "${name}" is ambiguous (${matches.join(', ')}); give its folder, e.g. admin/${posix.basename(fileName, '.gateway.ts')}.`);
  }
  const gateway = readGatewayClass(tree, matches[0]);
  if (!gateway) {
    throw new SchematicsException(`${matches[0]} has no @WebSocketGateway() class.`);
  }
  return gateway;
}

/**
 * Every `fileName` under the source root inside the `segments` folders. This visits every file of
 * the source tree (several file-system calls each, through the devkit host), a cost that grows with
 * the app: in a 1,260-file app it was a fifth of a `gateway chat` run with rooms on, which is why
 * findGateway tries the exact paths first.
 */
function searchGateway(tree: Tree, sourceRoot: string, segments: string[], fileName: string): string[] {
  const matches: string[] = [];
  tree.getDir(sourceRoot || '/').visit((path) => {
    if (path.includes('/node_modules/')) return;
    if (posix.basename(path) === fileName && path.includes(`/${segments.join('/')}`)) matches.push(path.slice(1));
  });
  return matches;
}

function readGatewayClass(tree: Tree, path: string): GatewayClass | undefined {
  const source = parseSourceFile(tree, path);
  const decoratorName = findImportedName(source, 'WebSocketGateway', '@nestjs/websockets');
  for (const statement of source.statements) {
    if (!ts.isClassDeclaration(statement) || !statement.name) continue;
    const decorator = decoratorCall(statement, decoratorName);
    if (decorator) {
      return { path, source, node: statement, className: statement.name.text, namespace: namespaceOf(decorator) };
    }
  }
  return undefined;
}

function decoratorCall(node: ts.ClassDeclaration, name: string | undefined): ts.CallExpression | undefined {
  if (!name) return undefined;
  return ts
    .getDecorators(node)
    ?.map((decorator) => decorator.expression)
    .find((expression): expression is ts.CallExpression => ts.isCallExpression(expression) && expression.expression.getText() === name);
}

function namespaceOf(decorator: ts.CallExpression): string | undefined | null {
  // @WebSocketGateway(options) or @WebSocketGateway(port, options)
  const options = decorator.arguments.find(ts.isObjectLiteralExpression);
  if (!options) return decorator.arguments.length === 0 || ts.isNumericLiteral(decorator.arguments[0]) ? undefined : null;
  const property = options.properties.find((item) => item.name?.getText() === 'namespace');
  if (!property) return undefined;
  if (ts.isPropertyAssignment(property) && ts.isStringLiteralLike(property.initializer)) return property.initializer.text;
  return null;
}

/**
 * Adds `argument` to the class decorator `decorator` (e.g. `@UseGuards(WsAuthGuard)`): into an
 * existing one, or as a new decorator after the class's last one.
 */
export function addClassDecoratorArgument(
  gateway: GatewayClass,
  decorator: { name: string; from: string },
  argument: { name: string; from: string },
): Edit {
  const decoratorImport = addImport(gateway.source, decorator.name, decorator.from);
  const argumentImport = addImport(gateway.source, argument.name, argument.from);
  const existing = decoratorCall(gateway.node, decoratorImport.localName);
  if (existing?.arguments.some((item) => item.getText() === argumentImport.localName)) return noEdit();
  const decorators = ts.getDecorators(gateway.node) ?? [];
  const last = decorators[decorators.length - 1];
  const insertion = existing
    ? appendToList(gateway.path, existing, existing.arguments, [argumentImport.localName])
    : {
        path: gateway.path,
        position: last ? last.getEnd() : gateway.node.getStart(),
        text: last
          ? `\n${indentationOf(last)}@${decoratorImport.localName}(${argumentImport.localName})`
          : `@${decoratorImport.localName}(${argumentImport.localName})\n`,
      };
  return combineEdits(decoratorImport.edit, argumentImport.edit, { ...noEdit(), insertions: [insertion] });
}

/**
 * Installs the handshake middleware on the gateway's namespace: injects the middleware provider
 * as `property` and calls `<server>.use(this.<property>.handshake)` in `afterInit`, adding the
 * hook when the class has none. An `afterInit` without a parameter is a manual step.
 */
export function addHandshakeMiddleware(gateway: GatewayClass, middleware: { name: string; from: string }, property: string): Edit {
  const { source, node, path } = gateway;
  const members = node.members;
  const afterInit = members.find(
    (member): member is ts.MethodDeclaration => ts.isMethodDeclaration(member) && member.name.getText() === 'afterInit',
  );
  const call = `.use(this.${property}.handshake)`;
  const injected = members.some((member) => member.name?.getText() === property);
  if (injected && afterInit?.body?.getText().includes(call)) return noEdit();

  const memberIndent = members.length ? indentationOf(members[0]) : '  ';
  const openBrace = node.getChildren().find((child) => child.kind === ts.SyntaxKind.OpenBraceToken)!;
  const edits: Edit[] = [];
  let block = '';
  if (!injected) {
    const inject = addImport(source, 'Inject', '@nestjs/common');
    const type = addImport(source, middleware.name, middleware.from);
    edits.push(inject.edit, type.edit);
    block += `\n${memberIndent}@${inject.localName}(${type.localName})\n${memberIndent}private readonly ${property}!: ${type.localName};\n`;
  }
  if (!afterInit) {
    const serverType = addImport(source, gateway.namespace === undefined ? 'Server' : 'Namespace', 'socket.io', { typeOnly: true });
    edits.push(serverType.edit);
    block +=
      `\n${memberIndent}// Verified once per connection. Middleware on "/" would not protect this namespace.\n` +
      `${memberIndent}afterInit(namespace: ${serverType.localName}): void {\n` +
      `${memberIndent}  namespace${call};\n` +
      `${memberIndent}}\n`;
  } else if (!afterInit.body?.getText().includes(call)) {
    const parameter = afterInit.parameters[0]?.name;
    if (!parameter || !ts.isIdentifier(parameter) || !afterInit.body) {
      return manualStep(
        path,
        `afterInit() has no server parameter; inject ${middleware.name} as \`${property}\` and call \`namespace${call}\` in \`afterInit(namespace: Namespace)\` of ${gateway.className}.`,
      );
    }
    edits.push({ ...noEdit(), insertions: [{ path, position: afterInit.body.getStart() + 1, text: `\n${memberIndent}  ${parameter.text}${call};` }] });
  }
  if (block) edits.push({ ...noEdit(), insertions: [{ path, position: openBrace.getEnd(), text: block }] });
  return combineEdits(...edits);
}
