import * as ts from 'typescript';
import { isCaught, isFunctionScope, methodNamed } from '../classes';
import { classChain } from '../gateways';
import { isJwtVerifyCall } from '../jwt';
import { CheckRule, fixCommand } from '../rule';
import { forEachDescendant } from '../sources';

const HOOKS = ['handleConnection', 'handleDisconnect', 'afterInit'];

/**
 * A `throw` in a gateway's `handleConnection`, `handleDisconnect` or `afterInit` (or a JWT
 * verification, which throws on a bad token), not caught there: Nest calls the hooks outside any
 * exception filter, and the error stops the process. Code in callbacks defined in the hook does
 * not run with it and is not looked at.
 */
export const lifecycleMayThrow: CheckRule = {
  id: 'lifecycle-may-throw',
  severity: 'error',
  check({ sources, gateways, report }) {
    for (const gateway of gateways) {
      for (const appClass of classChain(sources, gateway)) {
        for (const hook of HOOKS) {
          const method = methodNamed(appClass, hook);
          if (!method?.body) continue;
          const body = method.body;
          forEachDescendant(
            body,
            (node) => {
              if (isCaught(node, body)) return;
              if (ts.isThrowStatement(node)) {
                report(appClass.file, node, `${appClass.name}.${hook} throws: a throw in a gateway lifecycle hook stops the Nest process; log and return instead (in handleConnection, \`client.disconnect()\` refuses the socket), or refuse sockets in handshake middleware.`);
              } else if (ts.isCallExpression(node) && isJwtVerifyCall(appClass, node)) {
                report(appClass.file, node, `${appClass.name}.${hook} verifies a JWT, which throws on a bad token, outside a try/catch: a throw in a gateway lifecycle hook stops the Nest process; verify tokens in handshake middleware (\`${fixCommand('ws-guard', gateway.fixName)}\`).`);
              }
            },
            isFunctionScope,
          );
        }
      }
    }
  },
};
