import * as ts from 'typescript';
import { noEdit } from './edits';
import { addImport, findImportedName, importInsertions, importPosition } from './imports';

function parse(text: string): ts.SourceFile {
  return ts.createSourceFile('/src/app.module.ts', text, ts.ScriptTarget.Latest, true);
}

/** Resolves import requests for `symbols` and applies the insertions to the text they were computed on. */
function importInto(text: string, symbol: string | string[], specifier: string): string {
  const source = parse(text);
  const requests = [symbol].flat().flatMap((name) => addImport(source, name, specifier).edit.imports);
  return importInsertions(source, requests)
    .sort((a, b) => b.position - a.position)
    .reduce((result, { position, text: inserted }) => result.slice(0, position) + inserted + result.slice(position), text);
}

describe('addImport', () => {
  it('adds an import after the last one', () => {
    expect(importInto("import { A } from 'a';\n\nconst x = 1;\n", 'B', 'b')).toBe("import { A } from 'a';\nimport { B } from 'b';\n\nconst x = 1;\n");
  });

  it('puts a new package import after the last package import, and a relative one after the last import', () => {
    const text = "import { A } from 'a';\nimport { B } from './b.js';\n\nconst x = 1;\n";
    expect(importInto(text, 'C', 'c')).toBe("import { A } from 'a';\nimport { C } from 'c';\nimport { B } from './b.js';\n\nconst x = 1;\n");
    expect(importInto(text, 'D', './d.js')).toBe("import { A } from 'a';\nimport { B } from './b.js';\nimport { D } from './d.js';\n\nconst x = 1;\n");
    // Only relative imports: the package import goes first.
    expect(importInto("import { B } from './b.js';\n", 'C', 'c')).toBe("import { C } from 'c';\nimport { B } from './b.js';\n");
  });

  it('adds the first import at the top of a file without imports', () => {
    expect(importInto('const x = 1;\n', 'B', 'b')).toBe("import { B } from 'b';\nconst x = 1;\n");
  });

  it('merges into an existing named import from the same module', () => {
    expect(importInto("import { A } from '@nestjs/common';\n", 'B', '@nestjs/common')).toBe("import { A, B } from '@nestjs/common';\n");
  });

  it('keeps a multi-line import multi-line, trailing comma included', () => {
    expect(importInto("import {\n  A,\n  C,\n} from 'x';\n", 'B', 'x')).toBe("import {\n  A,\n  C,\n  B,\n} from 'x';\n");
  });

  it('treats ./x.js and ./x as the same module (ESM and CommonJS specifiers)', () => {
    expect(importInto("import { A } from './x';\n", 'B', './x.js')).toBe("import { A, B } from './x';\n");
  });

  it('does not merge a value import into a type-only import', () => {
    expect(importInto("import type { A } from 'x';\n", 'B', 'x')).toBe("import type { A } from 'x';\nimport { B } from 'x';\n");
  });

  it('merges several requests for one module into one import', () => {
    expect(importInto("import { A } from 'a';\n", ['B', 'C', 'B'], 'b')).toBe("import { A } from 'a';\nimport { B, C } from 'b';\n");
  });

  it('changes nothing when the symbol is already imported', () => {
    const source = parse("import { Module } from '@nestjs/common';\n");
    expect(addImport(source, 'Module', '@nestjs/common')).toEqual({ edit: noEdit(), localName: 'Module' });
  });
});

describe('findImportedName', () => {
  it('returns the alias of an aliased import', () => {
    expect(findImportedName(parse("import { Module as NestModule } from '@nestjs/common';"), 'Module', '@nestjs/common')).toBe('NestModule');
  });

  it('qualifies a namespace import', () => {
    expect(findImportedName(parse("import * as common from '@nestjs/common';"), 'Module', '@nestjs/common')).toBe('common.Module');
  });

  it('is undefined when the symbol is not imported from that module', () => {
    expect(findImportedName(parse("import { Module } from 'elsewhere';"), 'Module', '@nestjs/common')).toBeUndefined();
  });
});

describe('importPosition', () => {
  it('tells where a symbol is imported, aliased or not, across .js suffixes, and nothing for what is not imported', () => {
    const text = "import { A } from './a.js';\nimport { B as Bee } from './b.js';\nimport type { C } from './c.js';\n";
    const source = parse(text);
    expect(importPosition(source, 'A', './a')).toBe(0);
    expect(importPosition(source, 'B', './b.js')).toBe(text.indexOf('import { B'));
    expect(importPosition(source, 'C', './c.js')).toBe(text.indexOf('import type'));
    expect(importPosition(source, 'Bee', './b.js')).toBeUndefined();
    expect(importPosition(source, 'D', './d.js')).toBeUndefined();
  });
});
