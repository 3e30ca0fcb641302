import { Parser } from '@asyncapi/parser';
import { UnitTestTree } from '@angular-devkit/schematics/testing';
import { format } from 'prettier';
import { NEST_NEW_PRETTIER_OPTIONS } from '../../core/format';
import { createAppTree, createRunner, runSchematic, snapshotTree } from '../../../test/support/unit/app-tree';
import { ts } from '../../../test/support/unit/check-fixture';

const runner = createRunner();
const run = (schematic: string, tree: UnitTestTree, options: Record<string, unknown> = {}) => runSchematic(runner, schematic, options, tree);

function withConventions(tree: UnitTestTree, conventions: object): UnitTestTree {
  tree.create('/realtime.json', JSON.stringify(conventions));
  return tree;
}

/** What `init` turns on (the client aside): feature chat then writes gateway, rooms, guard, filter, presence and notifier. */
const PRODUCTION = { auth: { enabled: true }, rooms: { enabled: true }, presence: { enabled: true }, notifier: { enabled: true } };

type Document = {
  channels: Record<string, { address: string; messages: Record<string, { name: string; payload: Schema }>; parameters?: Record<string, unknown> }>;
  operations: Record<string, { action: string; channel: { $ref: string }; messages: Array<{ $ref: string }>; reply?: { messages: Array<{ $ref: string }> }; security?: unknown[] }>;
  components: { schemas: Record<string, Schema>; securitySchemes?: Record<string, Schema> };
};
type Schema = Record<string, any>;

function documentOf(tree: UnitTestTree, path = '/asyncapi.json'): Document {
  return JSON.parse(tree.readContent(path)) as Document;
}

/** `receive message`, `send userJoined` … per channel id, as the operations say. */
function operationsOf(document: Document): string[] {
  return Object.values(document.operations)
    .map((operation) => `${operation.channel.$ref.replace('#/channels/', '')} ${operation.action} ${document.channels[operation.channel.$ref.replace('#/channels/', '')].messages[operation.messages[0].$ref.split('/').pop()!].name}`)
    .sort();
}

/** The parser's errors (severity 0) for a document; the spec says there must be none. */
async function parserErrors(text: string): Promise<string[]> {
  const { diagnostics } = await new Parser().parse(text);
  return diagnostics.filter((diagnostic) => diagnostic.severity === 0).map((diagnostic) => `${diagnostic.code}: ${diagnostic.message} at ${diagnostic.path.join('.')}`);
}

const payloadOf = (document: Document, channel: string, key: string): Schema => {
  const payload = document.channels[channel].messages[key].payload;
  return typeof payload.$ref === 'string' ? document.components.schemas[payload.$ref.split('/').pop()!] : payload;
};

describe('asyncapi schematic', () => {
  it('documents init + feature chat: one channel for the namespace, one for its rooms, every handler and server event, the JWT; valid, Prettier-clean, unchanged on a rerun', async () => {
    const { tree } = await run('feature', withConventions(createAppTree('esm'), PRODUCTION), { name: 'chat' });
    const { tree: result, warnings } = await run('asyncapi', tree);
    expect(warnings).toEqual([]);
    const text = result.readContent('/asyncapi.json');
    expect(await parserErrors(text)).toEqual([]);
    expect(await format(text, { ...NEST_NEW_PRETTIER_OPTIONS, filepath: '/asyncapi.json' })).toBe(text);
    expect(text.endsWith('}\n')).toBe(true);

    const document = documentOf(result);
    expect(Object.fromEntries(Object.entries(document.channels).map(([id, channel]) => [id, channel.address]))).toEqual({ chat: '/chat', 'chat-rooms': '/chat/rooms/{room}' });
    expect(document.channels['chat-rooms'].parameters).toEqual({ room: { description: 'The room name, as given to `joinRoom`.', location: '$message.payload#/room' } });
    expect(operationsOf(document)).toEqual([
      'chat receive joinRoom',
      'chat receive leaveRoom',
      'chat receive message',
      'chat receive onlineUsers',
      'chat receive roomMembers',
      'chat receive roomMessage',
      'chat send exception',
      'chat send message',
      'chat send notification',
      'chat send presenceDiff',
      'chat-rooms send roomMessage',
      'chat-rooms send userJoined',
      'chat-rooms send userLeft',
    ]);
    // Every client event replies through its ack; the handshake middleware protects the namespace.
    for (const operation of Object.values(document.operations)) {
      expect(operation.security).toEqual([{ $ref: '#/components/securitySchemes/jwt' }]);
      if (operation.action === 'receive') expect(operation.reply?.messages).toHaveLength(1);
      else expect(operation.reply).toBeUndefined();
    }
    expect(document.components.securitySchemes).toEqual({ jwt: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }) });

    // Payloads from the DTOs' rules, whitelisting included; acks and server events from the event maps.
    expect(payloadOf(document, 'chat', 'client.message')).toEqual({
      type: 'object',
      properties: { text: { type: 'string', minLength: 1, maxLength: 1000 } },
      required: ['text'],
      additionalProperties: false,
      description: 'Payload of the `message` event; validated before the handler runs.',
    });
    const room = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' };
    expect(payloadOf(document, 'chat', 'client.roomMessage')).toMatchObject({ properties: { room, text: { type: 'string', minLength: 1, maxLength: 1000 } }, required: ['room', 'text'], additionalProperties: false });
    expect(payloadOf(document, 'chat', 'ack.message')).toEqual({
      oneOf: [
        { type: 'object', properties: { ok: { type: 'boolean', const: true } }, required: ['ok'] },
        { type: 'object', properties: { ok: { type: 'boolean', const: false }, error: { $ref: '#/components/schemas/WsError' } }, required: ['ok', 'error'] },
      ],
    });
    expect(payloadOf(document, 'chat', 'ack.joinRoom').oneOf[0]).toEqual({ type: 'object', properties: { ok: { type: 'boolean', const: true }, data: { type: 'object', properties: { room: { type: 'string' } }, required: ['room'] } }, required: ['ok', 'data'] });
    expect(payloadOf(document, 'chat', 'ack.onlineUsers').oneOf[0].properties.data).toEqual({ type: 'object', properties: { userIds: { type: 'array', items: { type: 'string' } } }, required: ['userIds'] });
    expect(payloadOf(document, 'chat', 'server.message')).toMatchObject({ properties: { text: { type: 'string' }, sender: { type: 'string' }, timestamp: { type: 'string' } }, required: ['text', 'sender', 'timestamp'] });
    expect(payloadOf(document, 'chat-rooms', 'server.userJoined')).toMatchObject({ properties: { room: { type: 'string' }, userId: { type: 'string' } } });
    expect(payloadOf(document, 'chat', 'server.notification')).toMatchObject({ properties: { type: { type: 'string' }, message: { type: 'string' }, data: { type: 'object' } }, required: ['type', 'message'] });
    // The exception filter's event: the envelope, for a failed handler whose client passed no ack.
    expect(payloadOf(document, 'chat', 'server.exception').oneOf[1]).toEqual({ type: 'object', properties: { ok: { type: 'boolean', const: false }, error: { $ref: '#/components/schemas/WsError' } }, required: ['ok', 'error'] });
    expect(document.channels.chat.messages['server.exception']).toMatchObject({ description: expect.stringContaining('Emitted by WsExceptionFilter, the exception filter') });
    expect(document.components.schemas.WsError).toMatchObject({ required: ['code', 'message'], properties: { details: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } } } });

    const before = snapshotTree(result);
    await run('asyncapi', result);
    await run('docs', result);
    expect(snapshotTree(result)).toEqual(before);
    // feature writes some twenty files, and the parser loads its rulesets on first use.
  }, 30_000);

  it('keeps events whose names read the same once made safe for keys (`a:b`, `a_b`) apart, the same way on every run', async () => {
    const tree = createAppTree('cjs');
    tree.create(
      '/src/lobby.gateway.ts',
      ts`
        import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';

        @WebSocketGateway()
        export class LobbyGateway {
          @SubscribeMessage('a_b')
          underscore(@MessageBody() payload: { u: number }): { u: number } {
            return payload;
          }

          @SubscribeMessage('a:b')
          colon(@MessageBody() payload: { c: string }): { c: string } {
            return payload;
          }
        }
      `,
    );
    const { tree: result } = await run('asyncapi', tree);
    const text = result.readContent('/asyncapi.json');
    expect(await parserErrors(text)).toEqual([]);
    const document = documentOf(result);
    expect(operationsOf(document)).toEqual(['main receive a:b', 'main receive a_b']);
    expect(Object.keys(document.operations).sort()).toEqual(['main.receive.a_b', 'main.receive.a_b2']);
    expect(payloadOf(document, 'main', 'client.a_b')).toEqual({ type: 'object', properties: { c: { type: 'string' } }, required: ['c'] });
    expect(payloadOf(document, 'main', 'ack.a_b2')).toEqual({ type: 'object', properties: { u: { type: 'number' } }, required: ['u'] });
    const before = snapshotTree(result);
    await run('asyncapi', result);
    expect(snapshotTree(result)).toEqual(before);
  });

  it('documents a server event of several listener arguments, or a rest parameter, as an array of them in order', async () => {
    const tree = createAppTree('cjs');
    tree.create(
      '/src/board.gateway.ts',
      ts`
        import { WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
        import type { Namespace } from 'socket.io';

        interface BoardServerEvents {
          moved: (x: number, y: number, label?: string) => void;
          log(level: 'info' | 'warn', ...lines: string[]): void;
          cleared: () => void;
          renamed: (name: string) => void;
        }

        @WebSocketGateway({ namespace: 'board' })
        export class BoardGateway {
          @WebSocketServer()
          private readonly namespace!: Namespace<Record<string, never>, BoardServerEvents>;
        }
      `,
    );
    const { tree: result } = await run('asyncapi', tree);
    expect(await parserErrors(result.readContent('/asyncapi.json'))).toEqual([]);
    const document = documentOf(result);
    expect(operationsOf(document)).toEqual(['board send cleared', 'board send log', 'board send moved', 'board send renamed']);
    expect(payloadOf(document, 'board', 'server.moved')).toEqual({
      type: 'array',
      description: "The listener's arguments, in order (x, y, label).",
      items: [{ type: 'number' }, { type: 'number' }, { type: 'string' }],
      minItems: 2,
      maxItems: 3,
    });
    expect(payloadOf(document, 'board', 'server.log')).toEqual({
      type: 'array',
      description: "The listener's arguments, in order (level, ...lines).",
      items: [{ type: 'string', enum: ['info', 'warn'] }],
      minItems: 1,
      additionalItems: { type: 'string' },
    });
    expect(payloadOf(document, 'board', 'server.cleared')).toEqual({});
    expect(payloadOf(document, 'board', 'server.renamed')).toEqual({ type: 'string' });
  });

  it('documents a gateway without rooms or auth, and the main namespace, as their own channels without security', async () => {
    const { tree: withChat } = await run('gateway', withConventions(createAppTree('cjs'), { rooms: { enabled: false } }), { name: 'chat' });
    withChat.create(
      '/src/lobby.gateway.ts',
      ts`
        import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';

        @WebSocketGateway()
        export class LobbyGateway {
          @SubscribeMessage('ping')
          ping(@MessageBody() payload: { at: number }): { pong: number } {
            return { pong: payload.at };
          }
        }
      `,
    );
    const { tree } = await run('asyncapi', withChat);
    const document = documentOf(tree);
    expect(await parserErrors(tree.readContent('/asyncapi.json'))).toEqual([]);
    expect(Object.fromEntries(Object.entries(document.channels).map(([id, channel]) => [id, channel.address]))).toEqual({ main: '/', chat: '/chat' });
    expect(operationsOf(document)).toEqual(['chat receive message', 'chat send exception', 'chat send message', 'main receive ping']);
    expect(Object.values(document.operations).every((operation) => operation.security === undefined)).toBe(true);
    expect(document.components.securitySchemes).toBeUndefined();
    expect(payloadOf(document, 'main', 'client.ping')).toEqual({ type: 'object', properties: { at: { type: 'number' } }, required: ['at'] });
    expect(payloadOf(document, 'main', 'ack.ping')).toEqual({ type: 'object', properties: { pong: { type: 'number' } }, required: ['pong'] });
  });

  it('reads class-validator rules into JSON Schema: types, lengths, patterns, enums, formats, arrays, optional and inherited properties, unknown rules described', async () => {
    const tree = createAppTree('esm');
    tree.create(
      '/src/orders/order.dto.ts',
      ts`
        import * as cv from 'class-validator';
        import { ArrayMaxSize, IsArray, IsEmail, IsEnum, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, IsBoolean, IsAlpha } from 'class-validator';
        import { MAX } from './limits.js';

        export enum Priority {
          Low = 'low',
          High = 'high',
        }

        export class BaseDto {
          @IsUUID()
          id!: string;
        }

        /** An order placed over the socket. */
        export class OrderDto extends BaseDto {
          /** How many items. */
          @IsInt()
          @Min(1)
          @Max(MAX)
          quantity!: number;

          @IsOptional()
          @IsEmail()
          email?: string;

          @IsIn(['card', 'cash'])
          payment!: string;

          @IsEnum(Priority)
          priority!: Priority;

          @IsArray()
          @ArrayMaxSize(5)
          @cv.IsString({ each: true })
          tags!: string[];

          @Length(2, 8)
          @Matches(/^[a-z]+$/i)
          code!: string;

          @IsBoolean()
          gift!: boolean;

          @IsAlpha()
          note!: string;

          undecorated?: string;
        }
      `,
    );
    // Constants are followed through imports and aliases.
    tree.create('/src/orders/limits.ts', "import { MAX as M } from './max.js';\nexport const MAX = M;\n");
    tree.create('/src/orders/max.ts', 'export const MAX = 1_000;\n');
    tree.create(
      '/src/orders/orders.gateway.ts',
      ts`
        import { UsePipes, ValidationPipe } from '@nestjs/common';
        import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
        import type { Server, Socket } from 'socket.io';
        import { OrderDto } from './order.dto.js';

        @WebSocketGateway({ namespace: '/orders' })
        export class OrdersGateway {
          @WebSocketServer()
          server!: Server;

          /** Places an order. */
          @SubscribeMessage('placeOrder')
          @UsePipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true }))
          place(@MessageBody() order: OrderDto) {
            this.server.to('staff').emit('orderPlaced', order);
            return { ok: true };
          }

          @SubscribeMessage('draft')
          @UsePipes(new ValidationPipe())
          draft(@MessageBody() order: OrderDto): void {}

          @SubscribeMessage('anything')
          anything(client: Socket, data: unknown) {
            client.emit('echo', data);
          }
        }
      `,
    );
    const { tree: result, warnings } = await run('asyncapi', tree);
    expect(warnings).toEqual([]);
    expect(await parserErrors(result.readContent('/asyncapi.json'))).toEqual([]);
    const document = documentOf(result);
    expect(operationsOf(document)).toEqual(['orders receive anything', 'orders receive draft', 'orders receive placeOrder', 'orders send echo', 'orders send orderPlaced']);

    const strict = payloadOf(document, 'orders', 'client.placeOrder');
    expect(strict).toEqual({
      type: 'object',
      description: 'An order placed over the socket.',
      properties: {
        id: { type: 'string', format: 'uuid' },
        quantity: { type: 'integer', minimum: 1, maximum: 1000, description: 'How many items.' },
        email: { type: 'string', format: 'email' },
        payment: { type: 'string', enum: ['card', 'cash'] },
        priority: { type: 'string', enum: ['low', 'high'] },
        tags: { type: 'array', items: { type: 'string' }, maxItems: 5 },
        code: { type: 'string', minLength: 2, maxLength: 8, pattern: '^[a-z]+$', description: 'Also validated by @Matches() with flags "i".' },
        gift: { type: 'boolean' },
        note: { type: 'string', description: 'Also validated by @IsAlpha().' },
      },
      required: ['id', 'quantity', 'payment', 'priority', 'tags', 'code', 'gift', 'note'],
      additionalProperties: false,
    });
    // Without forbidNonWhitelisted unknown keys pass, and so does the undecorated property.
    const loose = payloadOf(document, 'orders', 'client.draft');
    expect(loose.additionalProperties).toBeUndefined();
    expect(loose.properties.undecorated).toEqual({ type: 'string' });
    expect(loose.required).not.toContain('undecorated');
    expect(document.operations['orders.receive.draft'].reply).toBeUndefined();
    // One component per variant of the DTO: the first one used keeps its name, the other says how it differs.
    const componentOf = (key: string) => document.channels.orders.messages[key].payload.$ref;
    expect([componentOf('client.draft'), componentOf('client.placeOrder')]).toEqual(['#/components/schemas/OrderDto', '#/components/schemas/OrderDto.unknownKeysRefused']);
    expect(payloadOf(document, 'orders', 'ack.placeOrder')).toEqual({ description: 'The handler returns a value its code does not type.' });
    expect(payloadOf(document, 'orders', 'client.anything')).toEqual({ description: 'Not typed: any JSON value reaches the handler.' });
    expect(payloadOf(document, 'orders', 'server.echo')).toEqual({ description: 'Emitted by OrdersGateway; its payload is not typed.' });
    expect(document.operations['orders.receive.placeOrder']).toMatchObject({ description: 'Places an order. Handled by `OrdersGateway.place`.' });
  });

  it('writes the document at a monorepo project root from that project’s gateways only', async () => {
    const tree = createAppTree('esm');
    tree.overwrite('/nest-cli.json', JSON.stringify({ sourceRoot: 'src', monorepo: true, projects: { other: { type: 'application', root: 'apps/other', sourceRoot: 'apps/other/src' } } }));
    const { tree: withMain } = await run('gateway', tree, { name: 'chat' });
    const { tree: withOther } = await run('gateway', withMain, { name: 'alerts', project: 'other' });
    const { tree: result } = await run('asyncapi', withOther, { project: 'other' });
    expect(result.exists('/asyncapi.json')).toBe(false);
    const document = documentOf(result, '/apps/other/asyncapi.json');
    expect(Object.keys(document.channels)).toEqual(['alerts']);
  });

  it('regenerates the document when the gateways change, warns about what it cannot read, and refuses an app that is not a Nest app', async () => {
    const { tree } = await run('gateway', createAppTree('esm'), { name: 'chat' });
    await run('asyncapi', tree);
    tree.create(
      '/src/dynamic.gateway.ts',
      ts`
        import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
        const EVENT = 'status';
        @WebSocketGateway({ namespace: 'status' })
        export class StatusGateway {
          @SubscribeMessage(EVENT)
          status() {}
          @SubscribeMessage(['a', 'b'].join(''))
          computed() {}
        }
        @WebSocketGateway({ namespace: /^\/tenant-\d+$/ })
        export class TenantGateway {}
      `,
    );
    const { tree: result, warnings } = await run('docs', tree);
    expect(warnings).toEqual([
      'WARNING src/dynamic.gateway.ts: the namespace of TenantGateway is not a string literal; it is left out of asyncapi.json.',
      'WARNING src/dynamic.gateway.ts: the event name of StatusGateway.computed is not a string literal; it is left out of asyncapi.json.',
    ]);
    expect(operationsOf(documentOf(result))).toEqual(['chat receive message', 'chat send exception', 'chat send message', 'status receive status']);
    expect(payloadOf(documentOf(result), 'status', 'client.status')).toEqual({ description: 'The handler reads no payload.' });

    const notNest = createAppTree('cjs');
    notNest.overwrite('/package.json', JSON.stringify({ name: 'x', dependencies: {} }));
    const before = snapshotTree(notNest);
    await expect(run('asyncapi', notNest)).rejects.toThrow('No @nestjs/core in package.json');
    expect(snapshotTree(notNest)).toEqual(before);
  });
});
