import * as ts from 'typescript';
import { AppSources } from '../check/sources';
import { Schemas } from './schemas';

/** The schema of each member of `interface Subject` in `file`, and the components it used. */
function schemasOf(files: Record<string, string>) {
  const sources = new AppSources(Object.entries(files).map(([path, text]) => ({ path, text })));
  const schemas = new Schemas(sources);
  const file = sources.file('src/subject.ts')!;
  const subject = file.source.statements.find((statement): statement is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(statement) && statement.name.text === 'Subject')!;
  const members = Object.fromEntries(subject.members.filter(ts.isPropertySignature).map((member) => [member.name.getText(), schemas.type(file, member.type)]));
  return { members, components: schemas.components() };
}

describe('Schemas: TypeScript types as JSON Schema, without a type checker', () => {
  it('converts literals, unions, arrays, records, intersections, utility types, enums and imported declarations', () => {
    const { members, components } = schemasOf({
      'src/shared.ts': 'export interface Base { id: string }\nexport enum Level { Low, High = 5, Top }\nexport type Pair<A, B = number> = { first: A; second: B };\n',
      'src/subject.ts': [
        "import type { Base as B, Level, Pair } from './shared.js';",
        "import type { Buffer } from 'node:buffer';",
        'type Tree<T> = { value: T; children: Tree<T>[] };',
        'export interface Subject {',
        "  kind: 'a' | 'b' | null;",
        '  count?: number | undefined;',
        '  scores: Record<string, number>;',
        "  flags: Record<'x' | 'y', boolean>;",
        '  none: Record<string, never>;',
        '  both: B & { extra: boolean };',
        '  partial: Partial<B>;',
        '  picked: Omit<B & { other: number }, \'id\'>;',
        '  level: Level;',
        '  pair: Pair<string>;',
        '  at: Date;',
        '  list: readonly string[];',
        '  tuple: [string, number];',
        '  mixed: string | { id: string };',
        '  blob: Buffer;',
        '  tree: Tree<string>;',
        '}',
      ].join('\n'),
    });
    expect(members.kind).toEqual({ enum: ['a', 'b', null] });
    expect(members.count).toEqual({ type: 'number' });
    expect(members.scores).toEqual({ type: 'object', additionalProperties: { type: 'number' } });
    expect(members.flags).toEqual({ type: 'object', properties: { x: { type: 'boolean' }, y: { type: 'boolean' } }, required: ['x', 'y'] });
    expect(members.none).toEqual({ type: 'object', additionalProperties: false });
    expect(members.both).toEqual({ type: 'object', properties: { id: { type: 'string' }, extra: { type: 'boolean' } }, required: ['id', 'extra'] });
    expect(members.partial).toEqual({ type: 'object', properties: { id: { type: 'string' } } });
    expect(members.picked).toEqual({ type: 'object', properties: { other: { type: 'number' } }, required: ['other'] });
    expect(members.level).toEqual({ $ref: '#/components/schemas/Level' });
    expect(components.Level).toEqual({ type: 'number', enum: [0, 5, 6] });
    expect(components.Base).toEqual({ type: 'object', properties: { id: { type: 'string' } }, required: ['id'] });
    expect(members.pair).toEqual({ type: 'object', properties: { first: { type: 'string' }, second: { type: 'number' } }, required: ['first', 'second'] });
    expect(members.at).toEqual({ type: 'string', format: 'date-time' });
    expect(members.list).toEqual({ type: 'array', items: { type: 'string' } });
    expect(members.tuple).toEqual({ type: 'array', items: [{ type: 'string' }, { type: 'number' }], minItems: 2, maxItems: 2 });
    expect(members.mixed).toEqual({ anyOf: [{ type: 'string' }, { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] }] });
    expect(members.blob).toEqual({ description: '`Buffer` from `node:buffer` (not read: only the app\'s own types are).' });
    // A recursive generic ends, described.
    expect(JSON.stringify(members.tree)).toContain('TypeScript type `Tree` (recursive).');
  });

  it('reads WsOk/WsAck as the envelope: the conditional decided on the argument, ok and error told apart by `ok` (oneOf)', () => {
    const { members } = schemasOf({
      'src/realtime.ts': [
        'export interface WsError { code: string; message: string }',
        'export type WsOk<TData = undefined> = TData extends undefined ? { ok: true } : { ok: true; data: TData };',
        'export type WsAck<TData = undefined> = WsOk<TData> | { ok: false; error: WsError };',
        'export interface Room { room: string }',
      ].join('\n'),
      'src/subject.ts': "import type { Room, WsAck, WsOk } from './realtime.js';\nexport interface Subject {\n  plain: WsOk;\n  data: WsOk<{ room: string }>;\n  named: WsOk<Room>;\n  ack: WsAck<string[]>;\n}\n",
    });
    expect(members.plain).toEqual({ type: 'object', properties: { ok: { type: 'boolean', const: true } }, required: ['ok'] });
    expect(members.data).toEqual({ type: 'object', properties: { ok: { type: 'boolean', const: true }, data: { type: 'object', properties: { room: { type: 'string' } }, required: ['room'] } }, required: ['ok', 'data'] });
    expect(members.named).toEqual({ type: 'object', properties: { ok: { type: 'boolean', const: true }, data: { $ref: '#/components/schemas/Room' } }, required: ['ok', 'data'] });
    expect(members.ack).toEqual({
      oneOf: [
        { type: 'object', properties: { ok: { type: 'boolean', const: true }, data: { type: 'array', items: { type: 'string' } } }, required: ['ok', 'data'] },
        { type: 'object', properties: { ok: { type: 'boolean', const: false }, error: { $ref: '#/components/schemas/WsError' } }, required: ['ok', 'error'] },
      ],
    });
  });
});
