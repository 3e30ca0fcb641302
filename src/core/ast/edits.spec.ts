import { HostTree } from '@angular-devkit/schematics';
import { logging } from '@angular-devkit/core';
import * as ts from 'typescript';
import { applyEdits } from './apply';
import { appendToList, insertIntoList, noEdit } from './edits';

const MODULE = `import { Module } from '@nestjs/common';

@Module({
  providers: [ChatGateway, ChatRooms, ChatRoomPolicy, ChatPresence],
})
export class ChatModule {}
`;

/** Applies one list insertion, computed on `text`, to a scratch tree and returns the file. */
function withInsertion(text: string, insertion: (source: ts.SourceFile) => ReturnType<typeof appendToList>): string {
  const tree = new HostTree();
  tree.create('/m.ts', text);
  const source = ts.createSourceFile('/m.ts', text, ts.ScriptTarget.Latest, true);
  applyEdits(tree, { logger: new logging.NullLogger() }, { ...noEdit(), insertions: [insertion(source)] });
  return tree.readText('/m.ts');
}

function firstArray(source: ts.SourceFile): ts.ArrayLiteralExpression {
  let found: ts.ArrayLiteralExpression | undefined;
  const visit = (node: ts.Node): void => {
    if (!found && ts.isArrayLiteralExpression(node)) found = node;
    node.forEachChild(visit);
  };
  visit(source);
  return found!;
}

describe('list insertions', () => {
  it('keeps a one-line list on its line while it fits', () => {
    const short = MODULE.replace('ChatRoomPolicy, ChatPresence', 'ChatRoomPolicy');
    const result = withInsertion(short, (source) => appendToList('/m.ts', firstArray(source), firstArray(source).elements, ['ChatPresence']));
    expect(result).toBe(MODULE);
  });

  it('puts a one-line list one element a line, as Prettier does, once it no longer fits', async () => {
    const result = withInsertion(MODULE, (source) => appendToList('/m.ts', firstArray(source), firstArray(source).elements, ['ChatNotifier']));
    const prettier = await import('prettier');
    expect(result).toBe(await prettier.format(result, { parser: 'typescript', singleQuote: true, trailingComma: 'all' }));
    expect(result).toContain('  providers: [\n    ChatGateway,\n    ChatRooms,\n    ChatRoomPolicy,\n    ChatPresence,\n    ChatNotifier,\n  ],\n');
  });

  it('reflows an insertion in the middle of the list the same way', () => {
    const result = withInsertion(MODULE, (source) => insertIntoList('/m.ts', firstArray(source), firstArray(source).elements, 1, ['ChatNotifier']));
    expect(result).toContain('  providers: [\n    ChatGateway,\n    ChatNotifier,\n    ChatRooms,\n');
  });

  it('leaves a list with a comment in it to the plain insertion (the comment is the user’s)', () => {
    const commented = MODULE.replace('ChatRooms,', 'ChatRooms /* rooms */,');
    const result = withInsertion(commented, (source) => appendToList('/m.ts', firstArray(source), firstArray(source).elements, ['ChatNotifier']));
    expect(result).toContain('ChatRooms /* rooms */, ChatRoomPolicy, ChatPresence, ChatNotifier]');
  });
});
