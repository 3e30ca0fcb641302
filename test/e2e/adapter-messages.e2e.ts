import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import { createTestApp, removeTestApp } from '../support/apps';
import { RunningApp, startApp } from '../support/processes';
import { connected, openClient } from '../support/clients';
import { appBin, succeed } from '../support/commands';

/**
 * The generated adapter binds message handlers itself, without IoAdapter's rxjs pipeline per
 * message. This runs one compiled app twice, once with the generated adapter and once with Nest's
 * IoAdapter, and drives both through a gateway whose handlers return every kind of result Nest
 * supports: the two transcripts must be identical, and say what Nest's documentation says.
 */
const PROBE_GATEWAY = `
import { UseFilters } from '@nestjs/common';
import { Ack, MessageBody, SubscribeMessage, WebSocketGateway, WsException } from '@nestjs/websockets';
import { finalize, from, interval, map, timer } from 'rxjs';
import { WsExceptionFilter } from './realtime/ws-exception.filter.js';

@WebSocketGateway({ namespace: 'probe' })
@UseFilters(WsExceptionFilter)
export class ProbeGateway {
  @SubscribeMessage('echo')
  echo(@MessageBody() data: unknown) {
    return { received: data ?? null };
  }

  @SubscribeMessage('asyncEcho')
  async asyncEcho(@MessageBody() data: unknown) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { received: data ?? null };
  }

  @SubscribeMessage('asEvent')
  asEvent(@MessageBody() data: unknown) {
    return { event: 'echoed', data };
  }

  @SubscribeMessage('events')
  events() {
    return from([{ event: 'tick', data: 1 }, { event: 'tick', data: 2 }]);
  }

  @SubscribeMessage('later')
  later() {
    return timer(5).pipe(map(() => ({ event: 'tick', data: 3 })));
  }

  @SubscribeMessage('forever')
  forever() {
    return interval(20).pipe(
      map((beat) => ({ event: 'beat', data: beat })),
      finalize(() => console.log('PROBE forever finalized')),
    );
  }

  @SubscribeMessage('manual')
  manual(@Ack() ack: (response: unknown) => void) {
    ack({ manual: true });
    return { automatic: true };
  }

  @SubscribeMessage('nothing')
  nothing(): void {}

  @SubscribeMessage('fails')
  fails() {
    throw new WsException({ code: 'PROBE', message: 'refused' });
  }

  @SubscribeMessage('crashes')
  crashes() {
    throw new Error('internal detail');
  }
}
`;

/** What a client sees of every kind of handler result, as plain data to compare. */
async function transcript(server: RunningApp) {
  const socket: Socket = await connected(openClient(`${server.url}/probe`));
  const events: [string, unknown][] = [];
  for (const event of ['echoed', 'tick', 'exception']) socket.on(event, (payload: unknown) => events.push([event, payload]));
  let beats = 0;
  socket.on('beat', () => beats++);
  const call = (waitMs: number, event: string, ...args: unknown[]) =>
    socket
      .timeout(waitMs)
      .emitWithAck(event, ...args)
      .catch(() => 'no ack');
  const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

  const acks = {
    object: await call(2000, 'echo', { x: 1 }),
    array: await call(2000, 'echo', [1, 2]),
    twoArguments: await call(2000, 'echo', 'a', 'b'),
    noData: await call(2000, 'echo'),
    asynchronous: await call(2000, 'asyncEcho', { y: 2 }),
    eventInsteadOfAck: await call(300, 'asEvent', { z: 3 }),
    observable: await call(300, 'events'),
    manual: await call(2000, 'manual'),
    nothing: await call(300, 'nothing'),
    wsException: await call(2000, 'fails'),
    unknownError: await call(2000, 'crashes'),
  };
  // Without an ack: one at a time, since how soon each reply leaves differs between handlers.
  socket.emit('asEvent', { z: 4 });
  await settle();
  socket.emit('fails');
  await settle();

  // Streams that end by themselves, more of them than an emitter's default listener limit (10):
  // nothing may stay attached to the socket after each one ends.
  const before = events.length;
  for (let stream = 0; stream < 12; stream++) {
    socket.emit('events');
    socket.emit('later');
    await settle();
  }
  const ticks = events.splice(before).filter(([event]) => event === 'tick').length;

  socket.emit('forever');
  for (let waited = 0; beats < 2 && waited < 2000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
  socket.disconnect();
  await settle();
  return {
    acks,
    events,
    ticks,
    beatsBeforeDisconnect: beats >= 2,
    finalizedOnDisconnect: server.output().includes('PROBE forever finalized'),
    listenerWarning: server.output().includes('MaxListenersExceededWarning'),
  };
}

describe('the generated adapter answers messages as Nest’s IoAdapter does', () => {
  let app: string;

  beforeAll(async () => {
    app = await createTestApp('nest12-esm');
    const cli = appBin(app, 'realtime-schematics');
    await succeed(app, cli, ['gateway', 'chat']);
    await succeed(app, cli, ['redis-adapter']);
    writeFileSync(join(app, 'src/probe.gateway.ts'), PROBE_GATEWAY);
    const moduleFile = join(app, 'src/app.module.ts');
    const module = readFileSync(moduleFile, 'utf8');
    writeFileSync(
      moduleFile,
      `import { ProbeGateway } from './probe.gateway.js';\n${module.replace('providers: [', 'providers: [ProbeGateway, ')}`,
    );
    // The same build runs with either adapter.
    const mainFile = join(app, 'src/main.ts');
    const main = readFileSync(mainFile, 'utf8');
    const wiring = 'app.useWebSocketAdapter(redisIoAdapter);';
    expect(main).toContain(wiring);
    writeFileSync(
      mainFile,
      `import { IoAdapter } from '@nestjs/platform-socket.io';\n${main.replace(
        wiring,
        'app.useWebSocketAdapter(process.env.PROBE_NEST_ADAPTER ? new IoAdapter(app) : redisIoAdapter);',
      )}`,
    );
    await succeed(app, 'npm', ['run', 'build']);
  });

  afterAll(async () => {
    if (app) await removeTestApp(app);
  });

  it('gives the same acks, events, Observable streams and errors', async () => {
    const runWith = async (env: NodeJS.ProcessEnv) => {
      const server = await startApp(app, env);
      try {
        return await transcript(server);
      } finally {
        await server.stop();
      }
    };
    const generated = await runWith({});
    const nest = await runWith({ PROBE_NEST_ADAPTER: '1' });

    expect(generated).toEqual(nest);
    expect(generated.acks).toEqual({
      object: { received: { x: 1 } },
      array: { received: [1, 2] },
      twoArguments: { received: ['a', 'b'] },
      noData: { received: null },
      asynchronous: { received: { y: 2 } },
      eventInsteadOfAck: 'no ack',
      observable: 'no ack',
      manual: { manual: true },
      nothing: 'no ack',
      wsException: { ok: false, error: { code: 'PROBE', message: 'refused' } },
      unknownError: { ok: false, error: { code: 'INTERNAL', message: 'Internal server error' } },
    });
    expect(generated.events).toEqual([
      ['echoed', { z: 3 }],
      ['tick', 1],
      ['tick', 2],
      ['echoed', { z: 4 }],
      ['exception', { ok: false, error: { code: 'PROBE', message: 'refused' } }],
    ]);
    expect(generated.ticks).toBe(12 * 3);
    expect(generated.listenerWarning).toBe(false);
    expect(generated.beatsBeforeDisconnect).toBe(true);
    // An endless Observable stops when its client disconnects.
    expect(generated.finalizedOnDisconnect).toBe(true);
  });
});
