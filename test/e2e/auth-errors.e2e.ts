import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import { createTestApp, removeTestApp } from '../support/apps';
import { RunningApp, startApp } from '../support/processes';
import { ClientOptions, connected, openClient, refusal } from '../support/clients';
import { succeed } from '../support/commands';
import { TEST_JWT_SECRET, signJwt } from '../support/jwt';

/**
 * ws-guard and ws-filter end to end in a real Nest 12 ESM app: `gateway chat`, then
 * `ws-guard --gateway chat` (the AST path), compiled with the app's own tsconfig, started, and
 * driven with socket.io-client: refused handshakes on a namespaced gateway, the per-message guard,
 * and every kind of handler error reaching the client as one envelope.
 */
const SECRET = TEST_JWT_SECRET;
const sign = signJwt;

const nowInSeconds = () => Math.floor(Date.now() / 1000);

/** Handlers added to the generated gateway by the test: one that fails, one that reports the user. */
const TEST_HANDLERS = `
  @SubscribeMessage('explode')
  explode(): never {
    throw new Error('database password is hunter2');
  }

  @SubscribeMessage('whoami')
  whoami(@ConnectedSocket() client: ChatSocket): WsOk<string> {
    return { ok: true, data: client.data.user?.sub ?? 'nobody' };
  }
}
`;


describe('ws-guard and ws-filter in a nest12-esm app', () => {
  let app: string;
  let server: RunningApp;
  const clients: Socket[] = [];
  const cli = () => join(app, 'node_modules/.bin/realtime-schematics');

  function open(options: ClientOptions = {}): Socket {
    const client = openClient(`${server.url}/chat`, options);
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    app = await createTestApp('nest12-esm');
    await succeed(app, cli(), ['gateway', 'chat']);
    const guard = await succeed(app, cli(), ['ws-guard', '--gateway', 'chat']);
    expect(guard.stdout).toContain('UPDATE src/chat/chat.gateway.ts');
    expect(guard.stdout).toContain('UPDATE src/app.module.ts');
    // The gateway's specs, untouched since `gateway` wrote them, now connect with a token.
    expect(guard.stdout).toContain('UPDATE src/chat/chat.gateway.spec.ts');
    expect(guard.stdout).toContain('UPDATE test/chat.gateway.e2e-spec.ts');
    expect(guard.stderr).not.toContain('WARNING');
    const gatewayFile = join(app, 'src/chat/chat.gateway.ts');
    const gateway = readFileSync(gatewayFile, 'utf8');
    writeFileSync(gatewayFile, gateway.slice(0, gateway.lastIndexOf('}')) + TEST_HANDLERS.trimStart());
    await succeed(app, 'npm', ['run', 'build']);
    server = await startApp(app, { JWT_SECRET: SECRET });
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.disconnect();
  });

  afterAll(async () => {
    await server?.stop();
    if (app) await removeTestApp(app);
  });

  it('running ws-guard and ws-filter again changes nothing', async () => {
    for (const args of [['ws-guard', '--gateway', 'chat'], ['ws-filter', '--gateway', 'chat']]) {
      const again = await succeed(app, cli(), args);
      expect(again.stdout.trim()).toBe('Nothing to be done.');
    }
  });

  it.each([
    ['no token', {}, 'missing_token'],
    ['a token signed with another secret', { auth: { token: sign({ sub: 'eve' }, 'not-the-secret') } }, 'invalid_token'],
    ['an expired token', { auth: { token: sign({ sub: 'alice', exp: nowInSeconds() - 10 }) } }, 'expired_token'],
    ['a token without a subject', { auth: { token: sign({ name: 'alice' }) } }, 'invalid_token'],
  ])('refuses a handshake on the namespaced gateway with %s', async (_case, options, reason) => {
    const error = await refusal(open(options));
    expect(error.message).toBe('Unauthorized');
    expect(error.data).toEqual({ code: 'UNAUTHORIZED', reason });
  });

  it('accepts a valid token from auth.token or an Authorization header, and handlers see socket.data.user', async () => {
    const fromAuth = await connected(open({ auth: { token: sign({ sub: 'alice' }) } }));
    expect(await fromAuth.timeout(5000).emitWithAck('whoami', {})).toEqual({ ok: true, data: 'alice' });
    const fromHeader = await connected(open({ extraHeaders: { Authorization: `Bearer ${sign({ sub: 'bob' })}` } }));
    expect(await fromHeader.timeout(5000).emitWithAck('whoami', {})).toEqual({ ok: true, data: 'bob' });
  });

  it('delivers messages with the authenticated user as sender', async () => {
    const alice = await connected(open({ auth: { token: sign({ sub: 'alice' }) } }));
    const bob = await connected(open({ auth: { token: sign({ sub: 'bob' }) } }));
    const received = new Promise((resolve) => bob.once('message', resolve));
    expect(await alice.timeout(5000).emitWithAck('message', { text: 'hi' })).toEqual({ ok: true });
    expect(await received).toEqual({ text: 'hi', sender: 'alice', timestamp: expect.any(String) });
  });

  it('acks an invalid payload with VALIDATION_FAILED and the fields at fault; the socket stays', async () => {
    const alice = await connected(open({ auth: { token: sign({ sub: 'alice' }) } }));
    const ack = await alice.timeout(5000).emitWithAck('message', { text: '', admin: true });
    expect(ack).toEqual({
      ok: false,
      error: {
        code: 'VALIDATION_FAILED',
        message: 'Validation failed',
        details: { text: ['text should not be empty'], admin: ['property admin should not exist'] },
      },
    });
    expect(alice.connected).toBe(true);
  });

  it('turns a plain Error into INTERNAL without stack or payload, logged on the server', async () => {
    const alice = await connected(open({ auth: { token: sign({ sub: 'alice' }) } }));
    const ack = await alice.timeout(5000).emitWithAck('explode', { card: '4111 1111 1111 1111' });
    expect(ack).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'Internal server error' } });
    expect(JSON.stringify(ack)).not.toMatch(/hunter2|4111|at /);
    expect(server.output()).toContain('database password is hunter2');
  });

  it('sends the envelope as an `exception` event when the client asked for no ack', async () => {
    const alice = await connected(open({ auth: { token: sign({ sub: 'alice' }) } }));
    const exception = new Promise((resolve) => alice.once('exception', resolve));
    alice.emit('explode', {});
    expect(await exception).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'Internal server error' } });
  });

  it('rejects messages once the token has expired, without re-verifying it (UNAUTHORIZED)', async () => {
    const alice = await connected(open({ auth: { token: sign({ sub: 'alice', exp: nowInSeconds() + 2 }) } }));
    expect(await alice.timeout(5000).emitWithAck('whoami', {})).toEqual({ ok: true, data: 'alice' });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const ack = await alice.timeout(5000).emitWithAck('message', { text: 'late' });
    expect(ack).toEqual({ ok: false, error: { code: 'UNAUTHORIZED', message: 'Token expired' } });
  });

  it('keeps serving new clients after all of the above, and the main namespace is not the guarded one', async () => {
    const late = await connected(open({ auth: { token: sign({ sub: 'carol' }) } }));
    expect(await late.timeout(5000).emitWithAck('message', { text: 'still up' })).toEqual({ ok: true });
    // The middleware is installed on /chat itself: a socket on "/" is unaffected, and passes nothing to /chat.
    const root = openClient(server.url);
    clients.push(root);
    await connected(root);
  });

  it('with auth on in realtime.json, `gateway` writes a guarded gateway whose own specs pass', async () => {
    const conventionsApp = await createTestApp('nest12-esm');
    try {
      writeFileSync(join(conventionsApp, 'realtime.json'), JSON.stringify({ auth: { enabled: true } }));
      const generated = await succeed(conventionsApp, join(conventionsApp, 'node_modules/.bin/realtime-schematics'), ['gateway', 'chat']);
      expect(generated.stdout).toContain('CREATE src/realtime/ws-auth.middleware.ts');
      expect(readFileSync(join(conventionsApp, 'src/chat/chat.gateway.ts'), 'utf8')).toContain('@UseGuards(WsAuthGuard)');
      await succeed(conventionsApp, 'npm', ['run', 'build']);
      await succeed(conventionsApp, 'npm', ['run', 'lint']);
      const unit = await succeed(conventionsApp, 'npm', ['test']);
      expect(unit.stdout).toMatch(/ws-auth\.guard\.spec\.ts/);
      expect(unit.stdout).toMatch(/ws-exception\.filter\.spec\.ts/);
      expect(unit.stdout).toMatch(/chat\.gateway\.spec\.ts/);
      // The app's own e2e spec boots AppModule, which now needs the secret like the app does.
      const e2e = await succeed(conventionsApp, 'npm', ['run', 'test:e2e'], { JWT_SECRET: SECRET });
      expect(e2e.stdout).toMatch(/chat\.gateway\.e2e-spec\.ts/);
    } finally {
      await removeTestApp(conventionsApp);
    }
  });

  it('refuses to start without JWT_SECRET, saying why', async () => {
    await expect(startApp(app, { JWT_SECRET: '' })).rejects.toThrow(/JWT_SECRET is not set/);
  });
});
