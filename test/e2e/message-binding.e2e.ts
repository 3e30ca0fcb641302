import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import { createTestApp, removeTestApp } from '../support/apps';
import { openClient, connected } from '../support/clients';
import { appBin, succeed } from '../support/commands';
import { type AppKind } from '../support/app-recipes';
import { startApp } from '../support/processes';

/**
 * The generated adapter's lean message binding (SPEC §5.6) against Nest's own IoAdapter: one
 * transcript of requests (values, promises, observables, `@Ack()`, `{ event, data }` results,
 * exceptions, no-ack emits, a disconnect while a handler runs) is sent to the same app twice, once
 * started with the generated adapter (dist/main.js, as `redis-adapter` wires it) and once with
 * IoAdapter (a second entry file), on Nest 12 and Nest 11. What the client receives must be the
 * same, message for message. The gateway is test/e2e/fixtures/message-binding/probe.gateway.ts.
 */
const FIXTURE = join(__dirname, 'fixtures/message-binding/probe.gateway.ts');

/**
 * A second entry file: the same AppModule on Nest's IoAdapter, with the app's server options
 * (ws-server-options.ts, recovery included, whose offsets ride on every event), so that the message
 * binding is the only difference.
 */
function ioAdapterMain(importSuffix: string): string {
  return `import { NestFactory } from '@nestjs/core';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';
import { AppModule } from './app.module${importSuffix}';
import { wsServerOptions } from './realtime/ws-server-options${importSuffix}';

class ServerOptionsIoAdapter extends IoAdapter {
  createIOServer(port: number, options?: ServerOptions): Server {
    return super.createIOServer(port, { ...options, ...wsServerOptions() } as ServerOptions) as Server;
  }
}

async function bootstrap() {
  const app = await NestFactory.create(AppModule, { logger: false });
  app.useWebSocketAdapter(new ServerOptionsIoAdapter(app));
  await app.listen(process.env.PORT ?? 3000);
}
void bootstrap();
`;
}

/** Every request of the transcript: [event, ...arguments]; `true` last means "with an ack". */
const REQUESTS: [string, unknown[], boolean][] = [
  ['value', [{ text: 'hi' }], true],
  ['value', [1, 2], true],
  ['value', [], true],
  ['value', ['no ack wanted'], false],
  ['promise', [{ n: 1 }], true],
  ['observable', [], true],
  ['lateObservable', [], true],
  ['nothing', [{}], true],
  ['nullish', [], true],
  ['event', [], true],
  ['events', [], true],
  ['sideEmit', [], true],
  ['manualAck', ['m'], true],
  ['wsException', [], true],
  ['httpException', [], true],
  ['error', [], true],
  ['rejects', [], true],
  ['event', [], false],
];

/**
 * What a client receives for the transcript, one line per ack or event in arrival order, each
 * request followed by a barrier (a request answered 30 ms later, once the request's own answers
 * are in); then a second client starts the endless `stream`, disconnects after its first tick,
 * and the first asks what ran after that disconnect.
 */
async function transcript(url: string): Promise<string[]> {
  const lines: string[] = [];
  const client = await connected(openClient(`${url}/probe`));
  client.onAny((event: string, ...args: unknown[]) => {
    // With recovery on (both servers), every event ends with its offset, new on every run: left out.
    const offset = args.pop();
    lines.push(`event ${event} ${JSON.stringify(args)}${typeof offset === 'string' ? '' : ' without an offset'}`);
  });
  try {
    for (const [event, args, withAck] of REQUESTS) {
      lines.push(`> ${event} ${JSON.stringify(args)}${withAck ? ' (ack)' : ''}`);
      if (withAck) client.emit(event, ...args, (...answer: unknown[]) => lines.push(`ack ${event} ${JSON.stringify(answer)}`));
      else client.emit(event, ...args);
      await client.timeout(5_000).emitWithAck('barrier');
    }
    const leaving: Socket = await connected(openClient(`${url}/probe`));
    lines.push(`> stream (ack) ${JSON.stringify(await leaving.timeout(5_000).emitWithAck('stream'))}`);
    leaving.disconnect();
    await client.timeout(5_000).emitWithAck('barrier');
    lines.push(`after disconnect ${JSON.stringify(await client.timeout(5_000).emitWithAck('afterDisconnect'))}`);
  } finally {
    client.disconnect();
  }
  return lines;
}

describe.each<AppKind>(['nest12-esm', 'nest11-cjs'])('message binding on %s: the generated adapter answers as IoAdapter does', (kind) => {
  let app: string;

  beforeAll(async () => {
    app = await createTestApp(kind);
    await succeed(app, appBin(app, 'realtime-schematics'), ['redis-adapter']);
    expect(existsSync(join(app, 'src/realtime/ws-server-options.ts'))).toBe(true);
    await succeed(app, appBin(app, 'nest'), ['g', 'gateway', 'probe', '--flat', '--no-spec']);
    copyFileSync(FIXTURE, join(app, 'src/probe.gateway.ts'));
    writeFileSync(join(app, 'src/io-adapter-main.ts'), ioAdapterMain(kind === 'nest12-esm' ? '.js' : ''));
    await succeed(app, 'npm', ['run', 'build']);
  }, 600_000);

  afterAll(() => removeTestApp(app));

  it('sends the same acks and events, in the same order', async () => {
    const transcripts: Record<string, string[]> = {};
    for (const [adapter, entry] of [
      ['generated', 'dist/main.js'],
      ['IoAdapter', 'dist/io-adapter-main.js'],
    ]) {
      const server = await startApp(app, { REDIS_URL: '' }, entry);
      try {
        transcripts[adapter] = await transcript(server.url);
      } finally {
        await server.stop();
      }
    }
    expect(transcripts.generated).toEqual(transcripts.IoAdapter);
    // What both must say, so that two equally broken bindings cannot agree: every result through
    // Nest's transform (a promise's value, an observable's first value), `@Ack()` handlers acking
    // themselves, `{ event, data }` emitted instead of acked, the running handling ended by the disconnect.
    expect(transcripts.IoAdapter).toEqual(
      expect.arrayContaining([
        'ack promise [{"promised":{"n":1}}]',
        'ack observable [{"first":1}]',
        'ack lateObservable [{"late":true}]',
        'ack manualAck [{"manual":"m"}]',
        'event reply [{"via":"event"}]',
        'after disconnect {"endedByDisconnect":1,"producedAfterDisconnect":0}',
      ]),
    );
    expect(transcripts.IoAdapter).not.toContain('ack event [{"event":"reply","data":{"via":"event"}}]');
  }, 120_000);
});
