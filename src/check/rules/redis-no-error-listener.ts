import * as ts from 'typescript';
import { firstStringArgument, isFunctionScope } from '../classes';
import { CheckRule } from '../rule';
import { CheckedFile, forEachDescendant, localNameOf } from '../sources';

const LISTEN = new Set(['on', 'once', 'addListener', 'prependListener']);

/**
 * A Redis client created (`createClient()`/`createCluster()` of redis, `new Redis()` of ioredis,
 * `.duplicate()` of either) with no `error` listener: an `error` event without one (Redis
 * restarting, a network blip) crashes the process. A listener counts when it is attached in the
 * function that creates the client — chained on the creation, on the variable or field holding it,
 * or on the loop variable or callback parameter of a loop over clients there.
 */
export const redisNoErrorListener: CheckRule = {
  id: 'redis-no-error-listener',
  severity: 'error',
  check({ sources, report }) {
    for (const file of sources.filesMentioning('redis')) {
      const creators = redisCreators(file);
      if (!creators) continue;
      forEachDescendant(file.source, (node) => {
        if (!isClientCreation(node, creators) || hasErrorListener(node)) return;
        report(
          file,
          node,
          `Redis client created without an 'error' listener: an error event without one (a Redis restart, a network blip) crashes the process; attach \`client.on('error', …)\` before connecting (the adapter \`npx realtime-schematics redis-adapter\` writes does).`,
        );
      });
    }
  },
};

interface Creators {
  calls: Set<string>;
  classes: Set<string>;
}

/** The local names that create clients in this file; undefined when it imports no Redis client library. */
function redisCreators(file: CheckedFile): Creators | undefined {
  const calls = new Set<string>();
  const classes = new Set<string>();
  for (const module of ['redis', '@redis/client']) {
    for (const name of ['createClient', 'createCluster']) {
      const local = localNameOf(file, name, module);
      if (local) calls.add(local);
    }
  }
  for (const statement of file.source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier) || statement.moduleSpecifier.text !== 'ioredis') continue;
    const clause = statement.importClause;
    if (clause?.name) classes.add(clause.name.text);
    const bindings = clause?.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) ['Redis', 'Cluster', 'default'].forEach((name) => classes.add(`${bindings.name.text}.${name}`));
    if (bindings && ts.isNamedImports(bindings)) {
      bindings.elements.filter((element) => ['Redis', 'Cluster', 'default'].includes((element.propertyName ?? element.name).text)).forEach((element) => classes.add(element.name.text));
    }
  }
  return calls.size || classes.size ? { calls, classes } : undefined;
}

function isClientCreation(node: ts.Node, creators: Creators): node is ts.CallExpression | ts.NewExpression {
  if (ts.isNewExpression(node)) return creators.classes.has(node.expression.getText());
  if (!ts.isCallExpression(node)) return false;
  const callee = node.expression;
  return creators.calls.has(callee.getText()) || (ts.isPropertyAccessExpression(callee) && callee.name.text === 'duplicate' && node.arguments.length <= 1);
}

function isErrorListener(node: ts.Node): node is ts.CallExpression & { expression: ts.PropertyAccessExpression } {
  return ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && LISTEN.has(node.expression.name.text) && firstStringArgument(node) === 'error';
}

function hasErrorListener(creation: ts.CallExpression | ts.NewExpression): boolean {
  // createClient().on('error', …)
  const parent = creation.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.parent && isErrorListener(parent.parent)) return true;
  const holder = holderName(creation);
  // A client kept in a field may get its listener in another method of the class.
  const scope = holder?.startsWith('this.') ? (ts.findAncestor(creation, ts.isClassLike) ?? enclosingScope(creation)) : enclosingScope(creation);
  const loopNames = new Set<string>();
  forEachDescendant(scope, (node) => {
    if (ts.isForOfStatement(node) && ts.isVariableDeclarationList(node.initializer)) {
      node.initializer.declarations.forEach((declaration) => ts.isIdentifier(declaration.name) && loopNames.add(declaration.name.text));
    }
    if ((ts.isArrowFunction(node) || ts.isFunctionExpression(node)) && node.parameters[0] && ts.isIdentifier(node.parameters[0].name)) {
      loopNames.add(node.parameters[0].name.text);
    }
  });
  let found = false;
  forEachDescendant(scope, (node) => {
    if (found || !isErrorListener(node)) return;
    const receiver = node.expression.expression.getText();
    found = receiver === holder || loopNames.has(receiver);
  });
  return found;
}

/** `const pub = createClient()` → `pub`; `this.redis = new Redis()` or a field initializer → `this.redis`. */
function holderName(creation: ts.Expression): string | undefined {
  let node: ts.Node = creation;
  while (ts.isAwaitExpression(node.parent) || ts.isParenthesizedExpression(node.parent) || ts.isAsExpression(node.parent)) node = node.parent;
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (ts.isPropertyDeclaration(parent)) return `this.${parent.name.getText()}`;
  if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) return parent.left.getText();
  return undefined;
}

/** The function the client is created in; for a field initializer, its class. */
function enclosingScope(node: ts.Node): ts.Node {
  for (let current = node.parent; current; current = current.parent) {
    if (ts.isPropertyDeclaration(current)) return current.parent;
    if (isFunctionScope(current) && !ts.isArrowFunction(current)) return current;
  }
  return node.getSourceFile();
}
