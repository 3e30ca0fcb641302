import * as ts from 'typescript';
import { mergeDeclarations } from './interfaces';

function parse(text: string): ts.SourceFile {
  return ts.createSourceFile('/src/chat/chat.contract.ts', text, ts.ScriptTarget.Latest, true);
}

/** `fragment` merged into `text`, the insertions (and what they replace) applied to the text they were computed on. */
function merge(text: string, fragment: string): string {
  return mergeDeclarations(parse(text), parse(fragment))
    .insertions.sort((a, b) => b.position - a.position)
    .reduce((result, { position, text: inserted, replaces = 0 }) => result.slice(0, position) + inserted + result.slice(position + replaces), text);
}

const CONTRACT = [
  "import type { WsAck } from './envelope';",
  '',
  '/** A message. */',
  'export interface Message {',
  '  text: string;',
  '}',
  '',
  '/** What clients send. */',
  'export interface ClientEvents {',
  '  message: (payload: { text: string }, ack: (response: WsAck) => void) => void;',
  '}',
  '',
  'export interface ServerEvents {}',
  '',
].join('\n');

const ROOMS = [
  "import type { WsAck } from './envelope';",
  '',
  '/** Who joined. */',
  'export interface RoomMember {',
  '  userId: string;',
  '}',
  '',
  'export interface ClientEvents {',
  '  /** Joins a room. */',
  '  joinRoom: (',
  '    payload: { room: string },',
  '    ack: (response: WsAck) => void,',
  '  ) => void;',
  '}',
  '',
  'export interface ServerEvents {',
  '  userJoined: (member: RoomMember) => void;',
  '}',
  '',
].join('\n');

describe('mergeDeclarations', () => {
  it("adds the fragment's members before each interface's closing brace, with their comments, and its payloads before the event maps", () => {
    expect(merge(CONTRACT, ROOMS)).toBe(
      [
        "import type { WsAck } from './envelope';",
        '',
        '/** A message. */',
        'export interface Message {',
        '  text: string;',
        '}',
        '',
        '/** Who joined. */',
        'export interface RoomMember {',
        '  userId: string;',
        '}',
        '',
        '/** What clients send. */',
        'export interface ClientEvents {',
        '  message: (payload: { text: string }, ack: (response: WsAck) => void) => void;',
        '  /** Joins a room. */',
        '  joinRoom: (',
        '    payload: { room: string },',
        '    ack: (response: WsAck) => void,',
        '  ) => void;',
        '}',
        '',
        // An empty interface opens up onto lines of its own.
        'export interface ServerEvents {',
        '  userJoined: (member: RoomMember) => void;',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('is idempotent: members and declarations already there (by name) are not added again', () => {
    const once = merge(CONTRACT, ROOMS);
    expect(merge(once, ROOMS)).toBe(once);
    expect(mergeDeclarations(parse(once), parse(ROOMS)).insertions).toEqual([]);
  });

  it("keeps a member the team changed, and appends a fragment's interface the file does not have", () => {
    const edited = CONTRACT.replace('export interface ServerEvents {}', 'export interface ServerEvents {\n  userJoined: (member: { userId: string; at: number }) => void;\n}');
    const merged = merge(edited, ROOMS);
    expect(merged).toContain('  userJoined: (member: { userId: string; at: number }) => void;\n}');
    expect(merged.split('userJoined').length - 1).toBe(1);
    expect(merge("import type { WsAck } from './envelope';\n", 'export interface Extra {\n  a: string;\n}\n')).toBe("import type { WsAck } from './envelope';\n\nexport interface Extra {\n  a: string;\n}\n");
  });

  it('makes an empty map (Record<string, never>) the interface of the members merged into it, its doc comment and export kept', () => {
    const empty = CONTRACT.replace('export interface ServerEvents {}', '/** What the server sends. */\nexport type ServerEvents = Record<string, never>;');
    const merged = merge(empty, ROOMS);
    expect(merged).toContain('/** What the server sends. */\nexport interface ServerEvents {\n  userJoined: (member: RoomMember) => void;\n}\n');
    expect(merged).not.toContain('Record<string, never>');
    expect(merge(merged, ROOMS)).toBe(merged);
  });

  it('asks for a manual step where the map is a type alias other than an empty one', () => {
    const alias = CONTRACT.replace('export interface ServerEvents {}', 'export type ServerEvents = { ping: () => void };');
    const edit = mergeDeclarations(parse(alias), parse(ROOMS));
    expect(edit.manualSteps).toEqual([{ path: '/src/chat/chat.contract.ts', step: 'ServerEvents is not an interface; declare it as one and run the command again.' }]);
  });
});
