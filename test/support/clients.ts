import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { signJwt } from './jwt';

/** socket.io-client clients of a running app, as the e2e tests drive them. */
export type Payload = Record<string, unknown>;
export type ClientOptions = Partial<ManagerOptions & SocketOptions>;
export type HandshakeRefusal = Error & { data?: { code?: string; reason?: string } };

/** The events of the room handler (SPEC §5.3) a member receives. */
export const ROOM_EVENTS = ['userJoined', 'userLeft', 'roomMessage'];

/** A client of its own (no shared connection), WebSocket only, that never reconnects by itself. */
export function openClient(url: string, options: ClientOptions = {}): Socket {
  return io(url, { transports: ['websocket'], forceNew: true, reconnection: false, ...options });
}

/** Resolves with the client once connected; rejects with the `connect_error` of a refusal. */
export function connected(client: Socket): Promise<Socket> {
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('connect_error', reject);
  });
}

/** Resolves with the `connect_error` of a refused handshake; rejects if the client connects. */
export function refusal(client: Socket): Promise<HandshakeRefusal> {
  return new Promise((resolve, reject) => {
    client.once('connect_error', resolve);
    client.once('connect', () => reject(new Error('connected without valid credentials')));
  });
}

/**
 * A connected client of user `sub` (a token signed with the test secret in `auth.token`) that
 * records every one of `events` it receives, in order. `call` emits with an ack;
 * `received(count)` waits (up to 5 s) for `count` events and returns everything recorded so far.
 */
export async function connectUser(url: string, sub: string, events: string[] = ROOM_EVENTS) {
  const socket = openClient(url, { auth: { token: signJwt({ sub }) } });
  const recorded: [string, Payload][] = [];
  for (const event of events) socket.on(event, (payload: Payload) => recorded.push([event, payload]));
  await connected(socket);
  const call = (event: string, payload: Payload) => socket.timeout(5000).emitWithAck(event, payload) as Promise<Payload>;
  const received = async (count: number) => {
    for (let waited = 0; recorded.length < count && waited < 5000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    return recorded.splice(0);
  };
  return { socket, call, received };
}

export type ConnectedUser = Awaited<ReturnType<typeof connectUser>>;
