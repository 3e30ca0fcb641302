import { check, ts } from '../../../test/support/unit/check-fixture';

const rule = 'redis-no-error-listener';

describe('redis-no-error-listener', () => {
  it('finds redis and ioredis clients (and duplicates) created without an error listener', () => {
    const files = {
      'src/redis.ts': ts`
        import { createClient as connect } from 'redis';
        import Redis from 'ioredis';
        export async function start() {
          const pub = connect({ url: process.env.REDIS_URL });
          const sub = pub.duplicate();
          pub.on('connect', () => undefined);
          const cache = new Redis();
          return [pub, sub, cache];
        }
      `,
    };
    expect(check(files, { rule })).toEqual(['src/redis.ts:4 redis-no-error-listener', 'src/redis.ts:5 redis-no-error-listener', 'src/redis.ts:7 redis-no-error-listener']);
  });

  it('accepts listeners chained, on the variable or field, in another method for a field, or in a loop over the clients', () => {
    const files = {
      'src/redis.ts': ts`
        import * as redis from 'redis';
        import { Redis } from 'ioredis';
        export class Clients {
          private readonly cache = new Redis();
          private readonly clients: unknown[] = [];
          onModuleInit() {
            this.cache.on('error', () => undefined);
          }
          async connect() {
            const chained = redis.createClient().on('error', () => undefined);
            const pub = redis.createClient();
            pub.once('error', () => undefined);
            const a = redis.createClient();
            const b = a.duplicate();
            for (const client of [a, b]) client.on('error', () => undefined);
            return [chained, pub];
          }
        }
      `,
      'src/no-redis.ts': 'export const copy = list.duplicate();\n',
    };
    expect(check(files, { rule })).toEqual([]);
  });
});
