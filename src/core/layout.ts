import { Tree } from '@angular-devkit/schematics';

/**
 * Lines of generated code whose layout depends on the length of a name or path, laid out the way
 * Prettier would under the `nest new` config (print width 80), so generated files are Prettier-clean
 * there without loading Prettier. Everything else in the templates is written in a layout that does
 * not depend on names. Under any other config `formatForApp` (format.ts) runs Prettier on the files.
 */
export interface Layout {
  /** `import { A, B } from './x.js';`, broken over lines when longer than the print width (and several names). */
  importStatement(names: string[], specifier: string, options?: { typeOnly?: boolean }): string;
  /** `export class X implements A, B {`, with Prettier's line breaks when it is too long. */
  classHeader(className: string, interfaces: string[]): string;
  /** `export type X = A & B;`, broken after each `&` when it is too long. */
  intersectionType(name: string, types: string[]): string;
  /**
   * `function f(a: A): R {` at `indent` (`head` is what precedes the parameters, `async function f`),
   * with one parameter a line when it is too long.
   */
  functionHeader(indent: string, head: string, parameters: string[], returnType: string): string;
  /**
   * `head(a, b)tail` at `indent`: a call, a `new`, a constructor or a function type
   * (`private readonly logger = new Logger(ChatGateway.name);`, `constructor(…) {}`,
   * `notification: (…) => void;`), with one argument a line when it is too long.
   */
  withArguments(indent: string, head: string, items: string[], tail: string): string;
  /** `key: [A, B],` at `indent` (a `@Module` key), with one item a line when it is too long. */
  arrayProperty(indent: string, key: string, items: string[]): string;
  /** `head<T>(` at `indent` (`async toUser<E extends keyof …>(`), the type parameter on a line of its own when it is too long. */
  genericHead(indent: string, head: string, typeParameter: string): string;
}

/** Prettier's default print width, which `nest new`'s config keeps. */
export const NEST_NEW_PRINT_WIDTH = 80;

/**
 * The layout of the `nest new` style. The tree is not read: an app's config only matters when it
 * differs from that style, and then Prettier lays the files out (Prettier resolves configs
 * asynchronously, from disk, which a template variable cannot wait for).
 */
export function layoutFor(_tree?: Tree): Layout {
  const printWidth = NEST_NEW_PRINT_WIDTH;
  const fits = (line: string) => line.length <= printWidth;
  const withArguments = (indent: string, head: string, items: string[], tail: string) => {
    const oneLine = `${indent}${head}(${items.join(', ')})${tail}`;
    if (fits(oneLine) || items.length === 0) return oneLine;
    return `${indent}${head}(\n${items.map((item) => `${indent}  ${item},\n`).join('')}${indent})${tail}`;
  };
  return {
    importStatement(names, specifier, options = {}) {
      const keyword = options.typeOnly ? 'import type' : 'import';
      const oneLine = `${keyword} { ${names.join(', ')} } from '${specifier}';`;
      // Prettier never breaks an import of a single name, however long.
      return fits(oneLine) || names.length === 1 ? oneLine : `${keyword} {\n${names.map((name) => `  ${name},\n`).join('')}} from '${specifier}';`;
    },
    classHeader(className, interfaces) {
      const oneLine = `export class ${className} implements ${interfaces.join(', ')} {`;
      if (fits(oneLine)) return oneLine;
      const implementsLine = `  implements ${interfaces.join(', ')}`;
      // Too long for its own line as well: one interface a line.
      const list = fits(implementsLine) || interfaces.length === 1 ? implementsLine : `  implements\n${interfaces.map((name) => `    ${name}`).join(',\n')}`;
      return `export class ${className}\n${list}\n{`;
    },
    intersectionType(name, types) {
      const oneLine = `export type ${name} = ${types.join(' & ')};`;
      if (fits(oneLine)) return oneLine;
      // The first type stays on the `=` line when it fits there; else every type goes below it.
      const [first, ...rest] = types;
      return fits(`export type ${name} = ${first} &`)
        ? `export type ${name} = ${[first, ...rest].join(' &\n  ')};`
        : `export type ${name} =\n  ${first} &\n${rest.map((type) => `    ${type}`).join(' &\n')};`;
    },
    functionHeader(indent, head, parameters, returnType) {
      return withArguments(indent, head, parameters, `: ${returnType} {`);
    },
    withArguments,
    arrayProperty(indent, key, items) {
      const oneLine = `${indent}${key}: [${items.join(', ')}],`;
      if (fits(oneLine) || items.length === 0) return oneLine;
      return `${indent}${key}: [\n${items.map((item) => `${indent}  ${item},\n`).join('')}${indent}],`;
    },
    genericHead(indent, head, typeParameter) {
      const oneLine = `${indent}${head}<${typeParameter}>(`;
      return fits(oneLine) ? oneLine : `${indent}${head}<\n${indent}  ${typeParameter},\n${indent}>(`;
    },
  };
}
