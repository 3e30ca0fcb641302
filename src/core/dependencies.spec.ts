import { HostTree, SchematicContext } from '@angular-devkit/schematics';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DependencyRequest, addDependencies } from './dependencies';
import manifest from './versions.json';

const repoPackageJson = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { devDependencies: Record<string, string> };
const majorOf = (version: string) => Number(version.match(/\d+/)![0]);

describe('versions manifest', () => {
  it('names the same packages for every Nest major', () => {
    const [first, ...others] = Object.values(manifest.byNestMajor).map((versions) => Object.keys(versions).sort());
    for (const names of others) expect(names).toEqual(first);
  });

  it('gives @nestjs packages the major they are listed under', () => {
    for (const [major, versions] of Object.entries(manifest.byNestMajor)) {
      for (const [name, range] of Object.entries(versions)) {
        if (name.startsWith('@nestjs/')) expect([name, majorOf(range)]).toEqual([name, Number(major)]);
      }
    }
  });

  // The demo's app runs on this repository's devDependencies (it is scaffolded offline): they must be
  // what init would write into a Nest 12 app, or the demo would prove something else.
  it('agrees with the devDependencies the demo app runs on', () => {
    const latest = manifest.byNestMajor['12'];
    const runtime = { ...latest, ...manifest.common } as Record<string, string>;
    for (const name of ['@nestjs/websockets', '@nestjs/platform-socket.io', '@nestjs/jwt', 'class-validator', 'redis', '@socket.io/redis-adapter', '@socket.io/redis-emitter', 'rate-limiter-flexible']) {
      expect([name, majorOf(repoPackageJson.devDependencies[name])]).toEqual([name, majorOf(runtime[name])]);
    }
    expect(repoPackageJson.devDependencies['socket.io']).toBe(latest['socket.io']);
    expect(repoPackageJson.devDependencies['socket.io-client']).toBe(manifest.common['socket.io-client']);
  });
});

describe('addDependencies', () => {
  const packageJson = (sections: object, indent = 2) => JSON.stringify({ name: 'app', ...sections }, null, indent) + '\n';
  // The install is the run's (core/run.ts), not this rule's: it only edits package.json.
  const apply = async (tree: HostTree, requests: DependencyRequest[]) => {
    await addDependencies(requests)(tree, {} as SchematicContext);
  };
  const treeWith = (content: string) => {
    const tree = new HostTree();
    tree.create('/package.json', content);
    return tree;
  };

  it('adds each missing package in alphabetical place at the Nest major’s version', async () => {
    const tree = treeWith(packageJson({ dependencies: { '@nestjs/common': '^11.0.1', '@nestjs/core': '^11.0.1', rxjs: '^7.8.1' }, devDependencies: { jest: '^30.0.0' } }));
    await apply(tree, [{ name: '@nestjs/websockets' }, { name: 'socket.io' }, { name: 'socket.io-client', dev: true }]);
    const written = JSON.parse(tree.readText('/package.json'));
    expect(Object.entries(written.dependencies)).toEqual([
      ['@nestjs/common', '^11.0.1'],
      ['@nestjs/core', '^11.0.1'],
      ['@nestjs/websockets', manifest.byNestMajor['11']['@nestjs/websockets']],
      ['rxjs', '^7.8.1'],
      ['socket.io', manifest.byNestMajor['11']['socket.io']],
    ]);
    expect(Object.keys(written.devDependencies)).toEqual(['jest', 'socket.io-client']);
  });

  it('keeps a version the app declared in either section', async () => {
    const content = packageJson({ dependencies: { '@nestjs/core': '^12.0.0', 'socket.io': '~4.7.0' }, devDependencies: { 'class-validator': '0.14.0' } });
    const tree = treeWith(content);
    await apply(tree, [{ name: 'socket.io' }, { name: 'class-validator' }]);
    expect(tree.readText('/package.json')).toBe(content);
  });

  it('leaves every other byte alone: the other keys, their order and the final newline', async () => {
    const tree = treeWith(packageJson({ version: '0.0.1', dependencies: { '@nestjs/core': '^12.0.0', zod: '^3.0.0' }, private: true }));
    await apply(tree, [{ name: 'class-validator' }]);
    expect(tree.readText('/package.json')).toBe(
      packageJson({ version: '0.0.1', dependencies: { '@nestjs/core': '^12.0.0', 'class-validator': manifest.common['class-validator'], zod: '^3.0.0' }, private: true }),
    );
  });

  it('refuses a package.json npm could not read, naming it, and changes nothing', async () => {
    const tree = treeWith('{ "dependencies": { "@nestjs/core": "^12.0.0", }, }\n');
    await expect(apply(tree, [{ name: 'socket.io' }])).rejects.toThrow('package.json is not valid JSON: property name expected at line 1, column 48');
    expect(tree.readText('/package.json')).toBe('{ "dependencies": { "@nestjs/core": "^12.0.0", }, }\n');
  });
});
