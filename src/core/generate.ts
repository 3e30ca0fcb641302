import {
  MergeStrategy,
  Rule,
  SchematicsException,
  Tree,
  apply,
  applyTemplates,
  filter,
  forEach,
  mergeWith,
  move,
  url,
} from '@angular-devkit/schematics';
import { template } from '@angular-devkit/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

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
 * - `owned`: a file this schematic generates; identical content is a no-op (idempotence),
 *   different content is an error unless `force`;
 * - `shared`: a piece generated once per app and then owned by the team (e.g. shared types):
 *   an existing file is left exactly as it is.
 */
export type ExistingFilePolicy =
  | {
      kind: 'owned';
      force: boolean;
      /**
       * For files other building blocks edit after they are written (a gateway once guarded): true
       * when the existing text is what this run's edits would make of `rendered`, i.e. unchanged.
       */
      isUnchanged?: (path: string, existing: string, rendered: string) => boolean;
    }
  | { kind: 'shared' };

/** Renders a template folder into the tree (`*.template` files; `__name__` placeholders in paths). */
export function writeTemplates(set: TemplateSet, policy: ExistingFilePolicy): Rule {
  return (host: Tree) =>
    mergeWith(
      apply(url(join(TEMPLATES_DIR, set.folder)), [
        filter((path) => !set.skip?.(path.slice(1))),
        applyTemplates(set.variables),
        move(set.destination),
        forEach((entry) => {
          if (!host.exists(entry.path)) return entry;
          if (policy.kind === 'shared' || host.read(entry.path)!.equals(entry.content)) return null;
          if (policy.isUnchanged?.(entry.path, host.readText(entry.path), entry.content.toString('utf8'))) return null;
          if (!policy.force) {
            throw new SchematicsException(
              `${entry.path.slice(1)} already exists with different content; nothing was written. Use --force to overwrite it.`,
            );
          }
          host.overwrite(entry.path, entry.content);
          return null;
        }),
      ]),
      MergeStrategy.Default,
    );
}

/** One template file rendered to text, as `writeTemplates` would write it (for comparisons, not writes). */
export function renderTemplate(templatePath: string, variables: Record<string, unknown>): string {
  return template(readFileSync(join(TEMPLATES_DIR, templatePath), 'utf8'))(variables);
}
