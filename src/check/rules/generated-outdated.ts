import * as semver from 'semver';
import { CheckRule } from '../rule';

/**
 * A file the ledger (`.realtime/generated.json`) says an older version of this package wrote: the
 * fixes made since have not reached it. `update` brings it forward and keeps the team's edits.
 */
export const generatedOutdated: CheckRule = {
  id: 'generated-outdated',
  severity: 'warning',
  check({ generated, reportFile }) {
    if (!generated) return;
    for (const [path, entry] of Object.entries(generated.files)) {
      if (entry.deleted || !semver.lt(entry.version, generated.installed)) continue;
      reportFile(path, `written by realtime-schematics ${entry.version}, older than the installed ${generated.installed}; bring it up to date, keeping your edits, with \`npx realtime-schematics update\`.`);
    }
  },
};
