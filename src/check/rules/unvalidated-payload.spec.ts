import { check, ts } from '../../../test/support/unit/check-fixture';

const rule = 'unvalidated-payload';

describe('unvalidated-payload', () => {
  it('finds @MessageBody() payloads and (client, data) handlers nothing validates, and pipes over non-DTO types', () => {
    const files = {
      'src/chat.gateway.ts': ts`
        import { UsePipes, ValidationPipe } from '@nestjs/common';
        import { MessageBody as Body, SubscribeMessage as On, WebSocketGateway } from '@nestjs/websockets';
        interface Message { text: string }
        @WebSocketGateway()
        export class ChatGateway {
          @On('a')
          a(@Body() data: { text: string }) {}
          @On('b')
          b(client: unknown, room: string) {}
          @On('c')
          @UsePipes(new ValidationPipe())
          c(@Body() message: Message) {}
          @On('d')
          d(@Body() data: Record<string, string>) {}
        }
      `,
    };
    expect(check(files, { rule })).toEqual(['src/chat.gateway.ts:7 unvalidated-payload', 'src/chat.gateway.ts:9 unvalidated-payload', 'src/chat.gateway.ts:12 unvalidated-payload', 'src/chat.gateway.ts:14 unvalidated-payload']);
  });

  it('accepts validated(Dto, payload), class-validator calls, ValidationPipe with a DTO class (class, handler or parameter), and handlers without a payload', () => {
    const files = {
      'src/chat.dto.ts': 'export class ChatDto {\n  text!: string;\n}\n',
      'src/chat.gateway.ts': ts`
        import * as common from '@nestjs/common';
        import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
        import { validateSync } from 'class-validator';
        import { validated } from './realtime/ws-validation.js';
        import { ChatDto } from './chat.dto.js';
        @WebSocketGateway()
        export class ChatGateway {
          @SubscribeMessage('a')
          a(@MessageBody() payload: unknown) {
            return validated(ChatDto, payload);
          }
          @SubscribeMessage('b')
          b(@MessageBody() payload: unknown) {
            return validateSync(Object.assign(new ChatDto(), payload));
          }
          @SubscribeMessage('c')
          c(@MessageBody(new common.ValidationPipe()) payload: ChatDto) {}
          @SubscribeMessage('d')
          @common.UsePipes(common.ValidationPipe)
          d(@MessageBody() payload: ChatDto) {}
          @SubscribeMessage('e')
          e(@ConnectedSocket() client: unknown) {}
          @SubscribeMessage('g')
          g(@MessageBody('count', common.ParseIntPipe) count: number) {}
        }
        @WebSocketGateway()
        @common.UsePipes(new common.ValidationPipe({ whitelist: true }))
        export class OtherGateway {
          @SubscribeMessage('f')
          f(@MessageBody() payload: ChatDto) {}
        }
      `,
    };
    expect(check(files, { rule })).toEqual([]);
  });

  it('counts a ValidationPipe applied app-wide (useGlobalPipes, APP_PIPE), for DTO classes only', () => {
    const gateway = ts`
      import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
      import { ChatDto } from './chat.dto';
      @WebSocketGateway()
      export class ChatGateway {
        @SubscribeMessage('a')
        a(@MessageBody() payload: ChatDto) {}
        @SubscribeMessage('b')
        b(@MessageBody() payload: { text: string }) {}
      }
    `;
    const dto = 'export class ChatDto {}\n';
    const main = "import { ValidationPipe as VP } from '@nestjs/common';\napp.useGlobalPipes(new VP({ whitelist: true }));\n";
    const appModule = "import { ValidationPipe } from '@nestjs/common';\nimport { APP_PIPE } from '@nestjs/core';\nexport const providers = [{ provide: APP_PIPE, useClass: ValidationPipe }];\n";
    expect(check({ 'src/chat.gateway.ts': gateway, 'src/chat.dto.ts': dto }, { rule })).toEqual(['src/chat.gateway.ts:6 unvalidated-payload', 'src/chat.gateway.ts:8 unvalidated-payload']);
    expect(check({ 'src/chat.gateway.ts': gateway, 'src/chat.dto.ts': dto, 'src/main.ts': main }, { rule })).toEqual(['src/chat.gateway.ts:8 unvalidated-payload']);
    expect(check({ 'src/chat.gateway.ts': gateway, 'src/chat.dto.ts': dto, 'src/app.module.ts': appModule }, { rule })).toEqual(['src/chat.gateway.ts:8 unvalidated-payload']);
  });
});
