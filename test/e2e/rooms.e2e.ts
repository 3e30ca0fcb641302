import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import { createTestApp, removeTestApp } from '../support/apps';
import { RunningApp, startApp } from '../support/processes';
import { ConnectedUser, connectUser } from '../support/clients';
import { appBin, succeed } from '../support/commands';
import { TEST_JWT_SECRET } from '../support/jwt';

/**
 * room-handler end to end in a real Nest 12 ESM app generated with auth and rooms on in
 * realtime.json (`gateway chat` brings the room handler), a team rule in the generated canJoin
 * policy, compiled, started and driven by several socket.io clients.
 */
describe('room-handler in a nest12-esm app', () => {
  let app: string;
  let server: RunningApp;
  const clients: Socket[] = [];

  /** A connected client of user `sub`, recording every room event it receives, in order. */
  async function user(sub: string): Promise<ConnectedUser> {
    const connectedUser = await connectUser(`${server.url}/chat`, sub);
    clients.push(connectedUser.socket);
    return connectedUser;
  }

  beforeAll(async () => {
    app = await createTestApp('nest12-esm');
    writeFileSync(join(app, 'realtime.json'), JSON.stringify({ auth: { enabled: true }, rooms: { enabled: true, maxRoomsPerSocket: 3 } }));
    const generated = await succeed(app, appBin(app, 'realtime-schematics'), ['gateway', 'chat']);
    expect(generated.stdout).toContain('CREATE src/chat/chat.rooms.ts');
    // The team's rule goes in the generated policy: rooms named private-* are refused.
    const policyFile = join(app, 'src/chat/chat.room-policy.ts');
    const policy = readFileSync(policyFile, 'utf8');
    const rule = 'return room.length > 0;';
    expect(policy).toContain(rule);
    writeFileSync(policyFile, policy.replace(rule, "return room.length > 0 && !room.startsWith('private-');"));
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

  it('joins, posts to every member (sender included) and not to others, lists members, leaves', async () => {
    const [alice, bob, carol] = [await user('alice'), await user('bob'), await user('carol')];

    expect(await alice.call('joinRoom', { room: 'lobby' })).toEqual({ ok: true, data: { room: 'lobby' } });
    expect(await bob.call('joinRoom', { room: 'lobby' })).toEqual({ ok: true, data: { room: 'lobby' } });
    expect(await alice.received(1)).toEqual([['userJoined', { room: 'lobby', userId: 'bob' }]]);

    expect(await alice.call('roomMessage', { room: 'lobby', text: 'hi all' })).toEqual({ ok: true });
    const message = { room: 'lobby', text: 'hi all', sender: 'alice', timestamp: expect.any(String) };
    expect(await alice.received(1)).toEqual([['roomMessage', message]]);
    expect(await bob.received(1)).toEqual([['roomMessage', message]]);

    // A non-member cannot post: error ack, nothing delivered.
    expect(await carol.call('roomMessage', { room: 'lobby', text: 'let me in' })).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN', message: 'Join the room first' },
    });
    expect(await carol.call('roomMembers', { room: 'lobby' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    // A second connection of bob counts once.
    const bobAgain = await user('bob');
    await bobAgain.call('joinRoom', { room: 'lobby' });
    // Membership is per connection: bob's first socket is told about the second one too.
    expect(await bob.received(1)).toEqual([['userJoined', { room: 'lobby', userId: 'bob' }]]);
    const members = (await alice.call('roomMembers', { room: 'lobby' })) as { data: { userIds: string[] } };
    expect(members).toMatchObject({ ok: true, data: { room: 'lobby' } });
    expect(members.data.userIds.sort()).toEqual(['alice', 'bob']);

    expect(await bob.call('leaveRoom', { room: 'lobby' })).toEqual({ ok: true, data: { room: 'lobby' } });
    expect(await alice.received(2)).toEqual([
      ['userJoined', { room: 'lobby', userId: 'bob' }],
      ['userLeft', { room: 'lobby', userId: 'bob' }],
    ]);
    expect(await alice.call('roomMessage', { room: 'lobby', text: 'after' })).toEqual({ ok: true });
    await alice.received(1);
    expect(await bob.received(0)).toEqual([]);
    expect(await carol.received(0)).toEqual([]);

    // Leaving by disconnecting notifies the members that remain.
    bobAgain.socket.disconnect();
    expect(await alice.received(1)).toEqual([['userLeft', { room: 'lobby', userId: 'bob' }]]);
  });

  it.each([
    ['an empty name', ''],
    ['a name over 64 characters', 'r'.repeat(65)],
    ['unsafe characters', 'lobby<script>'],
    ['a name that is not a string', 42],
  ])('refuses %s with VALIDATION_FAILED', async (_case, room) => {
    const alice = await user('alice');
    const ack = await alice.call('joinRoom', { room });
    expect(ack).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', details: { room: expect.any(Array) } } });
    expect(alice.socket.connected).toBe(true);
  });

  it('enforces the rooms-per-connection limit from realtime.json', async () => {
    const dave = await user('dave');
    for (const room of ['r1', 'r2', 'r3']) expect(await dave.call('joinRoom', { room })).toMatchObject({ ok: true });
    expect(await dave.call('joinRoom', { room: 'r4' })).toEqual({
      ok: false,
      error: { code: 'ROOM_LIMIT_REACHED', message: 'A connection may be in at most 3 rooms' },
    });
    expect(await dave.call('leaveRoom', { room: 'r1' })).toMatchObject({ ok: true });
    expect(await dave.call('joinRoom', { room: 'r4' })).toMatchObject({ ok: true });
  });

  it('asks the canJoin policy: its refusal is FORBIDDEN', async () => {
    const erin = await user('erin');
    expect(await erin.call('joinRoom', { room: 'private-board' })).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN', message: 'Not allowed here' },
    });
  });

  it('passes its generated specs and linter', async () => {
    const unit = await succeed(app, 'npm', ['test']);
    expect(unit.stdout).toMatch(/chat\.room-policy\.spec\.ts/);
    await succeed(app, 'npm', ['run', 'lint']);
  });
});
