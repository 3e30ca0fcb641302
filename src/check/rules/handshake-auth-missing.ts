import * as ts from 'typescript';
import { memberType, methodNamed, typeName } from '../classes';
import { Gateway, classChain } from '../gateways';
import { CheckRule, fixCommand } from '../rule';
import { AppClass, AppSources, forEachDescendant } from '../sources';

/**
 * With `auth.enabled`: a gateway whose namespace installs no socket.io middleware. Guards never
 * run on connect, and middleware on "/" does not run for other namespaces, so only middleware on
 * the gateway's own namespace keeps unauthenticated sockets out. A namespace counts as protected
 * when any of its gateways calls `<namespace>.use(…)` in `afterInit(namespace)` (itself, in a base
 * class, or through a method of an injected app class it hands the namespace to), or when any file
 * calls `<server>.of('<namespace>').use(…)`; `server.use(…)` in an adapter's `createIOServer`
 * protects the main namespace.
 */
export const handshakeAuthMissing: CheckRule = {
  id: 'handshake-auth-missing',
  severity: 'error',
  check({ sources, gateways, conventions, report }) {
    if (!conventions.auth.enabled) return;
    const protectedNamespaces = namespacesWithMiddleware(sources, gateways);
    for (const gateway of gateways) {
      if (gateway.namespace === null || protectedNamespaces.has(gateway.namespace)) continue;
      const namespace = gateway.namespace === '' ? 'the main namespace' : `namespace "${gateway.namespace}"`;
      report(
        gateway.file,
        gateway.decorator,
        `${gateway.name} (${namespace}) has no handshake middleware on its namespace: guards never run on connect, so unauthenticated sockets connect and receive its broadcasts; verify the JWT once, in middleware on the namespace (\`${fixCommand('ws-guard', gateway.fixName)}\`).`,
      );
    }
  },
};

/** The namespaces (without their leading `/`; `''` is the main one) whose sockets pass handshake middleware. */
export function namespacesWithMiddleware(sources: AppSources, gateways: Gateway[]): Set<string> {
  const namespaces = new Set<string>();
  for (const gateway of gateways) {
    if (gateway.namespace === null) continue;
    const installs = classChain(sources, gateway).some((appClass) => {
      const afterInit = methodNamed(appClass, 'afterInit');
      return afterInit !== undefined && usesMiddleware(sources, appClass, afterInit, 0, 0);
    });
    if (installs) namespaces.add(gateway.namespace);
  }
  for (const file of sources.filesMentioning('.use(')) {
    forEachDescendant(file.source, (node) => {
      if (!isUseCall(node)) return;
      const receiver = node.expression.expression;
      if (ts.isCallExpression(receiver) && ts.isPropertyAccessExpression(receiver.expression) && receiver.expression.name.text === 'of') {
        const [name] = receiver.arguments;
        if (name && ts.isStringLiteralLike(name)) namespaces.add(name.text.replace(/^\//, ''));
      } else if (enclosingMethodName(node) === 'createIOServer') {
        namespaces.add('');
      }
    });
  }
  return namespaces;
}

/**
 * True when `fn` calls `.use(…)` on its parameter number `index`, or hands that parameter to a
 * method of an injected app class (or of its own class) that does, up to three calls deep.
 */
function usesMiddleware(sources: AppSources, owner: AppClass, fn: ts.FunctionLikeDeclaration, index: number, depth: number): boolean {
  const parameter = fn.parameters[index]?.name;
  if (!parameter || !ts.isIdentifier(parameter) || !fn.body) return false;
  let found = false;
  forEachDescendant(fn.body, (node) => {
    if (found || !ts.isCallExpression(node)) return;
    if (isUseCall(node) && node.expression.expression.getText() === parameter.text) {
      found = true;
      return;
    }
    const argumentIndex = node.arguments.findIndex((argument) => ts.isIdentifier(argument) && argument.text === parameter.text);
    if (argumentIndex === -1 || depth >= 3 || !ts.isPropertyAccessExpression(node.expression)) return;
    const target = calledMethod(sources, owner, node.expression);
    found = target !== undefined && usesMiddleware(sources, target.owner, target.method, argumentIndex, depth + 1);
  });
  return found;
}

/** The app method `this.m(…)` or `this.<member>.m(…)` calls (the member typed by an app class). */
function calledMethod(sources: AppSources, owner: AppClass, callee: ts.PropertyAccessExpression): { owner: AppClass; method: ts.MethodDeclaration } | undefined {
  const receiver = callee.expression;
  let target: AppClass | undefined;
  if (receiver.kind === ts.SyntaxKind.ThisKeyword) {
    target = owner;
  } else if (ts.isPropertyAccessExpression(receiver) && receiver.expression.kind === ts.SyntaxKind.ThisKeyword) {
    const type = typeName(memberType(owner, receiver.name.text));
    target = type === undefined ? undefined : sources.resolveClass(owner.file, type);
  }
  const method = target && methodNamed(target, callee.name.text);
  return target && method ? { owner: target, method } : undefined;
}

function isUseCall(node: ts.Node): node is ts.CallExpression & { expression: ts.PropertyAccessExpression } {
  return ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'use' && node.arguments.length > 0;
}

function enclosingMethodName(node: ts.Node): string | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (ts.isMethodDeclaration(current)) return current.name.getText();
  }
  return undefined;
}
