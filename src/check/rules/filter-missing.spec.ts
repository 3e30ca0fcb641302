import { check, findings, ts } from '../../../test/support/unit/check-fixture';

const rule = 'filter-missing';

describe('filter-missing', () => {
  const files = {
    'src/chat/chat.gateway.ts': ts`
      import { UseFilters as Filters } from '@nestjs/common';
      import { WebSocketGateway } from '@nestjs/websockets';
      import { WsExceptionFilter } from '../realtime/ws-exception.filter';
      @WebSocketGateway({ namespace: 'chat' })
      @Filters(WsExceptionFilter)
      export class ChatGateway {}
    `,
    'src/lobby/lobby.gateway.ts': ts`
      import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
      @WebSocketGateway({ namespace: 'lobby' })
      export class LobbyGateway {
        @SubscribeMessage('ping')
        ping(): string {
          return 'pong';
        }
      }
    `,
  };

  it('finds a gateway without @UseFilters() (aliased imports read), with the ws-filter command', () => {
    const found = findings(files, { rule });
    expect(found.map((finding) => `${finding.file}:${finding.line}`)).toEqual(['src/lobby/lobby.gateway.ts:2']);
    expect(found[0].message).toContain('npx realtime-schematics ws-filter --gateway lobby');
  });

  it('says nothing when realtime.json has the filter off', () => {
    expect(check(files, { rule, conventions: { auth: { enabled: true }, filter: { enabled: false } } })).toEqual([]);
  });

  it("counts a base class's @UseFilters() from another file", () => {
    const spread = {
      'src/realtime/filtered.ts': "import { UseFilters } from '@nestjs/common';\n@UseFilters(new WsExceptionFilter())\nexport class Filtered {}\n",
      'src/lobby/lobby.gateway.ts':
        "import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';\nimport { Filtered } from '../realtime/filtered';\n@WebSocketGateway()\nexport class LobbyGateway extends Filtered {\n  @SubscribeMessage('ping')\n  ping() {}\n}\n",
    };
    expect(check(spread, { rule })).toEqual([]);
  });

  it('says nothing about a gateway without message handlers (a notifier), and counts a base class\'s handlers', () => {
    const notifier = {
      'src/chat/chat.notifier.ts': ts`
        import { WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
        @WebSocketGateway({ namespace: 'chat' })
        export class ChatNotifier {
          @WebSocketServer()
          private readonly namespace?: unknown;
        }
      `,
      'src/realtime/handlers.ts': ts`
        import { SubscribeMessage } from '@nestjs/websockets';
        export class Handlers {
          @SubscribeMessage('ping')
          ping() {}
        }
      `,
      'src/lobby/lobby.gateway.ts': ts`
        import { WebSocketGateway } from '@nestjs/websockets';
        import { Handlers } from '../realtime/handlers';
        @WebSocketGateway()
        export class LobbyGateway extends Handlers {}
      `,
    };
    expect(findings(notifier, { rule }).map((finding) => finding.file)).toEqual(['src/lobby/lobby.gateway.ts']);
  });
});
