import { SchematicsException, Tree } from '@angular-devkit/schematics';
import { posix } from 'node:path';
import * as ts from 'typescript';
import { Edit, appendToList, combineEdits, indentationOf, insertIntoList, manualStep, noEdit, parseSourceFile } from './edits';
import { addImport, findImportedName, findImportedSymbol } from './imports';

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

export function readGatewayClass(tree: Tree, path: string): GatewayClass | undefined {
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
 * Where an argument goes in an existing decorator's list: right after `after`, or right before
 * `before`, when the decorator lists it; else last. Guards run in the order they are listed.
 */
export interface ArgumentPlacement {
  after?: { name: string; from: string };
  before?: { name: string; from: string };
}

/**
 * Adds `argument` to the class decorator `decorator` (e.g. `@UseGuards(WsAuthGuard)`): into an
 * existing one, where `placement` says, or as a new decorator after the class's last one.
 */
export function addClassDecoratorArgument(
  gateway: GatewayClass,
  decorator: { name: string; from: string },
  argument: { name: string; from: string },
  placement: ArgumentPlacement = {},
): Edit {
  const decoratorImport = addImport(gateway.source, decorator.name, decorator.from);
  const argumentImport = addImport(gateway.source, argument.name, argument.from);
  const existing = decoratorCall(gateway.node, decoratorImport.localName);
  if (existing?.arguments.some((item) => item.getText() === argumentImport.localName)) return noEdit();
  const decorators = ts.getDecorators(gateway.node) ?? [];
  const last = decorators[decorators.length - 1];
  const insertion = existing
    ? insertIntoList(gateway.path, existing, existing.arguments, argumentIndex(gateway, existing, placement), [argumentImport.localName])
    : {
        path: gateway.path,
        position: last ? last.getEnd() : gateway.node.getStart(),
        text: last
          ? `\n${indentationOf(last)}@${decoratorImport.localName}(${argumentImport.localName})`
          : `@${decoratorImport.localName}(${argumentImport.localName})\n`,
      };
  return combineEdits(decoratorImport.edit, argumentImport.edit, { ...noEdit(), insertions: [insertion] });
}

function argumentIndex(gateway: GatewayClass, call: ts.CallExpression, placement: ArgumentPlacement): number {
  const indexOf = (argument: { name: string; from: string } | undefined) => {
    const localName = argument && findImportedName(gateway.source, argument.name, argument.from);
    return localName ? call.arguments.findIndex((item) => item.getText() === localName) : -1;
  };
  const after = indexOf(placement.after);
  if (after >= 0) return after + 1;
  const before = indexOf(placement.before);
  return before >= 0 ? before : call.arguments.length;
}

/**
 * The classes a class decorator of the gateway lists, as imports (`@UseGuards(WsAuthGuard)` →
 * WsAuthGuard from '../realtime/ws-auth.guard.js'), in order; arguments that are not imported
 * classes (an instance, a local class) are returned in `unresolved`.
 */
export function classDecoratorArguments(
  gateway: GatewayClass,
  decorator: { name: string; from: string },
): { imported: { name: string; from: string }[]; unresolved: string[] } {
  const decoratorName = findImportedName(gateway.source, decorator.name, decorator.from);
  const call = decoratorName ? decoratorCall(gateway.node, decoratorName) : undefined;
  const imported: { name: string; from: string }[] = [];
  const unresolved: string[] = [];
  for (const argument of call?.arguments ?? []) {
    const symbol = ts.isIdentifier(argument) ? findImportedSymbol(gateway.source, argument.text) : undefined;
    if (symbol) imported.push(symbol);
    else unresolved.push(argument.getText());
  }
  return { imported, unresolved };
}

/** True when the class decorator `decorator` of the gateway already lists `argument` (e.g. `@UseGuards(WsAuthGuard)`). */
export function hasClassDecoratorArgument(gateway: GatewayClass, decorator: { name: string; from: string }, argument: { name: string; from: string }): boolean {
  const decoratorName = findImportedName(gateway.source, decorator.name, decorator.from);
  const argumentName = findImportedName(gateway.source, argument.name, argument.from);
  if (!decoratorName || !argumentName) return false;
  return decoratorCall(gateway.node, decoratorName)?.arguments.some((item) => item.getText() === argumentName) ?? false;
}

/**
 * The other handler classes of the gateway's namespace beside it (e.g. the room handler in
 * `chat.rooms.ts`): `@WebSocketGateway()` classes with the same namespace in the gateway's folder
 * and at least one `@SubscribeMessage()` handler. Guards and filters are per class in Nest, so what
 * protects the gateway must be on these too; a class without handlers (the notifier) has nothing
 * for them to guard.
 */
export function findNamespaceHandlers(tree: Tree, gateway: GatewayClass): GatewayClass[] {
  if (gateway.namespace === null) return [];
  const folder = posix.dirname(gateway.path);
  return tree
    .getDir(folder)
    .subfiles.filter((file) => file.endsWith('.ts') && !file.endsWith('spec.ts') && posix.join(folder, file) !== gateway.path)
    .sort()
    .map((file) => readGatewayClass(tree, posix.join(folder, file)))
    .filter((handler): handler is GatewayClass => handler !== undefined && handler.namespace === gateway.namespace && hasMessageHandlers(handler));
}

/** True when a method of the class is a `@SubscribeMessage()` handler. */
function hasMessageHandlers(handler: GatewayClass): boolean {
  const decoratorName = findImportedName(handler.source, 'SubscribeMessage', '@nestjs/websockets');
  return handler.node.members.some((member) =>
    (ts.canHaveDecorators(member) ? (ts.getDecorators(member) ?? []) : []).some((decorator) => ts.isCallExpression(decorator.expression) && decorator.expression.expression.getText() === decoratorName),
  );
}

/**
 * Installs the handshake middleware on the gateway's namespace: the middleware provider is injected
 * through the constructor as `property` (a parameter added to an existing constructor, or a new
 * constructor after the fields), and `afterInit` calls `<namespace>.use(this.<property>.handshake)`,
 * the hook added after the constructor when the class has none. An `afterInit` without a
 * parameter is a manual step.
 */
export function addHandshakeMiddleware(gateway: GatewayClass, middleware: { name: string; from: string }, property: string): Edit {
  const { source, node, path } = gateway;
  const members = node.members;
  const afterInit = members.find(
    (member): member is ts.MethodDeclaration => ts.isMethodDeclaration(member) && member.name.getText() === 'afterInit',
  );
  const constructorDeclaration = members.find(ts.isConstructorDeclaration);
  const call = `.use(this.${property}.handshake)`;
  const injected = constructorDeclaration?.parameters.some((parameter) => parameter.name.getText() === property) ?? false;
  if (injected && afterInit?.body?.getText().includes(call)) return noEdit();

  const memberIndent = members.length ? indentationOf(members[0]) : '  ';
  const edits: Edit[] = [];
  const type = addImport(source, middleware.name, middleware.from);
  const parameter = `private readonly ${property}: ${type.localName}`;
  // Where new members go: after the constructor, else after the last field (fields come first).
  const fields = members.filter(ts.isPropertyDeclaration);
  const anchor = constructorDeclaration ?? fields[fields.length - 1];
  const position = anchor ? anchor.getEnd() : node.getChildren().find((child) => child.kind === ts.SyntaxKind.OpenBraceToken)!.getEnd();
  const newMembers: string[] = [];
  if (!injected) {
    edits.push(type.edit);
    if (constructorDeclaration) {
      edits.push({ ...noEdit(), insertions: [appendToList(path, constructorDeclaration, constructorDeclaration.parameters, [parameter])] });
    } else {
      newMembers.push(`${memberIndent}constructor(${parameter}) {}`);
    }
  }
  if (!afterInit) {
    const serverType = addImport(source, gateway.namespace === undefined ? 'Server' : 'Namespace', 'socket.io', { typeOnly: true });
    edits.push(serverType.edit);
    newMembers.push(
      `${memberIndent}// Verified once per connection. Middleware on "/" would not protect this namespace.\n` +
        `${memberIndent}afterInit(namespace: ${serverType.localName}): void {\n` +
        `${memberIndent}  namespace${call};\n` +
        `${memberIndent}}`,
    );
  } else if (!afterInit.body?.getText().includes(call)) {
    const server = afterInit.parameters[0]?.name;
    if (!server || !ts.isIdentifier(server) || !afterInit.body) {
      return manualStep(
        path,
        `afterInit() has no server parameter; inject ${middleware.name} as \`${property}\` in the constructor and call \`namespace${call}\` in \`afterInit(namespace: Namespace)\` of ${gateway.className}.`,
      );
    }
    edits.push({ ...noEdit(), insertions: [{ path, position: afterInit.body.getStart() + 1, text: `\n${memberIndent}  ${server.text}${call};` }] });
  }
  if (newMembers.length > 0) {
    // After a member: a blank line before each new one. Right after `{`: one member per line, a blank line before the next.
    const text = anchor ? newMembers.map((member) => `\n\n${member}`).join('') : `\n${newMembers.join('\n\n')}\n`;
    edits.push({ ...noEdit(), insertions: [{ path, position, text }] });
  }
  return combineEdits(...edits);
}
