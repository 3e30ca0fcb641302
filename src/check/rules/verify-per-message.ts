import * as ts from 'typescript';
import { methodNamed } from '../classes';
import { Gateway, NEST_COMMON, NEST_WEBSOCKETS, classChain } from '../gateways';
import { isJwtVerifyCall } from '../jwt';
import { CheckRule, fixCommand } from '../rule';
import { AppClass, AppSources, decoratorArguments, decoratorCalls, forEachDescendant, localNameOf } from '../sources';

/**
 * A JWT verified in a guard's `canActivate` or in a `@SubscribeMessage` handler: that runs for
 * every message, while the token can only change at the handshake. (A guard also never runs on
 * connect, so it is no handshake check either: see handshake-auth-missing.)
 */
export const verifyPerMessage: CheckRule = {
  id: 'verify-per-message',
  severity: 'warning',
  check({ sources, gateways, report }) {
    for (const file of sources.filesMentioning('canActivate', '@nestjs/websockets')) {
      for (const statement of file.source.statements) {
        if (!ts.isClassDeclaration(statement) || !statement.name) continue;
        const appClass: AppClass = { file, node: statement, name: statement.name.text };
        const canActivate = methodNamed(appClass, 'canActivate');
        const gatewayName = canActivate && gatewayGuardedBy(sources, gateways, appClass)?.fixName;
        const perMessage = [
          ...(canActivate ? [{ method: canActivate, what: `${appClass.name}.canActivate`, gatewayName }] : []),
          ...handlers(appClass).map((method) => ({ method, what: `handler ${appClass.name}.${method.name.getText()}`, gatewayName: gateways.find((gateway) => gateway.node === statement)?.fixName })),
        ];
        for (const { method, what, gatewayName: name } of perMessage) {
          forEachDescendant(method, (node) => {
            if (ts.isCallExpression(node) && isJwtVerifyCall(appClass, node)) {
              report(
                file,
                node,
                `${what} verifies a JWT on every message: verify it once at the handshake, in middleware on the namespace, and read the stored user (socket.data.user) per message (\`${fixCommand('ws-guard', name)}\`).`,
              );
            }
          });
        }
      }
    }
  },
};

/** The @SubscribeMessage methods of a class. */
export function handlers(appClass: AppClass): ts.MethodDeclaration[] {
  const subscribeMessage = localNameOf(appClass.file, 'SubscribeMessage', NEST_WEBSOCKETS);
  return appClass.node.members.filter(
    (member): member is ts.MethodDeclaration => ts.isMethodDeclaration(member) && decoratorCalls(member, subscribeMessage).length > 0,
  );
}

/** A gateway that lists `guard` in a `@UseGuards()` of its class (or its base classes) or of one of its handlers. */
function gatewayGuardedBy(sources: AppSources, gateways: Gateway[], guard: AppClass): Gateway | undefined {
  return gateways.find((gateway) =>
    classChain(sources, gateway).some((appClass) => {
      const useGuards = localNameOf(appClass.file, 'UseGuards', NEST_COMMON);
      const decorated = [appClass.node, ...appClass.node.members];
      return decorated.some((node) =>
        decoratorCalls(node, useGuards).some((decorator) =>
          decoratorArguments(decorator).some((argument) => ts.isIdentifier(argument) && sources.resolveClass(appClass.file, argument.text)?.node === guard.node),
        ),
      );
    }),
  );
}
