import { UnitTestTree } from '@angular-devkit/schematics/testing';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { COLLECTION_PATH } from '../cli/collection';
import { createAppTree, createRunner, runSchematic, snapshotTree } from '../../test/support/unit/app-tree';
import { SUPPORTED_NEST_MAJORS, resolveAppContext } from './app-context';

const runner = createRunner();
const collection = JSON.parse(readFileSync(COLLECTION_PATH, 'utf8')) as { schematics: Record<string, { schema: string }> };
/** Each schematic with the least it needs: a name wherever its schema takes one. */
const schematics = Object.entries(collection.schematics).map(([schematic, { schema }]) => {
  const { properties } = JSON.parse(readFileSync(join(dirname(COLLECTION_PATH), schema), 'utf8')) as { properties: object };
  return [schematic, 'name' in properties ? { name: 'chat' } : {}] as const;
});

/** The app with every @nestjs/* runtime package declared at `range`, nothing else changed. */
function withNestRange(tree: UnitTestTree, range: string): UnitTestTree {
  const packageJson = JSON.parse(tree.readContent('/package.json')) as { dependencies: Record<string, string> };
  for (const name of Object.keys(packageJson.dependencies).filter((dependency) => dependency.startsWith('@nestjs/'))) {
    packageJson.dependencies[name] = range;
  }
  tree.overwrite('/package.json', JSON.stringify(packageJson, null, 2) + '\n');
  return tree;
}

describe('resolveAppContext', () => {
  it('supports exactly the Nest majors the version manifest lists', () => {
    expect(SUPPORTED_NEST_MAJORS).toEqual([11, 12]);
    for (const major of SUPPORTED_NEST_MAJORS) {
      expect(resolveAppContext(withNestRange(createAppTree('cjs'), `^${major}.1.0`), {}).nestMajor).toBe(major);
    }
  });

  it('refuses a Nest 10 app with one line naming the version found and the supported majors', () => {
    expect(() => resolveAppContext(withNestRange(createAppTree('cjs'), '^10.4.0'), {})).toThrow(
      'Nest 10 ("@nestjs/core": "^10.4.0") is not supported: realtime-schematics supports Nest 11 and 12. Upgrade the app first (https://docs.nestjs.com/migration-guide).',
    );
    expect(() => resolveAppContext(withNestRange(createAppTree('cjs'), '~13.0.0'), {})).toThrow('Nest 13 ("@nestjs/core": "~13.0.0") is not supported');
  });

  it('reads the major of a range without a version from the installed @nestjs/core', () => {
    const tree = withNestRange(createAppTree('esm'), 'latest');
    expect(() => resolveAppContext(tree, {})).toThrow('This Nest version ("@nestjs/core": "latest") is not supported');
    tree.create('/node_modules/@nestjs/core/package.json', JSON.stringify({ name: '@nestjs/core', version: '11.1.6' }));
    expect(resolveAppContext(tree, {}).nestMajor).toBe(11);
  });

  it('refuses a package.json without @nestjs/core', () => {
    const tree = createAppTree('esm');
    tree.overwrite('/package.json', JSON.stringify({ name: 'x', dependencies: {} }));
    expect(() => resolveAppContext(tree, {})).toThrow('No @nestjs/core in package.json: run this command at the root of a Nest app.');
  });

  it('reads .nest-cli.json when there is no nest-cli.json, as the Nest CLI does', () => {
    const tree = createAppTree('esm');
    tree.rename('/nest-cli.json', '/.nest-cli.json');
    tree.overwrite('/.nest-cli.json', JSON.stringify({ sourceRoot: 'lib' }));
    expect(resolveAppContext(tree, {}).sourceRoot).toBe('lib');
  });

  it('names nest-cli.json when the Nest CLI could not read it (a comment, a trailing comma)', () => {
    const tree = createAppTree('esm');
    tree.overwrite('/nest-cli.json', '{\n  "sourceRoot": "src",\n}\n');
    expect(() => resolveAppContext(tree, {})).toThrow(
      'nest-cli.json is not valid JSON: property name expected at line 3, column 1 (the Nest CLI reads it as plain JSON: no comments, no trailing commas).',
    );
  });
});

describe('every schematic on a Nest 10 app', () => {
  it.each(schematics)('%s refuses it and writes nothing', async (schematic, options) => {
    const tree = withNestRange(createAppTree('cjs'), '^10.4.0');
    const before = snapshotTree(tree);
    await expect(runSchematic(runner, schematic, options, tree)).rejects.toThrow('Nest 10 ("@nestjs/core": "^10.4.0") is not supported');
    expect(snapshotTree(tree)).toEqual(before);
  });
});
