import * as ts from 'typescript';
import { mergeDeclarations } from './interfaces';

function parse(text: string): ts.SourceFile {
  return ts.createSourceFile('/src/chat/chat.contract.ts', text, ts.ScriptTarget.Latest, true);
}

/** `fragment` merged into `text`, the insertions applied to the text they were computed on. */
function merge(text: string, fragment: string): string {
  return mergeDeclarations(parse(text), parse(fragment))
    .insertions.sort((a, b) => b.position - a.position)
    .reduce((result, { position, text: inserted }) => result.slice(0, position) + inserted + result.slice(position), text);
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
});
