import { Tree } from '@angular-devkit/schematics';
import { posix } from 'node:path';
import { parseSourceFile } from './ast/edits';
import { findImportedName } from './ast/imports';
import { layoutFor } from './layout';

/** The HTTP platform a Nest app runs on: the one its generated e2e specs must create the app on. */
export type HttpPlatform = 'express' | 'fastify';

const FASTIFY = '@nestjs/platform-fastify';
const EXPRESS = '@nestjs/platform-express';

/**
 * The app's HTTP platform. An app that declares `@nestjs/platform-fastify` and not
 * `@nestjs/platform-express` runs on Fastify; one that declares both runs on what its `main.ts`
 * creates the app with (`FastifyAdapter` imported from `@nestjs/platform-fastify`); anything else
 * on Express, Nest's default.
 */
export function detectHttpPlatform(tree: Tree, declared: Record<string, string>, sourceRoot: string): HttpPlatform {
  if (!declared[FASTIFY]) return 'express';
  if (!declared[EXPRESS]) return 'fastify';
  const main = posix.join('/', sourceRoot, 'main.ts');
  return tree.exists(main) && findImportedName(parseSourceFile(tree, main), 'FastifyAdapter', FASTIFY) ? 'fastify' : 'express';
}

/**
 * How a generated e2e spec creates and types the app on its platform, as template variables:
 * `import` (first line of the spec), `nodeImport` (the `node:http` import Express's app type
 * needs, or nothing), `appType` and `create` (the statement that creates the app, at `indent`,
 * laid out as Prettier would). On Fastify it is the Nest docs' form, `FastifyAdapter` passed to
 * `createNestApplication()`; `app.listen()` then readies the Fastify instance before it listens.
 */
export function e2eAppVariables(platform: HttpPlatform, indent: string) {
  const layout = layoutFor();
  if (platform === 'fastify') {
    return {
      import: `import { FastifyAdapter, type NestFastifyApplication } from '${FASTIFY}';`,
      nodeImport: '',
      appType: 'NestFastifyApplication',
      create: layout.withArguments(indent, 'app = moduleRef.createNestApplication<NestFastifyApplication>', ['new FastifyAdapter()', '{ logger: false }'], ';'),
    };
  }
  return {
    import: "import type { INestApplication } from '@nestjs/common';",
    nodeImport: "import type { Server } from 'node:http';\n",
    appType: 'INestApplication<Server>',
    create: `${indent}app = moduleRef.createNestApplication({ logger: false });`,
  };
}
