import { check, findings, ts } from '../../../test/support/unit/check-fixture';

const rule = 'handshake-auth-missing';
const gateway = (namespace: string, body = '') => ts`
  import { WebSocketGateway } from '@nestjs/websockets';
  import type { Namespace } from 'socket.io';
  @WebSocketGateway({ namespace: '${namespace}' })
  export class ChatGateway {
    ${body}
  }
`;

describe('handshake-auth-missing', () => {
  it('finds a gateway whose namespace installs no middleware, with the ws-guard command for it (auth on)', () => {
    const found = findings({ 'src/chat/chat.gateway.ts': gateway('chat') }, { rule });
    expect(found.map((finding) => `${finding.line}:${finding.column} ${finding.severity}`)).toEqual(['3:1 error']);
    expect(found[0].message).toContain('npx realtime-schematics ws-guard --gateway chat');
  });

  it('says nothing when realtime.json has auth off', () => {
    expect(check({ 'src/chat/chat.gateway.ts': gateway('chat') }, { rule, conventions: { auth: { enabled: false }, filter: { enabled: true } } })).toEqual([]);
  });

  it('accepts afterInit(namespace) { namespace.use(…) }, which also protects the other handler classes of the namespace', () => {
    const files = {
      'src/chat/chat.gateway.ts': gateway('chat', 'afterInit(namespace: Namespace) { namespace.use((socket, next) => next()); }'),
      'src/chat/chat.rooms.ts': ts`
        import { WebSocketGateway as WSG } from '@nestjs/websockets';
        @WSG({ namespace: '/chat' })
        export class ChatRooms {}
      `,
      'src/lobby/lobby.rooms.ts': ts`
        import { WebSocketGateway as WSG } from '@nestjs/websockets';
        @WSG({ namespace: 'lobby' })
        export class LobbyRooms {}
      `,
    };
    const found = findings(files, { rule });
    expect(found.map((finding) => `${finding.file}:${finding.line}`)).toEqual(['src/lobby/lobby.rooms.ts:2']);
    // No lobby.gateway.ts for ws-guard to find: the command is given in its general form.
    expect(found[0].message).toContain('ws-guard --gateway <name>');
  });

  it("names the namespace's gateway in the fix of its room handler", () => {
    const files = {
      'src/chat/chat.gateway.ts': gateway('chat'),
      'src/chat/chat.rooms.ts': "import { WebSocketGateway } from '@nestjs/websockets';\n@WebSocketGateway({ namespace: 'chat' })\nexport class ChatRooms {}\n",
    };
    expect(findings(files, { rule }).map((finding) => finding.message.match(/--gateway (\w+)/)?.[1])).toEqual(['chat', 'chat']);
  });

  it('follows a gateway spread over files: middleware installed by an injected class, or by a base class, of another file', () => {
    const files = {
      'src/realtime/ws-auth.ts': ts`
        import type { Namespace } from 'socket.io';
        export class WsAuth {
          protect(target: Namespace): void {
            target.use((socket, next) => next());
          }
        }
      `,
      'src/realtime/base.gateway.ts': ts`
        import type { Namespace } from 'socket.io';
        import { WsAuth } from './ws-auth.js';
        export abstract class ProtectedGateway {
          constructor(private readonly auth: WsAuth) {}
          afterInit(namespace: Namespace): void {
            this.auth.protect(namespace);
          }
        }
      `,
      'src/chat/chat.gateway.ts': ts`
        import { WebSocketGateway } from '@nestjs/websockets';
        import { ProtectedGateway } from '../realtime/base.gateway.js';
        @WebSocketGateway({ namespace: 'chat' })
        export class ChatGateway extends ProtectedGateway {}
      `,
      'src/news/news.gateway.ts': ts`
        import { WebSocketGateway } from '@nestjs/websockets';
        import type { Namespace } from 'socket.io';
        import { WsAuth } from '../realtime/ws-auth.js';
        @WebSocketGateway({ namespace: 'news' })
        export class NewsGateway {
          constructor(private readonly auth: WsAuth) {}
          afterInit(namespace: Namespace): void {
            this.auth.protect(namespace);
          }
        }
      `,
    };
    expect(check(files, { rule })).toEqual([]);
  });

  it("accepts server.of('/chat').use(…) elsewhere, and server.use(…) in an adapter protects only the main namespace", () => {
    const files = {
      'src/chat/chat.gateway.ts': gateway('chat'),
      'src/main-gateway.ts': "import { WebSocketGateway } from '@nestjs/websockets';\n@WebSocketGateway()\nexport class MainGateway {}\n",
      'src/adapter.ts': ts`
        export class Adapter extends IoAdapter {
          createIOServer(port: number) {
            const server = super.createIOServer(port);
            server.use((socket, next) => next());
            server.of('/chat').use((socket, next) => next());
            return server;
          }
        }
      `,
    };
    expect(check(files, { rule })).toEqual([]);
    delete (files as Record<string, string>)['src/adapter.ts'];
    expect(check(files, { rule })).toEqual(['src/chat/chat.gateway.ts:3 handshake-auth-missing', 'src/main-gateway.ts:2 handshake-auth-missing']);
  });
});
