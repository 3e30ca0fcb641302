import { Rule, SchematicContext, SchematicsException, Tree, apply, applyTemplates, callSource, filter, move, url } from '@angular-devkit/schematics';
import { lastValueFrom } from 'rxjs';
import { template } from '@angular-devkit/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isUntouched, readLedger } from './ledger';

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
 * - `owned`: a file this schematic generates; the ledger's record of it, untouched, or the same
 *   content as this render is a no-op (idempotence: an earlier version's untouched output is left
 *   as it is, `update` moves it); different content is the team's, an error unless `force`;
 * - `shared`: a piece generated once per app and then owned by the team (e.g. shared types):
 *   an existing file is left exactly as it is.
 */
export type ExistingFilePolicy =
  | { kind: 'owned'; force: boolean }
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
      // Read before the run ends: the ledger as the previous runs left it.
      if (existing === content || isUntouched(readLedger(host), path, existing)) continue;
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
