import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import { createTestApp, removeTestApp } from '../support/apps';
import { RunningApp, startApp } from '../support/processes';
import { ConnectedUser, Payload, ROOM_EVENTS, connectUser } from '../support/clients';
import { appBin, succeed } from '../support/commands';
import { TEST_JWT_SECRET } from '../support/jwt';

/**
 * The per-connection rate limit (SPEC §5.9) and the reserved user rooms (§5.7) end to end, in a
 * real Nest 12 ESM app generated with auth, rooms and the rate limit on in realtime.json
 * (`gateway chat` brings the room handler and the guard), compiled, started and driven by
 * socket.io clients.
 */
const POINTS = 5;
const DURATION_MS = 1000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The refusal of an event over the limit, as the client receives it. */
function expectRateLimited(ack: Payload): number {
  expect(ack).toEqual({ ok: false, error: { code: 'RATE_LIMITED', message: expect.any(String), retryAfterMs: expect.any(Number) } });
  const { retryAfterMs } = ack.error as { retryAfterMs: number };
  expect(retryAfterMs).toBeGreaterThan(0);
  expect(retryAfterMs).toBeLessThanOrEqual(DURATION_MS);
  return retryAfterMs;
}

describe('rate limit and user rooms in a nest12-esm app', () => {
  let app: string;
  let server: RunningApp;
  const clients: Socket[] = [];
  const cli = () => appBin(app, 'realtime-schematics');

  /** A connected client of user `sub`, recording room events, gateway messages and `exception` events. */
  async function user(sub: string): Promise<ConnectedUser> {
    const connectedUser = await connectUser(`${server.url}/chat`, sub, [...ROOM_EVENTS, 'message', 'exception']);
    clients.push(connectedUser.socket);
    return connectedUser;
  }

  beforeAll(async () => {
    app = await createTestApp('nest12-esm');
    const conventions = { auth: { enabled: true }, rooms: { enabled: true }, rateLimit: { enabled: true, points: POINTS, durationMs: DURATION_MS } };
    writeFileSync(join(app, 'realtime.json'), JSON.stringify(conventions));
    const generated = await succeed(app, cli(), ['gateway', 'chat']);
    expect(generated.stdout).toContain('CREATE src/realtime/ws-rate-limit.guard.ts');
    expect(generated.stdout).toContain('CREATE src/realtime/ws-rate-limit.guard.spec.ts');
    expect(generated.stderr).not.toContain('WARNING');
    await succeed(app, 'npm', ['run', 'build']);
    server = await startApp(app, { JWT_SECRET: TEST_JWT_SECRET });
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.disconnect();
  });

  afterAll(async () => {
    await server?.stop();
    if (app) await removeTestApp(app);
  });

  it('serves the first events of a burst and refuses the rest, for that connection only, until the window has passed', async () => {
    const [alice, bob] = [await user('alice'), await user('bob')];
    expect(await alice.call('joinRoom', { room: 'lobby' })).toMatchObject({ ok: true });
    expect(await bob.call('joinRoom', { room: 'lobby' })).toMatchObject({ ok: true });
    expect(await alice.received(1)).toEqual([['userJoined', { room: 'lobby', userId: 'bob' }]]);
    // The joins spent a point each: the burst starts in a window of its own.
    await sleep(DURATION_MS + 100);

    const texts = Array.from({ length: 20 }, (_, index) => `burst ${index}`);
    const acks = await Promise.all(texts.map((text) => alice.call('roomMessage', { room: 'lobby', text })));

    expect(acks.slice(0, POINTS)).toEqual(Array(POINTS).fill({ ok: true }));
    const waits = acks.slice(POINTS).map(expectRateLimited);
    expect(alice.socket.connected).toBe(true);

    // Another connection in the same window is not affected. Its own message is also a barrier:
    // everything delivered to bob before it has arrived once it does.
    expect(await bob.call('roomMessage', { room: 'lobby', text: 'from bob' })).toEqual({ ok: true });
    const delivered = (await bob.received(POINTS + 1)).map(([, payload]) => payload.text);
    expect(delivered).toEqual([...texts.slice(0, POINTS), 'from bob']);

    // Once the window has passed, the connection's events go through again.
    await sleep(Math.max(...waits) + 50);
    expect(await alice.call('roomMessage', { room: 'lobby', text: 'later' })).toEqual({ ok: true });
    expect((await bob.received(1)).map(([, payload]) => payload.text)).toEqual(['later']);
  });

  it('sends the refusal as an `exception` event when the client asked for no ack, delivering nothing', async () => {
    const [carol, dave] = [await user('carol'), await user('dave')];
    const acks = await Promise.all(Array.from({ length: POINTS }, (_, index) => carol.call('message', { text: `hello ${index}` })));
    expect(acks).toEqual(Array(POINTS).fill({ ok: true }));

    carol.socket.emit('message', { text: 'one too many' });
    const [exception] = await carol.received(1);
    expect(exception[0]).toBe('exception');
    expectRateLimited(exception[1]);
    // The refused message reached no one: dave has the first POINTS messages only.
    expect(await dave.call('message', { text: 'barrier' })).toEqual({ ok: true });
    expect((await dave.received(POINTS)).map(([, payload]) => payload.text)).toEqual(acks.map((_, index) => `hello ${index}`));
    expect(carol.socket.connected).toBe(true);
  });

  it('counts the gateway and the room handler of one connection together', async () => {
    const erin = await user('erin');
    const calls: [string, Payload][] = [
      ['message', { text: 'one' }],
      ['message', { text: 'two' }],
      ['message', { text: 'three' }],
      ['joinRoom', { room: 'r1' }],
      ['joinRoom', { room: 'r2' }],
      ['joinRoom', { room: 'r3' }],
    ];
    const acks = await Promise.all(calls.map(([event, payload]) => erin.call(event, payload)));
    expect(acks.slice(0, POINTS)).toEqual([{ ok: true }, { ok: true }, { ok: true }, { ok: true, data: { room: 'r1' } }, { ok: true, data: { room: 'r2' } }]);
    expectRateLimited(acks[POINTS]);
    // The refused join ran no handler: erin is not in r3.
    await sleep(DURATION_MS + 100);
    expect(await erin.call('roomMessage', { room: 'r3', text: 'in?' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it.each([
    ['joinRoom of another user room', 'joinRoom', { room: 'user:bob' }],
    ['joinRoom of its own user room', 'joinRoom', { room: 'user:alice' }],
    ['leaveRoom of its own user room', 'leaveRoom', { room: 'user:alice' }],
    ['roomMessage to another user room', 'roomMessage', { room: 'user:bob', text: 'psst' }],
    ['roomMessage to its own user room', 'roomMessage', { room: 'user:alice', text: 'me' }],
    ['roomMembers of another user room', 'roomMembers', { room: 'user:bob' }],
    ['roomMembers of its own user room', 'roomMembers', { room: 'user:alice' }],
  ])('refuses %s with FORBIDDEN, delivering nothing', async (_case, event, payload) => {
    const [alice, bob] = [await user('alice'), await user('bob')];
    expect(await alice.call(event, payload)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // A round trip of bob's: anything sent to him before it has arrived once it is back.
    await bob.call('roomMembers', { room: 'nowhere' });
    expect(await bob.received(0)).toEqual([]);
    expect(await alice.received(0)).toEqual([]);
    expect(alice.socket.connected).toBe(true);
  });

  it("shows a room's members and nothing of their other rooms", async () => {
    const [alice, bob] = [await user('alice'), await user('bob')];
    await alice.call('joinRoom', { room: 'lobby' });
    await bob.call('joinRoom', { room: 'lobby' });
    await bob.call('joinRoom', { room: 'secret' });
    const members = await alice.call('roomMembers', { room: 'lobby' });
    expect(members).toEqual({ ok: true, data: { room: 'lobby', userIds: expect.any(Array) } });
    expect(((members.data as { userIds: string[] }).userIds).sort()).toEqual(['alice', 'bob']);
    expect(await alice.call('roomMembers', { room: 'secret' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('a rerun changes nothing, and the generated specs and linter pass', async () => {
    const again = await succeed(app, cli(), ['gateway', 'chat']);
    expect(again.stdout.trim()).toBe('Nothing to be done.');
    const unit = await succeed(app, 'npm', ['test']);
    expect(unit.stdout).toMatch(/ws-rate-limit\.guard\.spec\.ts/);
    // The app's own e2e specs boot AppModule, whose auth module needs the secret.
    await succeed(app, 'npm', ['run', 'test:e2e'], { JWT_SECRET: TEST_JWT_SECRET });
    await succeed(app, 'npm', ['run', 'lint']);
  });
});
