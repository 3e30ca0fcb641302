import * as ts from 'typescript';
import { Edit, Insertion, combineEdits, noEdit } from './edits';

/** The name a top-level declaration introduces (interface, type alias, class, function, enum), if any. */
function declaredName(statement: ts.Statement): string | undefined {
  if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isFunctionDeclaration(statement) || ts.isEnumDeclaration(statement)) {
    return statement.name?.text;
  }
  return undefined;
}

function memberName(member: ts.TypeElement): string | undefined {
  const name = member.name;
  return name && (ts.isIdentifier(name) || ts.isStringLiteral(name)) ? name.text : undefined;
}

/** A node's text with its leading comments (a member's JSDoc), without the blank lines before them. */
function textWithComments(node: ts.Node): string {
  return node.getFullText().replace(/^\s*\n/, '').replace(/^\s+/, '');
}

export function findInterface(source: ts.SourceFile, interfaceName: string): ts.InterfaceDeclaration | undefined {
  return source.statements.find((statement): statement is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(statement) && statement.name.text === interfaceName);
}

/**
 * Members added to an interface, before its closing brace, indented like its other members (two
 * spaces in an empty one). Members whose name the interface already has are skipped, so a second
 * run adds nothing. `members` are the members' texts (comments included), one per entry.
 */
export function addInterfaceMembers(source: ts.SourceFile, declaration: ts.InterfaceDeclaration, members: { name: string; text: string }[]): Edit {
  const present = new Set(declaration.members.map(memberName));
  const missing = members.filter(({ name }) => !present.has(name));
  if (missing.length === 0) return noEdit();
  const last = declaration.members[declaration.members.length - 1];
  const indentation = '  ';
  const lines = missing.map(({ text }) => text.split('\n').map((line) => (line ? `${indentation}${line.replace(/^ {2}/, '')}` : line)).join('\n'));
  // `{}` (an empty interface) opens up onto lines of its own; else the members follow the last one.
  const insertion: Insertion = last
    ? { path: source.fileName, position: last.getEnd(), text: lines.map((line) => `\n${line}`).join('') }
    : { path: source.fileName, position: declaration.members.pos, text: `\n${lines.join('\n')}\n` };
  return { ...noEdit(), insertions: [insertion] };
}

/**
 * What merging `fragment` into `source` takes: each interface of the fragment that the file has
 * gets the fragment's members it lacks (addInterfaceMembers); every other declaration of the
 * fragment that the file lacks (by name) is inserted once, before the declaration named `before`
 * (else the first interface the file and the fragment share: payloads read before the event maps
 * that use them), else at the end.
 * The fragment's imports are not copied: the caller requests the imports its declarations need.
 * Idempotent: a merged file merges to itself.
 */
export function mergeDeclarations(source: ts.SourceFile, fragment: ts.SourceFile, options: { before?: string } = {}): Edit {
  const names = new Set(source.statements.map(declaredName).filter(Boolean));
  const shared = fragment.statements.filter(ts.isInterfaceDeclaration).filter((declaration) => names.has(declaration.name.text));
  const firstShared =
    source.statements.find((statement) => options.before !== undefined && declaredName(statement) === options.before) ??
    source.statements.find((statement) => shared.some((declaration) => declaredName(statement) === declaration.name.text));
  const added = fragment.statements.filter((statement) => !ts.isImportDeclaration(statement) && declaredName(statement) !== undefined && !names.has(declaredName(statement)!));
  const declarations: Edit = noEdit();
  if (added.length > 0) {
    const blocks = added.map(textWithComments);
    // Before the statement's doc comment: a file's header comment, above it, stays first.
    declarations.insertions.push(
      firstShared
        ? { path: source.fileName, position: firstShared.getStart(source, true), text: blocks.map((block) => `${block}\n\n`).join('') }
        : { path: source.fileName, position: source.getEnd(), text: blocks.map((block) => `\n${block}\n`).join('') },
    );
  }
  const members = shared.map((declaration) =>
    addInterfaceMembers(
      source,
      findInterface(source, declaration.name.text)!,
      declaration.members.map((member) => ({ name: memberName(member) ?? '', text: textWithComments(member) })),
    ),
  );
  return combineEdits(declarations, ...members);
}
