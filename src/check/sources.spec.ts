import * as ts from 'typescript';
import { AppSources } from './sources';

describe('AppSources.resolveDeclaration', () => {
  it('follows imports through barrel files: export { A as B } from, export * from, and import-then-export', () => {
    const sources = new AppSources([
      { path: 'src/chat/chat.gateway.ts', text: "import { ChatEvents, RoomEvents as Rooms, Plain } from './index.js';\n" },
      { path: 'src/chat/index.ts', text: "export { Events as ChatEvents } from './chat.contract.js';\nexport * from './rooms.js';\nimport { Plain } from './plain.js';\nexport { Plain };\n" },
      { path: 'src/chat/chat.contract.ts', text: 'export interface Events {}\n' },
      { path: 'src/chat/rooms.ts', text: 'export type RoomEvents = {};\n' },
      { path: 'src/chat/plain.ts', text: 'export enum Plain { A }\n' },
    ]);
    const gateway = sources.file('src/chat/chat.gateway.ts')!;
    const found = (name: string) => {
      const declaration = sources.resolveDeclaration(gateway, name);
      return declaration && `${declaration.file.path} ${ts.SyntaxKind[declaration.node.kind]}`;
    };
    expect(found('ChatEvents')).toBe('src/chat/chat.contract.ts InterfaceDeclaration');
    expect(found('Rooms')).toBe('src/chat/rooms.ts TypeAliasDeclaration');
    expect(found('Plain')).toBe('src/chat/plain.ts EnumDeclaration');
    expect(found('Missing')).toBeUndefined();
  });
});
