import * as ts from 'typescript';
import { classChain } from '../gateways';
import { PayloadValidations } from '../payloads';
import { CheckRule } from '../rule';
import { handlers } from './verify-per-message';

/**
 * A `@SubscribeMessage` handler with a payload (its `@MessageBody()` parameter, or the second
 * parameter of an undecorated `(client, data)` handler) that nothing validates: no
 * `validated(Dto, payload)` (the generated helper) or class-validator call in the handler, no
 * ValidationPipe (`@UsePipes` on the handler or its class, `@MessageBody(…, ValidationPipe)`, or app-wide)
 * with a DTO class as the payload's type (the pipe checks nothing on interfaces, literals or
 * `string`), and no other pipe there (`ParseIntPipe`, a team's own `…Pipe`).
 */
export const unvalidatedPayload: CheckRule = {
  id: 'unvalidated-payload',
  severity: 'error',
  check({ sources, gateways, report }) {
    const seen = new Set<ts.Node>();
    const validations = new PayloadValidations(sources);
    for (const gateway of gateways) {
      for (const appClass of classChain(sources, gateway)) {
        for (const handler of handlers(appClass)) {
          if (seen.has(handler)) continue;
          seen.add(handler);
          const { parameter, by } = validations.of(gateway, appClass, handler);
          if (!parameter || by !== 'none') continue;
          report(
            appClass.file,
            parameter,
            `The payload of ${appClass.name}.${handler.name.getText()} is not validated: any JSON reaches it; type it \`unknown\` and validate it against a class-validator DTO with \`validated(Dto, payload)\` (as \`npx realtime-schematics gateway\` writes it), or give it a DTO class and a ValidationPipe.`,
          );
        }
      }
    }
  },
};
