import { posix } from 'node:path';
import * as ts from 'typescript';
import { AppClass, AppSources, CheckedFile, decoratorArguments, decoratorCalls, localNameOf } from './sources';

/** A `@WebSocketGateway()` class of the app, with what its decorator says. */
export interface Gateway extends AppClass {
  decorator: ts.Decorator;
  /** The options argument, followed through constants and imports to its object literal. */
  options?: { file: CheckedFile; object: ts.ObjectLiteralExpression };
  /** `@WebSocketGateway(3001, …)`: a port of its own. */
  port?: ts.Expression;
  /** Without its leading `/` (socket.io adds it); `''` is the main namespace, `null` unreadable (a regex, a call). */
  namespace: string | null;
  /** The name `--gateway <name>` finds this gateway (or its namespace's gateway in the same folder) by; undefined when none. */
  fixName?: string;
}

/** A property of an object literal, spreads of constant objects included, with the file it is written in. */
interface ObjectProperty {
  name: string;
  node: ts.ObjectLiteralElementLike;
  value?: ts.Expression;
  file: CheckedFile;
}

/** Every gateway class of the app, in file order. */
export function findGateways(sources: AppSources): Gateway[] {
  const gateways: Gateway[] = [];
  for (const file of sources.filesMentioning('@nestjs/websockets')) {
    const decoratorName = localNameOf(file, 'WebSocketGateway', '@nestjs/websockets');
    if (!decoratorName) continue;
    for (const statement of file.source.statements) {
      if (!ts.isClassDeclaration(statement) || !statement.name) continue;
      const [decorator] = decoratorCalls(statement, decoratorName);
      if (decorator) gateways.push(readGateway(sources, { file, node: statement, name: statement.name.text }, decorator));
    }
  }
  for (const gateway of gateways) gateway.fixName = fixNameOf(gateway, gateways);
  return gateways;
}

function readGateway(sources: AppSources, appClass: AppClass, decorator: ts.Decorator): Gateway {
  const [first, second] = decoratorArguments(decorator);
  const portGiven = first !== undefined && !ts.isObjectLiteralExpression(sources.resolveValue(appClass.file, first).expression);
  const optionsArgument = portGiven ? second : first;
  const resolved = optionsArgument && sources.resolveValue(appClass.file, optionsArgument);
  const options = resolved && ts.isObjectLiteralExpression(resolved.expression) ? { file: resolved.file, object: resolved.expression } : undefined;
  const gateway: Gateway = { ...appClass, decorator, options, port: portGiven ? first : undefined, namespace: '' };
  gateway.namespace = readNamespace(sources, gateway, optionsArgument !== undefined && !options);
  return gateway;
}

function readNamespace(sources: AppSources, gateway: Gateway, unreadableOptions: boolean): string | null {
  if (unreadableOptions) return null;
  const property = gateway.options ? objectProperties(sources, gateway.options.file, gateway.options.object).find((item) => item.name === 'namespace') : undefined;
  if (!property) return '';
  if (!property.value) return null;
  const value = sources.resolveValue(property.file, property.value).expression;
  return ts.isStringLiteralLike(value) ? value.text.replace(/^\//, '') : null;
}

/**
 * The properties of an object literal as they end up in the object: spreads of constant objects
 * (`{ ...BASE_OPTIONS, namespace: 'chat' }`, in this file or imported) are expanded, later keys win.
 */
export function objectProperties(sources: AppSources, file: CheckedFile, object: ts.ObjectLiteralExpression, depth = 0): ObjectProperty[] {
  const properties: ObjectProperty[] = [];
  for (const property of object.properties) {
    if (ts.isSpreadAssignment(property)) {
      const spread = sources.resolveValue(file, property.expression);
      if (depth < 5 && ts.isObjectLiteralExpression(spread.expression)) properties.push(...objectProperties(sources, spread.file, spread.expression, depth + 1));
      continue;
    }
    const name = propertyName(property);
    if (name === undefined) continue;
    const value = ts.isPropertyAssignment(property) ? property.initializer : ts.isShorthandPropertyAssignment(property) ? property.name : undefined;
    const existing = properties.findIndex((item) => item.name === name);
    if (existing !== -1) properties.splice(existing, 1);
    properties.push({ name, node: property, value, file });
  }
  return properties;
}

export function propertyName(property: ts.ObjectLiteralElementLike): string | undefined {
  const name = property.name;
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined;
}

/**
 * `ws-guard --gateway <name>` and `ws-filter --gateway <name>` find `<name>.gateway.ts` and apply
 * to every handler class of its namespace in its folder: a room handler's fix names its gateway.
 */
function fixNameOf(gateway: Gateway, gateways: Gateway[]): string | undefined {
  const own = gatewayFileName(gateway.file.path);
  if (own) return own;
  const folder = posix.dirname(gateway.file.path);
  const mate = gateways.find(
    (other) => gatewayFileName(other.file.path) && posix.dirname(other.file.path) === folder && other.namespace === gateway.namespace && gateway.namespace !== null,
  );
  return mate && gatewayFileName(mate.file.path);
}

function gatewayFileName(path: string): string | undefined {
  return /([^/]+)\.gateway\.ts$/.exec(path)?.[1];
}

/** The gateway's class and its app base classes: decorators and hooks a base declares apply to the gateway too. */
export function classChain(sources: AppSources, appClass: AppClass): AppClass[] {
  return [appClass, ...sources.baseClasses(appClass)];
}

/** The packages the rules' decorators come from (their local names are resolved per file). */
export const NEST_COMMON = '@nestjs/common';
export const NEST_WEBSOCKETS = '@nestjs/websockets';
