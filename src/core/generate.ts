import { Rule, SchematicContext, SchematicsException, Tree, apply, applyTemplates, callSource, filter, move, url } from '@angular-devkit/schematics';
import { lastValueFrom } from 'rxjs';
import { template } from '@angular-devkit/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatAsCreated } from './format';

const TEMPLATES_DIR = join(__dirname, '../../templates');

export interface TemplateSet {
  /** Folder under `templates/`, e.g. `gateway/files` (variants are separate folders chosen in code). */
  folder: string;
  /** Workspace-relative folder to write into. */
  destination: string;
  /** Values the templates interpolate; every computation happens before, in TypeScript. */
  variables: Record<string, unknown>;
  /** Template paths (relative to the folder, before renaming) to skip, e.g. specs turned off. */
  skip?: (templatePath: string) => boolean;
}

/**
 * How an already existing file is treated:
 * - `owned`: a file this schematic generates; the same content as this run would leave is a no-op
 *   (idempotence), different content is an error unless `force`;
 * - `shared`: a piece generated once per app and then owned by the team (e.g. shared types):
 *   an existing file is left exactly as it is.
 */
export type ExistingFilePolicy =
  | {
      kind: 'owned';
      force: boolean;
      /** The run's `--format`: with it (or an app config Prettier reformats under), a previous run's file was formatted. */
      format: boolean;
      /**
       * For files other building blocks edit after they are written (a gateway once guarded): what
       * this run leaves in the file, given the freshly `rendered` template.
       */
      expectedContent?: (path: string, rendered: string) => string;
    }
  | { kind: 'shared' };

/** Renders a template folder into the tree (`*.template` files; `__name__` placeholders in paths). */
export function writeTemplates(set: TemplateSet, policy: ExistingFilePolicy): Rule {
  return async (host: Tree, context: SchematicContext) => {
    const source = apply(url(join(TEMPLATES_DIR, set.folder)), [
      filter((path) => !set.skip?.(path.slice(1))),
      applyTemplates(set.variables),
      move(set.destination),
    ]);
    const rendered = await lastValueFrom(callSource(source, context));
    const paths: string[] = [];
    rendered.visit((path) => void paths.push(path));
    for (const path of paths) {
      const content = rendered.readText(path);
      if (!host.exists(path)) {
        host.create(path, content);
        continue;
      }
      if (policy.kind === 'shared') continue;
      const existing = host.readText(path);
      const expected = policy.expectedContent?.(path, content) ?? content;
      // An earlier run's output, possibly formatted by Prettier at the end of that run.
      if (existing === expected || existing === (await formatAsCreated(path, expected, { format: policy.format }))) continue;
      if (!policy.force) {
        throw new SchematicsException(`${path.slice(1)} already exists with different content; nothing was written. Use --force to overwrite it.`);
      }
      host.overwrite(path, content);
    }
  };
}

/** One template file rendered to text, as `writeTemplates` would write it (for comparisons, not writes). */
export function renderTemplate(templatePath: string, variables: Record<string, unknown>): string {
  return template(readFileSync(join(TEMPLATES_DIR, templatePath), 'utf8'))(variables);
}
