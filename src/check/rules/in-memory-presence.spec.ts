import { check, findings, ts } from '../../../test/support/unit/check-fixture';

const rule = 'in-memory-presence';

describe('in-memory-presence', () => {
  it("finds a gateway's own map of users and a map in a service the gateway uses (another file)", () => {
    const files = {
      'src/chat/chat.gateway.ts': ts`
        import { WebSocketGateway as WSG } from '@nestjs/websockets';
        import { PresenceService } from '../presence/presence.service';
        @WSG({ namespace: 'chat' })
        export class ChatGateway {
          private connectedUsers = new Map<string, string>();
          private readonly seen: Record<string, number> = {};
          constructor(private readonly presence: PresenceService) {}
          handleConnection(client: any) {
            this.seen[client.id] = Date.now();
          }
        }
      `,
      'src/presence/presence.service.ts': ts`
        import { Injectable } from '@nestjs/common';
        @Injectable()
        export class PresenceService {
          private readonly sockets = new Set<string>();
        }
      `,
    };
    const found = findings(files, { rule });
    expect(found.map((finding) => `${finding.file}:${finding.line}`)).toEqual(['src/chat/chat.gateway.ts:5', 'src/chat/chat.gateway.ts:6', 'src/presence/presence.service.ts:4']);
    expect(found[2].message).toContain('PresenceService (used by ChatGateway) keeps users or sockets in this process (sockets: Set)');
  });

  it('accepts maps unrelated to users, and classes no gateway uses', () => {
    const files = {
      'src/chat/chat.gateway.ts': ts`
        import { WebSocketGateway } from '@nestjs/websockets';
        @WebSocketGateway()
        export class ChatGateway {
          private readonly templates = new Map<string, string>();
        }
      `,
      'src/users/users.service.ts': 'export class UsersService {\n  private readonly users = new Map();\n}\n',
    };
    expect(check(files, { rule })).toEqual([]);
  });

  it('accepts the single-instance fallback of a Redis-backed store (a class implementing the same app interface as one importing a Redis client)', () => {
    const store = ts`
      export interface PresenceStore {
        add(userId: string): Promise<void>;
      }
    `;
    const inMemory = ts`
      import { PresenceStore } from './presence.store';
      /** One instance without REDIS_URL: same contract, in process. */
      export class InMemoryPresenceStore implements PresenceStore {
        private readonly users = new Map<string, number>();
        async add(userId: string) {
          this.users.set(userId, 1);
        }
      }
    `;
    const redis = ts`
      import { createClient } from 'redis';
      import { PresenceStore } from './presence.store';
      export class RedisPresenceStore implements PresenceStore {
        async add(userId: string) {}
      }
    `;
    const gateway = ts`
      import { WebSocketGateway } from '@nestjs/websockets';
      import { InMemoryPresenceStore } from './in-memory-presence.store';
      @WebSocketGateway()
      export class ChatGateway {
        constructor(private readonly store: InMemoryPresenceStore) {}
      }
    `;
    const files = {
      'src/presence/presence.store.ts': store,
      'src/presence/in-memory-presence.store.ts': inMemory,
      'src/presence/redis-presence.store.ts': redis,
      'src/presence/chat.gateway.ts': gateway,
    };
    expect(check(files, { rule })).toEqual([]);
    // Without the Redis implementation it is just a per-instance map.
    delete (files as Record<string, string>)['src/presence/redis-presence.store.ts'];
    expect(check(files, { rule })).toEqual(['src/presence/in-memory-presence.store.ts:4 in-memory-presence']);
  });
});
