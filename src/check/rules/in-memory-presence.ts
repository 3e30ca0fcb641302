import * as ts from 'typescript';
import { injectedClasses, methodNamed } from '../classes';
import { classChain } from '../gateways';
import { CheckRule } from '../rule';
import { AppClass, AppSources, forEachDescendant, unwrap } from '../sources';

/** Field names that say the field holds users or their connections. */
const PEOPLE = /user|socket|client|connection|online|presence|member|session|peer|subscriber/i;
const COLLECTIONS = new Set(['Map', 'Set', 'WeakMap', 'WeakSet', 'Record', 'Array']);
/** A module whose import makes a class Redis-backed. */
const REDIS_MODULES = /^(redis|ioredis|@redis\/.+|@socket\.io\/redis-.+)$/;

/**
 * A gateway, or an app class injected into one, keeping users or sockets in a field of this
 * process (a Map, Set, array or object field named for them, typed with Socket, or filled in
 * handleConnection/handleDisconnect): with two instances each sees only its own users.
 *
 * A single-instance fallback is not reported: a class that implements an interface (or extends a
 * base class) which another app class, importing a Redis client or adapter, implements too is the
 * in-process half of a Redis-backed store chosen at startup (e.g. without REDIS_URL).
 */
export const inMemoryPresence: CheckRule = {
  id: 'in-memory-presence',
  severity: 'warning',
  check({ sources, gateways, report }) {
    const checked = new Set<ts.Node>();
    const redisContracts = redisBackedContracts(sources);
    for (const gateway of gateways) {
      const chain = classChain(sources, gateway);
      for (const appClass of [...chain, ...chain.flatMap((item) => injectedClasses(sources, item))]) {
        if (checked.has(appClass.node)) continue;
        checked.add(appClass.node);
        if (contracts(sources, appClass).some((contract) => redisContracts.has(contract))) continue;
        for (const field of appClass.node.members.filter(ts.isPropertyDeclaration)) {
          const kind = collectionKind(field);
          if (!kind || !keepsPeople(appClass, field)) continue;
          const used = appClass === gateway ? '' : ` (used by ${gateway.name})`;
          const name = gateway.fixName ?? '<name>';
          report(
            appClass.file,
            field,
            `${appClass.name}${used} keeps users or sockets in this process (${field.name.getText()}: ${kind}): with two instances each sees only its own; use socket.io's rooms and fetchSockets() through the adapter (\`npx realtime-schematics room-handler ${name} --gateway ${name}\`, \`npx realtime-schematics redis-adapter\`) or a Redis-backed store.`,
          );
        }
      }
    }
  },
};

/** `Map`, `Set`, `array`, `object` when the field is such a collection (by its initializer or its type). */
function collectionKind(field: ts.PropertyDeclaration): string | undefined {
  const initializer = field.initializer && unwrap(field.initializer);
  if (initializer && ts.isNewExpression(initializer) && ts.isIdentifier(initializer.expression) && COLLECTIONS.has(initializer.expression.text)) return initializer.expression.text;
  if (initializer && ts.isArrayLiteralExpression(initializer)) return 'array';
  if (initializer && ts.isObjectLiteralExpression(initializer) && initializer.properties.length === 0) return 'object';
  if (initializer) return undefined;
  const type = field.type;
  if (type && ts.isTypeReferenceNode(type) && COLLECTIONS.has(type.typeName.getText())) return type.typeName.getText();
  if (type && ts.isArrayTypeNode(type)) return 'array';
  if (type && ts.isTypeLiteralNode(type) && type.members.some(ts.isIndexSignatureDeclaration)) return 'object';
  return undefined;
}

function keepsPeople(appClass: AppClass, field: ts.PropertyDeclaration): boolean {
  const name = field.name.getText();
  if (PEOPLE.test(name) || /\bSocket\b/.test(field.type?.getText() ?? '')) return true;
  // Filled or emptied as sockets come and go.
  return ['handleConnection', 'handleDisconnect'].some((hook) => {
    const method = methodNamed(appClass, hook);
    let written = false;
    if (method) {
      forEachDescendant(method, (node) => {
        if (ts.isPropertyAccessExpression(node) && node.expression.kind === ts.SyntaxKind.ThisKeyword && node.name.text === name) written = true;
      });
    }
    return written;
  });
}

/** The app interfaces a class implements and the app class it extends (framework ones, e.g. OnModuleDestroy, are not contracts of the app). */
function contracts(sources: AppSources, appClass: AppClass): ts.Node[] {
  return (appClass.node.heritageClauses ?? []).flatMap((clause) =>
    clause.types.flatMap((type) => {
      const declaration = ts.isIdentifier(type.expression) ? sources.resolveDeclaration(appClass.file, type.expression.text) : undefined;
      return declaration ? [declaration.node] : [];
    }),
  );
}

function redisBackedContracts(sources: AppSources): Set<ts.Node> {
  const declarations = new Set<ts.Node>();
  for (const file of sources.filesMentioning('redis')) {
    const importsRedis = file.source.statements.some(
      (statement) => ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier) && REDIS_MODULES.test(statement.moduleSpecifier.text),
    );
    if (!importsRedis) continue;
    for (const statement of file.source.statements) {
      if (ts.isClassDeclaration(statement) && statement.name) contracts(sources, { file, node: statement, name: statement.name.text }).forEach((node) => declarations.add(node));
    }
  }
  return declarations;
}
