import { check, ts } from '../../../test/support/unit/check-fixture';

const rule = 'cors-wildcard';

describe('cors-wildcard', () => {
  it("finds origin '*', origin: true, ['*'] and cors: true in gateway decorators and adapters", () => {
    const files = {
      'src/a.gateway.ts': ts`
        import { WebSocketGateway } from '@nestjs/websockets';
        @WebSocketGateway({ cors: { origin: '*' } })
        export class AGateway {}
        @WebSocketGateway({ cors: true })
        export class BGateway {}
      `,
      'src/adapter.ts': ts`
        import { IoAdapter } from '@nestjs/platform-socket.io';
        export class Adapter extends IoAdapter {
          createIOServer(port: number) {
            return super.createIOServer(port, {
              cors: { origin: true },
            });
          }
        }
        export const other = { cors: { origin: ['https://a.example', '*'] } };
      `,
    };
    expect(check(files, { rule })).toEqual(['src/a.gateway.ts:2 cors-wildcard', 'src/a.gateway.ts:4 cors-wildcard', 'src/adapter.ts:5 cors-wildcard', 'src/adapter.ts:9 cors-wildcard']);
  });

  it('accepts a list of origins, origins from the environment, and HTTP CORS of NestFactory.create', () => {
    const files = {
      'src/a.gateway.ts': ts`
        import { WebSocketGateway } from '@nestjs/websockets';
        @WebSocketGateway({ cors: { origin: ['https://a.example'] } })
        export class AGateway {}
        export const fromEnv = { cors: { origin: process.env.ORIGINS!.split(','), credentials: true } };
      `,
      'src/main.ts': ts`
        import { NestFactory as NF } from '@nestjs/core';
        NF.create(AppModule, { cors: true });
      `,
    };
    expect(check(files, { rule })).toEqual([]);
  });

  it('follows options kept in constants, in the same file or imported from another (reported where the origin is written)', () => {
    const files = {
      'src/ws-options.ts': ts`
        export const CORS = {
          origin: '*',
        };
        export const OPTIONS = { namespace: 'chat', cors: CORS };
      `,
      'src/chat.gateway.ts': ts`
        import { WebSocketGateway as WSG } from '@nestjs/websockets';
        import { OPTIONS } from './ws-options.js';
        @WSG(OPTIONS)
        export class ChatGateway {}
      `,
    };
    expect(check(files, { rule })).toEqual(['src/ws-options.ts:2 cors-wildcard']);
  });
});
