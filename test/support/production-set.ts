import type { Socket } from 'socket.io-client';
import { ConnectedUser, ROOM_EVENTS, connectUser, openClient, refusal } from './clients';

/**
 * The production set: what `init` + `feature chat` generate (auth, rooms, notifier, presence and
 * rate limit on, as init writes realtime.json), and how a test proves it works in an app.
 */

/** The unit specs it writes; the app's unit runner's output must name each one. */
export const PRODUCTION_UNIT_SPECS = [/chat\.gateway\.spec\.ts/, /chat\.room-policy\.spec\.ts/, /chat\.notifier\.spec\.ts/, /chat\.presence\.spec\.ts/, /ws-auth\.guard\.spec\.ts/, /ws-rate-limit\.guard\.spec\.ts/, /ws-exception\.filter\.spec\.ts/];
/** The e2e specs it writes; the app's e2e runner's output must name each one. */
export const PRODUCTION_E2E_SPECS = [/chat\.gateway\.e2e-spec\.ts/, /chat\.notifier\.e2e-spec\.ts/];

/**
 * The conversation that proves a running app serves the production set on `/chat`: two
 * authenticated users are listed online, join a room, talk in it and on the namespace, and a client without a token
 * is refused at the handshake. Every client is closed at the end, whatever happened.
 */
export async function expectProductionChat(url: string): Promise<void> {
  const sockets: Socket[] = [];
  const user = async (sub: string): Promise<ConnectedUser> => {
    const connected = await connectUser(`${url}/chat`, sub, [...ROOM_EVENTS, 'message']);
    sockets.push(connected.socket);
    return connected;
  };
  try {
    const [alice, bob] = [await user('alice'), await user('bob')];
    const online = (await alice.call('onlineUsers', {})) as { ok: boolean; data: { userIds: string[] } };
    expect({ ...online, data: { userIds: [...online.data.userIds].sort() } }).toEqual({ ok: true, data: { userIds: ['alice', 'bob'] } });
    expect(await alice.call('joinRoom', { room: 'lobby' })).toEqual({ ok: true, data: { room: 'lobby' } });
    expect(await bob.call('joinRoom', { room: 'lobby' })).toEqual({ ok: true, data: { room: 'lobby' } });
    expect(await alice.received(1)).toEqual([['userJoined', { room: 'lobby', userId: 'bob' }]]);

    expect(await bob.call('roomMessage', { room: 'lobby', text: 'hi lobby' })).toEqual({ ok: true });
    const roomMessage = { room: 'lobby', text: 'hi lobby', sender: 'bob', timestamp: expect.any(String) };
    expect(await alice.received(1)).toEqual([['roomMessage', roomMessage]]);
    expect(await bob.received(1)).toEqual([['roomMessage', roomMessage]]);

    expect(await alice.call('message', { text: 'hello' })).toEqual({ ok: true });
    expect(await bob.received(1)).toEqual([['message', { text: 'hello', sender: 'alice', timestamp: expect.any(String) }]]);

    const anonymous = openClient(`${url}/chat`);
    sockets.push(anonymous);
    const refused = await refusal(anonymous);
    expect({ message: refused.message, data: refused.data }).toEqual({
      message: 'Unauthorized',
      data: { code: 'UNAUTHORIZED', reason: 'missing_token' },
    });
  } finally {
    sockets.forEach((socket) => socket.disconnect());
  }
}
