import { UnitTestTree } from '@angular-devkit/schematics/testing';
import { createAppTree, createRunner, runSchematic } from '../../test/support/unit/app-tree';
import { FASTIFY_MAIN } from '../../test/support/app-recipes';
import { resolveAppContext } from './app-context';

const runner = createRunner();

/** The app converted as the Nest docs' Fastify page says: platform-fastify in, platform-express out (unless `keepExpress`). */
function onFastify(tree: UnitTestTree, options: { keepExpress?: boolean; main?: string } = {}): UnitTestTree {
  const packageJson = JSON.parse(tree.readContent('/package.json')) as { dependencies: Record<string, string> };
  packageJson.dependencies['@nestjs/platform-fastify'] = packageJson.dependencies['@nestjs/core'];
  if (!options.keepExpress) delete packageJson.dependencies['@nestjs/platform-express'];
  tree.overwrite('/package.json', JSON.stringify(packageJson, null, 2) + '\n');
  tree.overwrite('/src/main.ts', options.main ?? FASTIFY_MAIN);
  return tree;
}

describe('the HTTP platform', () => {
  it('is Express in the app `nest new` makes', () => {
    expect(resolveAppContext(createAppTree('esm'), {}).httpPlatform).toBe('express');
    expect(resolveAppContext(createAppTree('cjs'), {}).httpPlatform).toBe('express');
  });

  it('is Fastify when the app declares @nestjs/platform-fastify and not @nestjs/platform-express', () => {
    // Whatever main.ts says: without Express installed, Nest can only run on Fastify.
    const tree = onFastify(createAppTree('esm'), { main: createAppTree('esm').readContent('/src/main.ts') });
    expect(resolveAppContext(tree, {}).httpPlatform).toBe('fastify');
  });

  it('follows main.ts when the app declares both platforms', () => {
    expect(resolveAppContext(onFastify(createAppTree('esm'), { keepExpress: true }), {}).httpPlatform).toBe('fastify');
    const expressMain = createAppTree('esm').readContent('/src/main.ts');
    expect(resolveAppContext(onFastify(createAppTree('esm'), { keepExpress: true, main: expressMain }), {}).httpPlatform).toBe('express');
    // An aliased import is still the Fastify adapter; the name alone, from elsewhere, is not.
    const aliased = FASTIFY_MAIN.replace('  FastifyAdapter,', '  FastifyAdapter as Fastify,');
    expect(resolveAppContext(onFastify(createAppTree('esm'), { keepExpress: true, main: aliased }), {}).httpPlatform).toBe('fastify');
    const elsewhere = FASTIFY_MAIN.replace("from '@nestjs/platform-fastify'", "from './fastify.js'");
    expect(resolveAppContext(onFastify(createAppTree('esm'), { keepExpress: true, main: elsewhere }), {}).httpPlatform).toBe('express');
  });

  it('gives the generated e2e specs a Fastify app on Fastify, and leaves them as they were on Express', async () => {
    const files = ['/test/chat.gateway.e2e-spec.ts', '/test/chat.notifier.e2e-spec.ts'];
    const run = async (tree: UnitTestTree) => {
      tree.create('/realtime.json', JSON.stringify({ auth: { enabled: true }, notifier: { enabled: true }, client: { enabled: true } }));
      const { tree: result } = await runSchematic(runner, 'feature', { name: 'chat', skipInstall: true }, tree);
      return files.map((file) => result.readContent(file));
    };
    const express = await run(createAppTree('esm'));
    const fastify = await run(onFastify(createAppTree('esm')));
    for (const [index, spec] of fastify.entries()) {
      expect(spec).toMatch(/^import { FastifyAdapter, type NestFastifyApplication } from '@nestjs\/platform-fastify';\n/);
      expect(spec).toContain('  let app: NestFastifyApplication;\n');
      expect(spec).toContain(
        '    app = moduleRef.createNestApplication<NestFastifyApplication>(\n      new FastifyAdapter(),\n      { logger: false },\n    );\n',
      );
      expect(spec).not.toMatch(/INestApplication|node:http|platform-express/);
      // Nothing else differs: the same spec, on the other platform.
      const onExpress = express[index]
        .replace("import type { INestApplication } from '@nestjs/common';", "import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';")
        .replace("import type { Server } from 'node:http';\n", '')
        .replace('let app: INestApplication<Server>;', 'let app: NestFastifyApplication;')
        .replace(
          '    app = moduleRef.createNestApplication({ logger: false });',
          '    app = moduleRef.createNestApplication<NestFastifyApplication>(\n      new FastifyAdapter(),\n      { logger: false },\n    );',
        );
      expect(spec).toBe(onExpress);
    }
  });
});
