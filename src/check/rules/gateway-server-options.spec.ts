import { check, findings, ts } from '../../../test/support/unit/check-fixture';

const rule = 'gateway-server-options';

describe('gateway-server-options', () => {
  it('finds a port and server options in @WebSocketGateway(), naming them', () => {
    const files = {
      'src/chat.gateway.ts': ts`
        import { WebSocketGateway } from '@nestjs/websockets';
        @WebSocketGateway(3001, {
          namespace: 'chat',
          transports: ['websocket'],
        })
        export class ChatGateway {}
        @WebSocketGateway({
          namespace: 'other',
          pingInterval: 1000,
          maxHttpBufferSize: 1e6,
        })
        export class OtherGateway {}
      `,
    };
    const found = findings(files, { rule });
    expect(found.map((finding) => [finding.line, finding.column])).toEqual([[2, 19], [9, 3]]);
    expect(found[0].message).toContain('sets server options (port, transports)');
    expect(found[1].message).toContain('(pingInterval, maxHttpBufferSize)');
    expect(found[1].severity).toBe('warning');
  });

  it('accepts a decorator with only a namespace, or none', () => {
    const files = {
      'src/chat.gateway.ts': ts`
        import * as ws from '@nestjs/websockets';
        const NAMESPACE = { namespace: 'chat' };
        @ws.WebSocketGateway(NAMESPACE)
        export class ChatGateway {}
        @ws.WebSocketGateway()
        export class MainGateway {}
      `,
    };
    expect(check(files, { rule })).toEqual([]);
  });

  it('sees options spread from a constant of another file (namespace import), reported at the decorator', () => {
    const files = {
      'src/shared.ts': "export const BASE = { cors: { origin: ['https://a.example'] }, path: '/ws' };\n",
      'src/chat.gateway.ts': ts`
        import * as ws from '@nestjs/websockets';
        import { BASE } from './shared';
        @ws.WebSocketGateway({ ...BASE, namespace: 'chat' })
        export class ChatGateway {}
      `,
    };
    const [finding] = findings(files, { rule });
    expect([finding.file, finding.line, finding.column]).toEqual(['src/chat.gateway.ts', 3, 1]);
    expect(finding.message).toContain('(cors, path)');
  });
});
