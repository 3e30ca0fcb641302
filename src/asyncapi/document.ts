import { AppSources } from '../check/sources';
import { NamespaceApi, readNamespaces } from './namespaces';
import { JsonSchema, Schemas, compare } from './schemas';

export interface DocumentInfo {
  title: string;
  version: string;
}

const SECURITY_SCHEME = 'jwt';

/**
 * The AsyncAPI 3.0 document of the app's socket.io API, from its code:
 * - a channel per namespace (address `/chat`, the main namespace `/`), the events of every gateway
 *   of that namespace merged (gateway, room handler, presence, notifier), and one more for the
 *   rooms of a namespace with a room handler, `/chat/rooms/{room}`: AsyncAPI 3 forbids `#` and
 *   `?` in addresses, and its parameter is read from the events' payload (`$message.payload#/room`);
 * - an operation per client event (`receive`, its acknowledgement as the `reply` on the same
 *   channel) and per server event (`send`), from the app's point of view;
 * - the handshake JWT as an `http` bearer security scheme on the operations of namespaces with
 *   handshake middleware (channels carry no security in AsyncAPI 3);
 * - no `servers`: they are optional, and where the app is deployed is not in its code.
 * Keys are sorted and nothing depends on time, so an unchanged app gives the same bytes.
 */
export function asyncApiDocument(sources: AppSources, info: DocumentInfo, warn: (message: string) => void): Record<string, unknown> {
  const schemas = new Schemas(sources);
  const namespaces = readNamespaces(sources, schemas, warn);
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const ids = new Set<string>();
  for (const namespace of namespaces) {
    const id = uniqueId(namespace.name === '' ? 'main' : namespace.name, ids);
    const keys = eventKeys(namespace);
    channels[id] = namespaceChannel(namespace, keys);
    const roomsId = namespace.hasRooms ? uniqueId(`${id}-rooms`, ids) : undefined;
    if (roomsId) channels[roomsId] = roomsChannel(schemas, namespace, keys);
    Object.assign(operations, namespaceOperations(namespace, keys, id, roomsId));
  }
  const secured = namespaces.some((namespace) => namespace.authenticated);
  return {
    asyncapi: '3.0.0',
    info: {
      title: info.title,
      version: info.version,
      description:
        'The socket.io API of this app, generated from its gateways by realtime-schematics (`npx realtime-schematics asyncapi`): regenerate it after changing them. Operations are seen from the app: it receives the events clients emit, replies through their acknowledgement callback, and sends the others. Every reply and error uses the envelope `{ ok: true, data? } | { ok: false, error: { code, message, details? } }`.',
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: {
      schemas: schemas.components(),
      ...(secured ? { securitySchemes: { [SECURITY_SCHEME]: securityScheme() } } : {}),
    },
  };
}

function address(namespace: NamespaceApi): string {
  return `/${namespace.name}`;
}

function namespaceChannel(namespace: NamespaceApi, keys: EventKeys): Record<string, unknown> {
  const messages: Record<string, unknown> = {};
  for (const event of namespace.clientEvents) {
    messages[keys.message('client', event.name)] = message(event.name, event.payload, event.description, `${event.name} (client → server)`);
    if (event.reply) messages[keys.message('ack', event.name)] = message(event.name, event.reply, `What the acknowledgement callback of \`${event.name}\` receives.`, `${event.name} acknowledgement`);
  }
  for (const event of namespace.serverEvents.filter((item) => !item.room)) {
    messages[keys.message('server', event.name)] = message(event.name, event.payload, event.description, `${event.name} (server → client)`);
  }
  const connect = namespace.name === '' ? 'io(url)' : `io(url + '${address(namespace)}')`;
  const refusal = namespace.authenticated ? ' The connection is refused without a valid JWT (`connect_error` with message `Unauthorized`).' : '';
  return {
    address: address(namespace),
    title: `Namespace ${address(namespace)}`,
    description: `The socket.io namespace \`${address(namespace)}\` (served by ${namespace.gateways.join(', ')}). A client connects with \`${connect}\`, emits the events the app receives, with an acknowledgement callback for the reply, and listens for the events it sends.${refusal}`,
    messages: sortedKeys(messages),
  };
}

function roomsChannel(schemas: Schemas, namespace: NamespaceApi, keys: EventKeys): Record<string, unknown> {
  const events = namespace.serverEvents.filter((event) => event.room);
  const messages = Object.fromEntries(events.map((event) => [keys.message('server', event.name), message(event.name, event.payload, event.description, `${event.name} (server → room members)`)]));
  // Every room event names its room: the parameter's value is read from there.
  const payloadsNameRoom = events.length > 0 && events.every((event) => hasProperty(schemas, event.payload, 'room'));
  return {
    address: `${namespace.name === '' ? '' : address(namespace)}/rooms/{room}`,
    title: `Rooms of ${address(namespace)}`,
    description: `The members of one room of the namespace \`${address(namespace)}\`: not a namespace of its own. A \`${address(namespace)}\` connection joins a room with \`joinRoom\` and receives these events on that connection until it leaves.`,
    parameters: {
      room: {
        description: 'The room name, as given to `joinRoom`.',
        ...(payloadsNameRoom ? { location: '$message.payload#/room' } : {}),
      },
    },
    messages: sortedKeys(messages),
  };
}

function namespaceOperations(namespace: NamespaceApi, keys: EventKeys, id: string, roomsId: string | undefined): Record<string, unknown> {
  const operations: Record<string, unknown> = {};
  const security = namespace.authenticated ? { security: [{ $ref: `#/components/securitySchemes/${SECURITY_SCHEME}` }] } : {};
  for (const event of namespace.clientEvents) {
    const channel = { $ref: `#/channels/${id}` };
    operations[`${id}.receive.${keys.event(event.name)}`] = {
      action: 'receive',
      channel,
      title: `Receive ${event.name}`,
      description: [event.handlerDescription, `Handled by \`${event.handledBy}\`.`].filter(Boolean).join(' '),
      ...security,
      messages: [{ $ref: `#/channels/${id}/messages/${keys.message('client', event.name)}` }],
      ...(event.reply ? { reply: { channel, messages: [{ $ref: `#/channels/${id}/messages/${keys.message('ack', event.name)}` }] } } : {}),
    };
  }
  for (const event of namespace.serverEvents) {
    const channelId = event.room && roomsId ? roomsId : id;
    operations[`${channelId}.send.${keys.event(event.name)}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${channelId}` },
      title: `Send ${event.name}`,
      ...security,
      messages: [{ $ref: `#/channels/${channelId}/messages/${keys.message('server', event.name)}` }],
    };
  }
  return operations;
}

function message(name: string, payload: JsonSchema, description: string | undefined, title: string): Record<string, unknown> {
  return { name, title, ...(description ? { description } : {}), payload };
}

function securityScheme(): Record<string, unknown> {
  // `http` bearer: the token is a bearer JWT wherever it is sent; socket.io's `auth` payload has no scheme type of its own.
  return {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      "A JWT verified once, at the handshake, by middleware on the namespace: sent as socket.io's `auth.token` (`io(url, { auth: { token } })`) or an `Authorization: Bearer <token>` header. A missing, invalid or expired token refuses the connection: the client gets `connect_error` with message `Unauthorized` and `data.code` `UNAUTHORIZED`.",
  };
}

function hasProperty(schemas: Schemas, schema: JsonSchema, property: string): boolean {
  const properties = schemas.resolve(schema).properties as Record<string, unknown> | undefined;
  return properties !== undefined && property in properties;
}

/** The keys of a namespace's events in the document: event names made safe, and still one key per event. */
interface EventKeys {
  /** `message`; of `a:b` and `a_b`, the first in sorted order gets `a_b`, the other `a_b2`. */
  event(name: string): string;
  /** `client.message`, `ack.message`, `server.message`: one key per direction, since a client and a server event may share a name. */
  message(direction: 'client' | 'ack' | 'server', name: string): string;
}

function eventKeys(namespace: NamespaceApi): EventKeys {
  const names = [...new Set([...namespace.clientEvents, ...namespace.serverEvents].map((event) => event.name))].sort(compare);
  const taken = new Set<string>();
  const keys = new Map(names.map((name) => [name, uniqueId(name, taken)]));
  const event = (name: string) => keys.get(name) ?? safe(name);
  return { event, message: (direction, name) => `${direction}.${event(name)}` };
}

/** Event and namespace names in keys and JSON pointers: letters, digits, `_`, `-` and `.` only. */
function safe(name: string): string {
  return name.replace(/[^\w.-]/g, '_') || '_';
}

function uniqueId(name: string, taken: Set<string>): string {
  const base = safe(name);
  let id = base;
  for (let index = 2; taken.has(id); index++) id = `${base}${index}`;
  taken.add(id);
  return id;
}

function sortedKeys<T>(object: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => compare(a, b)));
}
