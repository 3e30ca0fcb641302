import { Rule, Tree } from '@angular-devkit/schematics';
import { CONVENTIONS_FILE, conventionDefaults } from '../core/conventions';
import { editJsonFile, readJsonFile } from '../core/json-file';

/**
 * Presence sends diffs (SPEC §5.8): an app with presence on gets the two timings that govern them
 * written into realtime.json at their defaults, where the team sees and tunes them. Keys the team
 * set are kept; comments and layout stay (Angular's JSONFile).
 */
export function presenceDiffSettings(): Rule {
  return (tree: Tree) => {
    const path = `/${CONVENTIONS_FILE}`;
    const presence = readJsonFile<{ presence?: { enabled?: boolean } }>(tree, path)?.presence;
    if (!presence?.enabled) return;
    const file = editJsonFile(tree, path);
    const defaults = conventionDefaults().presence;
    for (const key of ['diffIntervalMs', 'offlineGraceMs'] as const) {
      if (file.get(['presence', key]) === undefined) file.modify(['presence', key], defaults[key]);
    }
  };
}
