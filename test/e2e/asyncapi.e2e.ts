import { Parser } from '@asyncapi/parser';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestApp, removeTestApp } from '../support/apps';
import { appBin, succeed } from '../support/commands';
import { fileSnapshot } from '../support/snapshots';

/**
 * `asyncapi` (alias `docs`) in a real Nest 12 ESM app: `init` + `feature chat` and a gateway
 * written by hand, documented with the packed CLI. The document is parsed with @asyncapi/parser,
 * its operations compared with what the app's files declare (read here with plain regular
 * expressions, not with the schematic's reader), then: a rerun changes nothing, the file passes
 * the app's own `prettier --check`, `--dry-run` writes nothing, and `nest g` writes the same bytes.
 */
const HAND_WRITTEN_GATEWAY = `import { UsePipes, ValidationPipe } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { IsInt, IsString, Max, Min } from 'class-validator';
import type { Socket } from 'socket.io';

export class MoveDto {
  @IsString()
  piece!: string;

  @IsInt()
  @Min(0)
  @Max(63)
  square!: number;
}

@WebSocketGateway({ namespace: 'board' })
export class BoardGateway {
  @SubscribeMessage('move')
  @UsePipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true }))
  move(@MessageBody() move: MoveDto, @ConnectedSocket() client: Socket) {
    client.broadcast.emit('moved', move);
    return { accepted: true };
  }
}
`;

type Operation = { action: 'send' | 'receive'; channel: { $ref: string }; messages: Array<{ $ref: string }>; reply?: unknown };
type Document = {
  channels: Record<string, { address: string; messages: Record<string, { name: string; payload: Record<string, unknown> }> }>;
  operations: Record<string, Operation>;
  components: { schemas: Record<string, Record<string, unknown>> };
};

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

/**
 * `namespace event` for every `@SubscribeMessage('event')` and every member of a `…ServerEvents` /
 * `…NotificationEvents` interface, an `emit('event'` of the hand-written gateway, and the
 * `emit('event'` of the exception filter the chat gateway applies with @UseFilters.
 */
function declaredEvents(app: string): { received: string[]; sent: string[] } {
  const received = new Set<string>();
  const sent = new Set<string>();
  const files = sourceFiles(join(app, 'src'));
  const chatUsesFilters = readFileSync(join(app, 'src/chat/chat.gateway.ts'), 'utf8').includes('@UseFilters(');
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    if (file.endsWith('.filter.ts') && chatUsesFilters) for (const [, event] of text.matchAll(/emit\('([^']+)'/g)) sent.add(`/chat ${event}`);
    const namespace = /namespace: '([^']*)'/.exec(text)?.[1] ?? (file.includes('/chat/') ? 'chat' : '');
    for (const [, event] of text.matchAll(/@SubscribeMessage\('([^']+)'\)/g)) received.add(`/${namespace} ${event}`);
    for (const [, body] of text.matchAll(/interface \w+(?:ServerEvents|NotificationEvents) \{([^}]*)\}/g)) {
      for (const [, event] of body.matchAll(/^\s+(\w+): \(/gm)) sent.add(`/chat ${event}`);
    }
    if (file.endsWith('board.gateway.ts')) for (const [, event] of text.matchAll(/emit\('([^']+)'/g)) sent.add(`/${namespace} ${event}`);
  }
  return { received: [...received].sort(), sent: [...sent].sort() };
}

/** `namespace event` of every operation of an action; a room channel's events count for its namespace. */
function documented(document: Document, action: Operation['action']): string[] {
  return Object.values(document.operations)
    .filter((operation) => operation.action === action)
    .map((operation) => {
      const channel = document.channels[operation.channel.$ref.replace('#/channels/', '')];
      const message = channel.messages[operation.messages[0].$ref.split('/').pop()!];
      return `${channel.address.replace(/\/rooms\/\{room\}$/, '')} ${message.name}`;
    })
    .sort();
}

describe('asyncapi in a Nest 12 ESM app', () => {
  let app: string;

  beforeAll(async () => {
    app = await createTestApp('nest12-esm');
    const cli = appBin(app, 'realtime-schematics');
    await succeed(app, cli, ['init', '--skip-install']);
    await succeed(app, cli, ['feature', 'chat']);
    mkdirSync(join(app, 'src/board'));
    writeFileSync(join(app, 'src/board/board.gateway.ts'), HAND_WRITTEN_GATEWAY);
  });

  afterAll(async () => {
    if (app) await removeTestApp(app);
  });

  it('writes asyncapi.json and nothing else: valid for the AsyncAPI parser, one operation per handler and per server event', async () => {
    const before = await fileSnapshot(app);
    const result = await succeed(app, appBin(app, 'realtime-schematics'), ['asyncapi']);
    expect(result.stdout).toContain('CREATE asyncapi.json');
    expect(result.stderr).not.toContain('WARNING');
    const after = await fileSnapshot(app);
    expect(Object.keys(after).filter((file) => after[file] !== before[file])).toEqual(['asyncapi.json']);

    const text = readFileSync(join(app, 'asyncapi.json'), 'utf8');
    const { document: parsed, diagnostics } = await new Parser().parse(text);
    expect(diagnostics.filter((diagnostic) => diagnostic.severity === 0)).toEqual([]);
    expect(parsed?.version()).toBe('3.0.0');

    const document = JSON.parse(text) as Document;
    const declared = declaredEvents(app);
    expect(declared.received).toEqual(expect.arrayContaining(['/chat message', '/chat joinRoom', '/chat onlineUsers', '/board move']));
    expect(declared.sent).toEqual(expect.arrayContaining(['/chat exception', '/chat message', '/chat userJoined', '/chat presenceDiff', '/chat notification', '/board moved']));
    expect(documented(document, 'receive')).toEqual(declared.received);
    expect(documented(document, 'send')).toEqual(declared.sent);
    for (const operation of Object.values(document.operations)) {
      if (operation.action === 'receive') expect(operation.reply).toBeDefined();
    }
    // The hand-written DTO's rules, with whitelisting, as the ValidationPipe applies them.
    expect(document.components.schemas.MoveDto).toEqual({
      type: 'object',
      properties: { piece: { type: 'string' }, square: { type: 'integer', minimum: 0, maximum: 63 } },
      required: ['piece', 'square'],
      additionalProperties: false,
    });
  });

  it('changes nothing on a rerun, passes the app’s prettier --check, writes nothing with --dry-run, and writes the same bytes through nest g (asyncapi and its alias docs)', async () => {
    const before = await fileSnapshot(app);
    const again = await succeed(app, appBin(app, 'realtime-schematics'), ['docs']);
    expect(again.stdout.trim()).toBe('Nothing to be done.');
    expect(await fileSnapshot(app)).toEqual(before);

    await succeed(app, appBin(app, 'prettier'), ['--check', 'asyncapi.json']);

    const written = readFileSync(join(app, 'asyncapi.json'), 'utf8');
    rmSync(join(app, 'asyncapi.json'));
    const dryRun = await succeed(app, appBin(app, 'realtime-schematics'), ['asyncapi', '--dry-run']);
    expect(dryRun.stdout).toContain('CREATE asyncapi.json');
    expect(readdirSync(app)).not.toContain('asyncapi.json');

    // The schematic and its alias, as the Nest CLI resolves them in the collection.
    for (const schematic of ['asyncapi', 'docs']) {
      rmSync(join(app, 'asyncapi.json'), { force: true });
      const nest = await succeed(app, appBin(app, 'nest'), ['g', '-c', 'realtime-schematics', schematic]);
      // `nest g` exits 0 even when the schematic fails: the output and the file are checked.
      expect({ schematic, created: nest.stdout.includes('CREATE asyncapi.json') }).toEqual({ schematic, created: true });
      expect(readFileSync(join(app, 'asyncapi.json'), 'utf8')).toBe(written);
    }
  });
});
