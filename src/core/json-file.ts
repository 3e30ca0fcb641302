import { SchematicsException, Tree } from '@angular-devkit/schematics';
import { JSONFile } from '@schematics/angular/utility/json-file';
import { ParseErrorCode, ParseError, parse, printParseErrorCode } from 'jsonc-parser';
import { posix } from 'node:path';

/**
 * Who reads each JSON file of an app, and so what it may contain. npm and the Nest CLI
 * (`NestConfigurationLoader`: `JSON.parse` of `nest-cli.json`, else `.nest-cli.json`) take plain JSON,
 * so a comment there would break them and is refused here too; TypeScript reads `tsconfig*.json` with
 * comments and trailing commas, and Nx its `project.json` and `nx.json` likewise; `realtime.json` is
 * read only by this package, which accepts both so a team can note why a convention is set. Any other
 * file is read as plain JSON.
 */
const READERS: Array<{ name: RegExp; reader: string; comments: boolean }> = [
  { name: /^package\.json$/, reader: 'npm', comments: false },
  { name: /^\.?nest-cli\.json$/, reader: 'the Nest CLI', comments: false },
  { name: /^tsconfig.*\.json$/, reader: 'TypeScript', comments: true },
  { name: /^realtime\.json$/, reader: 'realtime-schematics', comments: true },
  { name: /^(project|nx)\.json$/, reader: 'Nx', comments: true },
];

function readerOf(path: string): { reader: string; comments: boolean } {
  const name = posix.basename(path);
  return READERS.find((entry) => entry.name.test(name)) ?? { reader: 'its tools', comments: false };
}

/**
 * Reads a JSON file of the app the way the file's own tool reads it (see READERS); undefined when the
 * file does not exist. A file that does not parse is one error naming the file, the line and the column.
 */
export function readJsonFile<T>(tree: Tree, path: string): T | undefined {
  if (!tree.exists(path)) return undefined;
  const text = tree.readText(path);
  const { reader, comments } = readerOf(path);
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: comments, disallowComments: !comments, allowEmptyContent: false });
  if (errors.length > 0) {
    const [{ error, offset }] = errors;
    const hint = comments ? '' : ` (${reader} reads it as plain JSON: no comments, no trailing commas)`;
    throw new SchematicsException(`${path.replace(/^\//, '')} is not valid JSON: ${describeParseError(error)} at ${lineAndColumn(text, offset)}${hint}.`);
  }
  return value as T;
}

/**
 * The one way this package edits a JSON file the user owns: Angular's `JSONFile`, which changes only the
 * edited value (comments, indentation, key order and the final newline stay) and writes only on a
 * change. The file is read first by `readJsonFile`, so a broken file fails with the same message.
 */
export function editJsonFile(tree: Tree, path: string): JSONFile {
  readJsonFile(tree, path);
  return new JSONFile(tree, path);
}

/** `PropertyNameExpected` → "property name expected", `InvalidCommentToken` → "a comment". */
function describeParseError(code: ParseErrorCode): string {
  if (code === ParseErrorCode.InvalidCommentToken) return 'a comment';
  return printParseErrorCode(code)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split(/\r?\n/);
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}
