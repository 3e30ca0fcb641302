import * as ts from 'typescript';
import { Gateway, NEST_COMMON, NEST_WEBSOCKETS, classChain, findGateways } from '../check/gateways';
import { PayloadValidations } from '../check/payloads';
import { namespacesWithMiddleware } from '../check/rules/handshake-auth-missing';
import { handlers } from '../check/rules/verify-per-message';
import { AppClass, AppSources, CheckedFile, decoratorArguments, decoratorCalls, forEachDescendant, importOf, localNameOf, unwrap } from '../check/sources';
import { JsonSchema, Schemas, compare, docOf, memberName } from './schemas';

/** An event a client emits and a handler of the namespace receives. */
export interface ClientEvent {
  name: string;
  payload: JsonSchema;
  /** What the acknowledgement callback receives (the handler's return value); none when the handler replies nothing. */
  reply?: JsonSchema;
  /** Of the event (its event map's comment). */
  description?: string;
  /** Of the handler: its comment and where it is. */
  handledBy: string;
  handlerDescription?: string;
}

/** An event the server emits to clients of the namespace (`room`: to the members of a room). */
export interface ServerEvent {
  name: string;
  payload: JsonSchema;
  description?: string;
  room: boolean;
}

/** Everything the app's gateways say about one namespace: its gateways merged. */
export interface NamespaceApi {
  /** Without the leading `/`; `''` is the main namespace. */
  name: string;
  gateways: string[];
  clientEvents: ClientEvent[];
  serverEvents: ServerEvent[];
  /** A room handler serves it (a `joinRoom` handler). */
  hasRooms: boolean;
  /** Its sockets pass handshake middleware (what check's handshake-auth-missing looks for). */
  authenticated: boolean;
}

/** One member of an event map interface (`message: (payload: P, ack: (response: A) => void) => void`). */
interface MappedEvent {
  name: string;
  file: CheckedFile;
  parameters: readonly ts.ParameterDeclaration[];
  description?: string;
}

const SOCKET_IO_TYPES = new Set(['Socket', 'Namespace', 'Server']);
const ROOM_HANDLER_EVENT = 'joinRoom';

/**
 * The app's namespaces as the gateways declare them, read with the check's readers: gateways
 * (`findGateways`), payload validation (`PayloadValidations`) and handshake middleware
 * (`namespacesWithMiddleware`). Event maps are found from the typed sockets the classes use
 * (`Socket<ClientEvents, ServerEvents>` parameters, `Namespace<…>` server properties), followed
 * through aliases and imports. `warn` gets one line for what cannot be documented.
 */
export function readNamespaces(sources: AppSources, schemas: Schemas, warn: (message: string) => void): NamespaceApi[] {
  const gateways = findGateways(sources);
  const authenticated = namespacesWithMiddleware(sources, gateways);
  const validations = new PayloadValidations(sources);
  const byName = new Map<string, Gateway[]>();
  for (const gateway of gateways) {
    if (gateway.namespace === null) {
      warn(`WARNING ${gateway.file.path}: the namespace of ${gateway.name} is not a string literal; it is left out of asyncapi.json.`);
      continue;
    }
    byName.set(gateway.namespace, [...(byName.get(gateway.namespace) ?? []), gateway]);
  }
  return [...byName]
    .sort(([a], [b]) => compare(a, b))
    .map(([name, members]) => readNamespace(sources, schemas, validations, warn, { name, gateways: members, authenticated: authenticated.has(name) }));
}

function readNamespace(
  sources: AppSources,
  schemas: Schemas,
  validations: PayloadValidations,
  warn: (message: string) => void,
  namespace: { name: string; gateways: Gateway[]; authenticated: boolean },
): NamespaceApi {
  const classes = namespace.gateways.flatMap((gateway) => classChain(sources, gateway).map((appClass) => ({ gateway, appClass })));
  const handled = new Map<string, { gateway: Gateway; appClass: AppClass; handler: ts.MethodDeclaration }>();
  const mappedClientEvents = new Map<string, MappedEvent>();
  const mappedServerEvents = new Map<string, MappedEvent>();
  for (const { gateway, appClass } of classes) {
    for (const maps of eventMapsOf(sources, appClass)) {
      for (const event of mappedEvents(sources, maps.client)) if (!mappedClientEvents.has(event.name)) mappedClientEvents.set(event.name, event);
      for (const event of mappedEvents(sources, maps.server)) if (!mappedServerEvents.has(event.name)) mappedServerEvents.set(event.name, event);
    }
    for (const handler of handlers(appClass)) {
      const name = eventNameOf(sources, appClass, handler);
      if (name === undefined) {
        warn(`WARNING ${appClass.file.path}: the event name of ${appClass.name}.${handler.name.getText()} is not a string literal; it is left out of asyncapi.json.`);
      } else if (!handled.has(name)) {
        handled.set(name, { gateway, appClass, handler });
      }
    }
  }
  const emits = emitsOfNamespace(sources, classes.map(({ appClass }) => appClass));
  const hasRooms = handled.has(ROOM_HANDLER_EVENT);

  // Client events first: a DTO's component takes its plain name from the payload it validates.
  const clientEvents = [...handled]
    .sort(([a], [b]) => compare(a, b))
    .map(([name, { gateway, appClass, handler }]) => clientEvent(schemas, validations.of(gateway, appClass, handler), { appClass, handler, name, mapped: mappedClientEvents.get(name) }));
  const serverEvents = [...new Set([...mappedServerEvents.keys(), ...emits.keys()])].sort(compare).map((name): ServerEvent => {
    const mapped = mappedServerEvents.get(name);
    const emitted = emits.get(name);
    // A room event: every emit of it names a room (`.to(room)`, `.in(room)`) in a namespace with a room handler.
    const room = hasRooms && emitted !== undefined && emitted.toRoom.every(Boolean);
    if (mapped) return { name, payload: listenerArguments(schemas, mapped.file, mapped.parameters), description: mapped.description, room };
    // Emitted without a typed socket: typed from the emitted variable's annotation, if it has one.
    const { emitter, payload, filter } = emitted!;
    return {
      name,
      payload: payload ? schemas.type(payload.file, payload.type) : { description: `Emitted by ${emitter}; its payload is not typed.` },
      description: filter ? `Emitted by ${emitter}, the exception filter of the namespace's gateways, when a handler fails and the client passed no acknowledgement callback.` : undefined,
      room,
    };
  });
  return { name: namespace.name, gateways: [...new Set(namespace.gateways.map((gateway) => gateway.name))], clientEvents, serverEvents, hasRooms, authenticated: namespace.authenticated };
}

/**
 * What a server event's listener receives, from its signature in the event map: its one argument;
 * several arguments (socket.io passes each to the listener) as an array of them in order, whose
 * rest parameter, if any, gives the items after them.
 */
function listenerArguments(schemas: Schemas, file: CheckedFile, parameters: readonly ts.ParameterDeclaration[]): JsonSchema {
  const [first] = parameters;
  if (!first) return {};
  if (parameters.length === 1 && !first.dotDotDotToken) return schemas.type(file, first.type);
  const fixed = parameters.filter((parameter) => !parameter.dotDotDotToken);
  const rest = parameters.find((parameter) => parameter.dotDotDotToken);
  const names = parameters.map((parameter) => (ts.isIdentifier(parameter.name) ? `${parameter.dotDotDotToken ? '...' : ''}${parameter.name.text}` : '…')).join(', ');
  const required = fixed.filter((parameter) => !parameter.questionToken && !parameter.initializer).length;
  return {
    type: 'array',
    description: `The listener's arguments, in order (${names}).`,
    items: fixed.map((parameter) => schemas.type(file, parameter.type)),
    ...(required > 0 ? { minItems: required } : {}),
    ...(rest ? { additionalItems: rest.type && ts.isArrayTypeNode(rest.type) ? schemas.type(file, rest.type.elementType) : {} } : { maxItems: fixed.length }),
  };
}

/** The events the classes (and the exception filters they apply) emit by name, with where each emit goes. */
function emitsOfNamespace(sources: AppSources, classes: AppClass[]): Map<string, { toRoom: boolean[]; emitter: string; payload?: TypeAt; filter: boolean }> {
  const emits = new Map<string, { toRoom: boolean[]; emitter: string; payload?: TypeAt; filter: boolean }>();
  const filters = uniqueClasses(classes.flatMap((appClass) => filtersOf(sources, appClass)));
  const emitters = [...classes.map((appClass) => ({ appClass, filter: false })), ...filters.map((appClass) => ({ appClass, filter: true }))];
  for (const { appClass, filter } of emitters) {
    for (const emit of emitsOf(sources, appClass)) {
      const known = emits.get(emit.name) ?? { toRoom: [], emitter: appClass.name, filter };
      known.toRoom.push(emit.toRoom);
      known.payload ??= emit.payload;
      emits.set(emit.name, known);
    }
  }
  return emits;
}

/**
 * The payload schema: the DTO the handler validates against first (its rules are what the server
 * enforces), else the event map's type, else the parameter's own type. The reply: the event
 * map's acknowledgement type, else the handler's declared return type.
 */
function clientEvent(
  schemas: Schemas,
  validation: ReturnType<PayloadValidations['of']>,
  at: { appClass: AppClass; handler: ts.MethodDeclaration; name: string; mapped?: MappedEvent },
): ClientEvent {
  const { appClass, handler, name, mapped } = at;
  const { payload: mappedPayload, ack } = mapped ? splitAck(mapped) : {};
  const parameterType = validation.parameter?.type;
  let payload: JsonSchema;
  if (validation.dto) payload = schemas.dto(validation.dto, validation.refusesUnknown);
  else if (mappedPayload) payload = schemas.type(mapped!.file, mappedPayload.type);
  else if (parameterType && parameterType.kind !== ts.SyntaxKind.UnknownKeyword && parameterType.kind !== ts.SyntaxKind.AnyKeyword) payload = schemas.type(appClass.file, parameterType);
  else if (validation.parameter) payload = { description: 'Not typed: any JSON value reaches the handler.' };
  else payload = { description: 'The handler reads no payload.' };
  return {
    name,
    payload,
    reply: ack ? schemas.type(mapped!.file, ack.type) : returnSchema(schemas, appClass, handler),
    description: mapped?.description,
    handledBy: `${appClass.name}.${handler.name.getText()}`,
    handlerDescription: docOf(handler),
  };
}

/** A client event's parameters: the payload, and the acknowledgement callback's response (the last parameter, a function). */
function splitAck(event: MappedEvent): { payload?: ts.ParameterDeclaration; ack?: ts.ParameterDeclaration } {
  const last = event.parameters[event.parameters.length - 1];
  const callback = last?.type && ts.isFunctionTypeNode(last.type) ? last.type : undefined;
  const payload = event.parameters.find((parameter) => parameter !== last || !callback);
  return { payload, ack: callback?.parameters[0] };
}

/** The handler's declared return type (`Promise<T>` is T); none for `void`; undescribed when it returns values it does not type. */
function returnSchema(schemas: Schemas, appClass: AppClass, handler: ts.MethodDeclaration): JsonSchema | undefined {
  let type = handler.type;
  if (type && ts.isTypeReferenceNode(type) && type.typeName.getText() === 'Promise') type = type.typeArguments?.[0];
  if (type) return type.kind === ts.SyntaxKind.VoidKeyword || type.kind === ts.SyntaxKind.UndefinedKeyword ? undefined : schemas.type(appClass.file, type);
  let returnsValue = false;
  forEachDescendant(
    handler.body ?? handler,
    (node) => {
      if (ts.isReturnStatement(node) && node.expression) returnsValue = true;
    },
    (node) => ts.isFunctionLike(node),
  );
  return returnsValue ? { description: 'The handler returns a value its code does not type.' } : undefined;
}

/** `@SubscribeMessage('x')`'s event name, followed through constants; undefined when it is not a string. */
function eventNameOf(sources: AppSources, appClass: AppClass, handler: ts.MethodDeclaration): string | undefined {
  const [decorator] = decoratorCalls(handler, localNameOf(appClass.file, 'SubscribeMessage', NEST_WEBSOCKETS));
  const [argument] = decorator ? decoratorArguments(decorator) : [];
  const value = argument && sources.resolveValue(appClass.file, argument).expression;
  return value && ts.isStringLiteralLike(value) ? value.text : undefined;
}

/**
 * The event maps of the socket.io types a class uses (`Socket<ClientEvents, ServerEvents, …>`,
 * `Namespace<…>`, `Server<…>`) in its property and parameter annotations, aliases followed.
 */
function eventMapsOf(sources: AppSources, appClass: AppClass): Array<{ client?: TypeAt; server?: TypeAt }> {
  const annotations: ts.TypeNode[] = [];
  for (const member of appClass.node.members) {
    if (ts.isPropertyDeclaration(member) && member.type) annotations.push(member.type);
    if (ts.isMethodDeclaration(member) || ts.isConstructorDeclaration(member)) {
      for (const parameter of member.parameters) if (parameter.type) annotations.push(parameter.type);
    }
  }
  return annotations.flatMap((type) => {
    const found = socketIoType(sources, { file: appClass.file, type });
    if (!found) return [];
    const [client, server] = found.args;
    return [{ client: client && { file: found.file, type: client }, server: server && { file: found.file, type: server } }];
  });
}

interface TypeAt {
  file: CheckedFile;
  type: ts.TypeNode;
}

function socketIoType(sources: AppSources, start: TypeAt): { file: CheckedFile; args: readonly ts.TypeNode[] } | undefined {
  let current: TypeAt | undefined = start;
  for (let hop = 0; current && hop < 8; hop++) {
    const file: CheckedFile = current.file;
    const type: ts.TypeNode = current.type;
    if (!ts.isTypeReferenceNode(type)) return undefined;
    const name: ts.EntityName = type.typeName;
    const origin = ts.isIdentifier(name)
      ? importOf(file, name.text)
      : ts.isIdentifier(name.left)
        ? { ...importOf(file, name.left.text), name: name.right.text }
        : undefined;
    if (origin?.module === 'socket.io' && SOCKET_IO_TYPES.has(origin.name)) return { file, args: type.typeArguments ?? [] };
    const alias: { file: CheckedFile; node: ts.Node } | undefined = ts.isIdentifier(name) ? sources.resolveDeclaration(file, name.text) : undefined;
    current = alias && ts.isTypeAliasDeclaration(alias.node) && !alias.node.typeParameters ? { file: alias.file, type: alias.node.type } : undefined;
  }
  return undefined;
}

/** The events of an event map: an interface (and the ones it extends), a type literal, an alias, or an intersection of them. */
function mappedEvents(sources: AppSources, map: TypeAt | undefined, depth = 0): MappedEvent[] {
  if (!map || depth > 8) return [];
  const { file, type } = map;
  if (ts.isParenthesizedTypeNode(type)) return mappedEvents(sources, { file, type: type.type }, depth + 1);
  if (ts.isIntersectionTypeNode(type)) return type.types.flatMap((member) => mappedEvents(sources, { file, type: member }, depth + 1));
  if (ts.isTypeLiteralNode(type)) return membersAsEvents(file, type.members);
  return ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) ? eventsNamed(sources, file, type.typeName.text, depth) : [];
}

function eventsNamed(sources: AppSources, file: CheckedFile, name: string, depth: number): MappedEvent[] {
  const found = sources.resolveDeclaration(file, name);
  if (!found) return [];
  if (ts.isTypeAliasDeclaration(found.node)) return mappedEvents(sources, { file: found.file, type: found.node.type }, depth + 1);
  if (!ts.isInterfaceDeclaration(found.node)) return [];
  const bases = (found.node.heritageClauses ?? [])
    .flatMap((clause) => clause.types)
    .flatMap((base) => (ts.isIdentifier(base.expression) ? eventsNamed(sources, found.file, base.expression.text, depth + 1) : []));
  return [...bases, ...membersAsEvents(found.file, found.node.members)];
}

function membersAsEvents(file: CheckedFile, members: ts.NodeArray<ts.TypeElement>): MappedEvent[] {
  return members.flatMap((member): MappedEvent[] => {
    const name = member.name && memberName(member.name);
    if (name === undefined) return [];
    const description = docOf(member);
    if (ts.isMethodSignature(member)) return [{ name, file, parameters: member.parameters, description }];
    if (ts.isPropertySignature(member) && member.type && ts.isFunctionTypeNode(member.type)) return [{ name, file, parameters: member.type.parameters, description }];
    return [];
  });
}

/**
 * `<socket or server>.emit('event', …)` calls in a class (`client.broadcast.emit`,
 * `this.namespace.to(room).emit`), and whether each addresses a room. Calls on other members
 * (`this.events.emit(…)`, an EventEmitter) are not socket events; a computed event name (the
 * notifier's `emit(event, …)`) names no event.
 */
function emitsOf(sources: AppSources, appClass: AppClass): Array<{ name: string; toRoom: boolean; payload?: TypeAt }> {
  const serverProperty = localNameOf(appClass.file, 'WebSocketServer', NEST_WEBSOCKETS);
  const servers = new Set(
    appClass.node.members.filter((member) => ts.isPropertyDeclaration(member) && decoratorCalls(member, serverProperty).length > 0).map((member) => member.name?.getText(appClass.file.source)),
  );
  const emits: Array<{ name: string; toRoom: boolean; payload?: TypeAt }> = [];
  forEachDescendant(appClass.node, (node) => {
    if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression) || node.expression.name.text !== 'emit') return;
    const receiver = node.expression.expression;
    const member = thisMemberOf(receiver);
    if (member !== undefined && !servers.has(member)) return;
    const [first, payload] = node.arguments;
    const value = first && sources.resolveValue(appClass.file, first).expression;
    if (!value || !ts.isStringLiteralLike(value)) return;
    const declared = payload && ts.isIdentifier(payload) ? declaredType(payload) : undefined;
    const type = declared && declared.kind !== ts.SyntaxKind.UnknownKeyword && declared.kind !== ts.SyntaxKind.AnyKeyword ? declared : undefined;
    emits.push({ name: value.text, toRoom: addressesRoom(receiver), payload: type && { file: appClass.file, type } });
  });
  return emits;
}

/** The annotation of the parameter or `const`/`let` an identifier names, in the functions around it. */
function declaredType(identifier: ts.Identifier): ts.TypeNode | undefined {
  for (let scope: ts.Node | undefined = identifier.parent; scope; scope = scope.parent) {
    if (ts.isFunctionLike(scope)) {
      const parameter = scope.parameters.find((item) => ts.isIdentifier(item.name) && item.name.text === identifier.text);
      if (parameter) return parameter.type;
    }
    if (ts.isBlock(scope)) {
      for (const statement of scope.statements) {
        if (!ts.isVariableStatement(statement)) continue;
        const declaration = statement.declarationList.declarations.find((item) => ts.isIdentifier(item.name) && item.name.text === identifier.text);
        if (declaration) return declaration.type;
      }
    }
  }
  return undefined;
}

/** The exception filters `@UseFilters(…)` applies to a class or its handlers, when they are app classes. */
function filtersOf(sources: AppSources, appClass: AppClass): AppClass[] {
  const useFilters = localNameOf(appClass.file, 'UseFilters', NEST_COMMON);
  return [appClass.node, ...appClass.node.members].flatMap((node) =>
    decoratorCalls(node, useFilters).flatMap((decorator) =>
      decoratorArguments(decorator).flatMap((argument) => {
        const inner = unwrap(argument);
        const name = ts.isNewExpression(inner) ? inner.expression : inner;
        const filter = ts.isIdentifier(name) ? sources.resolveClass(appClass.file, name.text) : undefined;
        return filter ? [filter] : [];
      }),
    ),
  );
}

function uniqueClasses(classes: AppClass[]): AppClass[] {
  return classes.filter((appClass, index) => classes.findIndex((other) => other.node === appClass.node) === index);
}

/** `client.to(room)`, `this.namespace.in(room)`: the chain before `.emit` picks a room. */
function addressesRoom(receiver: ts.Expression): boolean {
  for (let current: ts.Expression = receiver; ; ) {
    if (ts.isCallExpression(current)) {
      if (ts.isPropertyAccessExpression(current.expression) && ['to', 'in'].includes(current.expression.name.text)) return true;
      current = current.expression;
    } else if (ts.isPropertyAccessExpression(current) || ts.isElementAccessExpression(current)) {
      current = current.expression;
    } else {
      return false;
    }
  }
}

/** `this.server.to(room)` → `server`; undefined when the chain does not start at `this`. */
function thisMemberOf(expression: ts.Expression): string | undefined {
  let current = expression;
  for (;;) {
    if (ts.isPropertyAccessExpression(current)) {
      if (current.expression.kind === ts.SyntaxKind.ThisKeyword) return current.name.text;
      current = current.expression;
    } else if (ts.isCallExpression(current) || ts.isElementAccessExpression(current)) {
      current = current.expression;
    } else {
      return undefined;
    }
  }
}
