import { check, findings, ts } from '../../../test/support/unit/check-fixture';

const rule = 'verify-per-message';

describe('verify-per-message', () => {
  it("finds JwtService.verify/verifyAsync and jsonwebtoken's verify in guards and handlers, naming the gateway the guard serves", () => {
    const files = {
      'src/auth/ws-jwt.guard.ts': ts`
        import { CanActivate, ExecutionContext } from '@nestjs/common';
        import { JwtService as Jwt } from '@nestjs/jwt';
        export class WsJwtGuard implements CanActivate {
          constructor(private readonly jwt: Jwt) {}
          async canActivate(context: ExecutionContext) {
            return !!(await this.jwt.verifyAsync(token(context)));
          }
        }
      `,
      'src/chat/chat.gateway.ts': ts`
        import { UseGuards } from '@nestjs/common';
        import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
        import * as jwt from 'jsonwebtoken';
        import { verify } from 'jsonwebtoken';
        import { WsJwtGuard } from '../auth/ws-jwt.guard';
        @WebSocketGateway({ namespace: 'chat' })
        @UseGuards(WsJwtGuard)
        export class ChatGateway {
          @SubscribeMessage('a')
          a(client: any) {
            return jwt.verify(client.token, 'secret');
          }
          @SubscribeMessage('b')
          b(client: any) {
            return verify(client.token, 'secret');
          }
        }
      `,
    };
    const found = findings(files, { rule });
    expect(found.map((finding) => `${finding.file}:${finding.line}`)).toEqual(['src/auth/ws-jwt.guard.ts:6', 'src/chat/chat.gateway.ts:11', 'src/chat/chat.gateway.ts:15']);
    expect(found[0].message).toContain('ws-guard --gateway chat');
  });

  it('accepts verification in handshake middleware and a guard that reads socket.data.user', () => {
    const files = {
      'src/realtime/ws-auth.middleware.ts': ts`
        import { JwtService } from '@nestjs/jwt';
        export class WsAuthMiddleware {
          constructor(private readonly jwt: JwtService) {}
          readonly handshake = (socket: any, next: () => void) => {
            socket.data.user = this.jwt.verify(socket.handshake.auth.token);
            next();
          };
        }
      `,
      'src/realtime/ws-auth.guard.ts': ts`
        export class WsAuthGuard {
          canActivate(context: any) {
            return Boolean(context.switchToWs().getClient().data.user);
          }
        }
      `,
    };
    expect(check(files, { rule })).toEqual([]);
  });
});
