import { SchematicContext, Tree } from '@angular-devkit/schematics';
import { posix } from 'node:path';
import { readTreeSourceFiles } from '../../check/files';
import { AppSources } from '../../check/sources';
import { asyncApiDocument } from '../../asyncapi/document';
import { readJsonFile } from '../../core/json-file';
import { formatAsCreated } from '../../core/format';
import { realtimeSchematic } from '../../core/run';
import type { AsyncapiOptions } from './schema';

export const asyncapi = realtimeSchematic<AsyncapiOptions>((options, { app }) => async (tree: Tree, context: SchematicContext) => {
  const path = posix.join('/', app.projectRoot, 'asyncapi.json');
  const sources = new AppSources(readTreeSourceFiles(tree, [app.sourceRoot]));
  const packageJson = readJsonFile<{ name?: string; version?: string }>(tree, '/package.json') ?? {};
  const info = { title: options.project ?? packageJson.name ?? 'app', version: packageJson.version ?? '0.0.0' };
  const document = asyncApiDocument(sources, info, (message) => context.logger.warn(message));
  // JSON as the app's Prettier prints it (arrays that fit on one line are), so `prettier --check` passes.
  const text = await formatAsCreated(path, `${JSON.stringify(document, null, 2)}\n`, { format: true });
  if (!tree.exists(path)) tree.create(path, text);
  else if (tree.readText(path) !== text) tree.overwrite(path, text);
});
