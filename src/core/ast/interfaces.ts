import * as ts from 'typescript';
import { Edit, Insertion, combineEdits, manualStep, noEdit } from './edits';

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

/** Members' texts (comments included) on lines of their own, indented as an interface's members. */
function memberLines(members: { text: string }[]): string[] {
  const indentation = '  ';
  return members.map(({ text }) => text.split('\n').map((line) => (line ? `${indentation}${line.replace(/^ {2}/, '')}` : line)).join('\n'));
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
  const lines = memberLines(missing);
  // `{}` (an empty interface) opens up onto lines of its own; else the members follow the last one.
  const insertion: Insertion = last
    ? { path: source.fileName, position: last.getEnd(), text: lines.map((line) => `\n${line}`).join('') }
    : { path: source.fileName, position: declaration.members.pos, text: `\n${lines.join('\n')}\n` };
  return { ...noEdit(), insertions: [insertion] };
}

/**
 * `type X = Record<string, never>`: a map with nothing in it yet, written so because linters flag
 * an empty interface. The members merged into it make it the interface they belong to.
 */
function findEmptyMap(source: ts.SourceFile, name: string): ts.TypeAliasDeclaration | undefined {
  const isEmptyRecord = (type: ts.TypeNode) =>
    ts.isTypeReferenceNode(type) &&
    ts.isIdentifier(type.typeName) &&
    type.typeName.text === 'Record' &&
    type.typeArguments?.length === 2 &&
    type.typeArguments[0].kind === ts.SyntaxKind.StringKeyword &&
    type.typeArguments[1].kind === ts.SyntaxKind.NeverKeyword;
  return source.statements.find((statement): statement is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(statement) && statement.name.text === name && isEmptyRecord(statement.type));
}

/** The empty map, replaced by the interface of `members` (its modifiers and doc comment kept). */
function fillEmptyMap(source: ts.SourceFile, map: ts.TypeAliasDeclaration, members: { text: string }[]): Edit {
  if (members.length === 0) return noEdit();
  const modifiers = map.modifiers?.map((modifier) => `${modifier.getText(source)} `).join('') ?? '';
  const text = `${modifiers}interface ${map.name.text} {\n${memberLines(members).join('\n')}\n}`;
  return { ...noEdit(), insertions: [{ path: source.fileName, position: map.getStart(source), text, replaces: map.getEnd() - map.getStart(source) }] };
}

/**
 * What merging `fragment` into `source` takes: each interface of the fragment that the file has
 * gets the fragment's members it lacks (addInterfaceMembers), or, where the file has an empty map
 * of that name (`Record<string, never>`), becomes the interface of its members. Every other
 * declaration of the fragment that the file lacks (by name) is inserted once, before the
 * declaration named `before` (else the first interface the file and the fragment share: payloads
 * read before the event maps that use them), else at the end.
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
  const members = shared.map((declaration) => {
    const texts = declaration.members.map((member) => ({ name: memberName(member) ?? '', text: textWithComments(member) }));
    const emptyMap = findEmptyMap(source, declaration.name.text);
    if (emptyMap) return fillEmptyMap(source, emptyMap, texts);
    const target = findInterface(source, declaration.name.text);
    return target ? addInterfaceMembers(source, target, texts) : manualStep(source.fileName, `${declaration.name.text} is not an interface; declare it as one and run the command again.`);
  });
  return combineEdits(declarations, ...members);
}
