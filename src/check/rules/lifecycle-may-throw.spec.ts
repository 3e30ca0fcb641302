import { check, ts } from '../../../test/support/unit/check-fixture';

const rule = 'lifecycle-may-throw';

describe('lifecycle-may-throw', () => {
  it('finds throws and uncaught JWT verification in handleConnection, handleDisconnect and afterInit', () => {
    const files = {
      'src/chat.gateway.ts': ts`
        import * as ws from '@nestjs/websockets';
        import { JwtService } from '@nestjs/jwt';
        @ws.WebSocketGateway()
        export class ChatGateway {
          constructor(private readonly jwt: JwtService) {}
          afterInit() {
            throw new Error('no');
          }
          async handleConnection(client: any) {
            client.data.user = await this.jwt.verifyAsync(client.handshake.auth.token);
          }
          handleDisconnect(client: any) {
            if (!client.data.user) throw new ws.WsException('gone');
          }
        }
      `,
    };
    expect(check(files, { rule })).toEqual(['src/chat.gateway.ts:7 lifecycle-may-throw', 'src/chat.gateway.ts:10 lifecycle-may-throw', 'src/chat.gateway.ts:13 lifecycle-may-throw']);
  });

  it('accepts throws that are caught, throws in callbacks, throws in handlers and in classes that are not gateways', () => {
    const files = {
      'src/chat.gateway.ts': ts`
        import { WebSocketGateway, SubscribeMessage } from '@nestjs/websockets';
        @WebSocketGateway()
        export class ChatGateway {
          handleConnection(client: any) {
            try {
              if (!client.data.user) throw new Error('no user');
            } catch {
              client.disconnect();
            }
            client.on('x', () => {
              throw new Error('a listener, not the hook');
            });
          }
          @SubscribeMessage('m')
          handle() {
            throw new Error('reaches the exception filter');
          }
        }
        export class NotAGateway {
          handleConnection() {
            throw new Error('x');
          }
        }
      `,
    };
    expect(check(files, { rule })).toEqual([]);
  });

  it("reports a base class's hook, in the base class's file", () => {
    const files = {
      'src/base.ts': "export class Base {\n  handleConnection() {\n    throw new Error('x');\n  }\n}\n",
      'src/chat.gateway.ts': "import { WebSocketGateway } from '@nestjs/websockets';\nimport { Base } from './base';\n@WebSocketGateway()\nexport class ChatGateway extends Base {}\n",
    };
    expect(check(files, { rule })).toEqual(['src/base.ts:3 lifecycle-may-throw']);
  });
});
