import { format } from 'prettier';
import { layoutFor } from './layout';
import { NEST_NEW_PRETTIER_OPTIONS } from './format';

const nestNew = (text: string) => format(text, { ...NEST_NEW_PRETTIER_OPTIONS, filepath: 'x.ts' });

describe('layoutFor', () => {
  const layout = layoutFor();
  const long = ['NotificationCenterEventsGateway', 'NotificationCenterEventsRooms', 'WsAuthGuard'];

  it.each([
    [['ChatGateway'], './chat/chat.gateway.js'],
    [long, './admin/notification-center-events/notification-center-events.gateway.js'],
    // Prettier never breaks an import of a single name, however long.
    [['NotificationCenterEventsClientToServerEvents'], './admin/notification-center-events/notification-center-events.contract.js'],
  ])('lays out `import { %j }` as Prettier does under the `nest new` config', async (names, specifier) => {
    for (const typeOnly of [false, true]) {
      const text = layout.importStatement(names, specifier, { typeOnly }) + '\n';
      expect(await nestNew(text)).toBe(text);
    }
  });

  it.each([
    ['ChatGateway', ['OnGatewayConnection', 'OnGatewayDisconnect']],
    ['NotificationCenterEventsGateway', ['OnGatewayInit', 'OnGatewayConnection', 'OnGatewayDisconnect']],
    ['ChatPresence', ['OnModuleInit', 'OnGatewayConnection', 'OnGatewayDisconnect', 'BeforeApplicationShutdown', 'OnApplicationShutdown']],
  ])('lays out the class header of %s as Prettier does under the `nest new` config', async (className, interfaces) => {
    const text = `${layout.classHeader(className, interfaces)}\n  x = 1;\n}\n`;
    expect(await nestNew(text)).toBe(text);
  });

  it.each([
    ['ChatNotifierEvents', ['ChatNotificationEvents']],
    ['ChatNotifierEvents', ['ChatServerEvents', 'ChatRoomServerEvents', 'ChatNotificationEvents']],
    ['NotificationCenterEventsNotifierEvents', ['NotificationCenterEventsServerEvents', 'NotificationCenterEventsRoomServerEvents', 'NotificationCenterEventsNotificationEvents']],
  ])('lays out the intersection type %s of %j as Prettier does under the `nest new` config', async (name, types) => {
    const text = `${layout.intersectionType(name, types)}\n`;
    expect(await nestNew(text)).toBe(text);
  });

  it.each([
    ['  ', 'async function connect', ['userId: string'], 'Promise<ChatClient>'],
    ['  ', 'async function connect', ['userId: string'], 'Promise<NotificationCenterEventsClient>'],
    ['  ', 'function nextNotification', ['client: NotificationCenterEventsClient'], 'Promise<unknown>'],
    ['', 'export function connectAll', ['url: string', 'token: string', 'clientOptions: NotificationCenterEventsClientOptions'], 'void'],
  ])('lays out the function header %s%s(%j) as Prettier does under the `nest new` config', async (indent, head, parameters, returnType) => {
    const header = layout.functionHeader(indent, head, parameters, returnType);
    const text = indent ? `describe('x', () => {\n${header}\n${indent}  return undefined;\n${indent}}\n});\n` : `${header}\n  return undefined;\n}\n`;
    expect(await nestNew(text)).toBe(text);
  });

  // Each line inside what it is written in: `%s` stands for it.
  const inClass = 'class A {\n%s\n}\n';
  it.each([
    [inClass, '  ', 'private readonly logger = new Logger', ['ChatGateway.name'], ';'],
    [inClass, '  ', 'private readonly logger = new Logger', ['CustomerSupportConversationsNotifier.name'], ';'],
    [inClass, '  ', 'constructor', ['private readonly policy: CustomerSupportConversationsRoomPolicy'], ' {}'],
    ['interface Events {\n%s\n}\n', '  ', 'notification: ', ['notification: CustomerSupportConversationsNotification'], ' => void;'],
    ['function f() {\n  if (redis) {\n%s\n  }\n}\n', '    ', 'const emitter = new Emitter<CustomerSupportConversationsServerEvents>', ['redis'], ';'],
    ['function f() {\n%s\n}\n', '  ', 'return new CustomerSupportConversationsHandshakeError', ['error.message', 'data ?? {}'], ';'],
  ])('lays out %#: %s%s(%j)%s as Prettier does under the `nest new` config', async (surrounding, indent, head, items, tail) => {
    const text = surrounding.replace('%s', layout.withArguments(indent, head, items, tail));
    expect(await nestNew(text)).toBe(text);
  });

  it.each([
    ['providers', ['WsAuthMiddleware', 'WsAuthGuard']],
    ['exports', ['CustomerSupportConversationsMiddleware', 'CustomerSupportConversationsGuard']],
  ])('lays out the @Module key %s: %j as Prettier does under the `nest new` config', async (key, items) => {
    const text = `@Module({\n${layout.arrayProperty('  ', key, items)}\n})\nexport class AModule {}\n`;
    expect(await nestNew(text)).toBe(text);
  });
});
