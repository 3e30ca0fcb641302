import { Rule } from '@angular-devkit/schematics';
import { AppContext } from './app-context';
import { Conventions } from './conventions';
import { writeTemplates } from './generate';
import { relativeImport } from './naming';

/** The one folder where pieces shared by every gateway live (default `src/realtime`). */
export function sharedFolder(app: AppContext, conventions: Conventions): string {
  return `${app.sourceRoot}/${conventions.sharedFolder}`;
}

/** Import specifiers of the shared helpers (socket types, `validated()`), as seen from `fromFile`. */
export function sharedImports(app: AppContext, conventions: Conventions, fromFile: string) {
  const folder = sharedFolder(app, conventions);
  return {
    sharedSocketFromUnit: relativeImport(fromFile, `${folder}/realtime-socket`, app.importSuffix),
    sharedValidationFromUnit: relativeImport(fromFile, `${folder}/ws-validation`, app.importSuffix),
  };
}

/** Shared socket types and helpers: written once per app, then owned by the team (never overwritten). */
export function writeSharedSocket(app: AppContext, conventions: Conventions): Rule {
  return writeTemplates({ folder: 'shared/socket', destination: sharedFolder(app, conventions), variables: {} }, { kind: 'shared' });
}

/** The shared Redis connection helper (presence, the notifier's worker emitter), for the adapter's Redis client library. */
export function writeSharedRedis(app: AppContext, conventions: Conventions): Rule {
  return writeTemplates({ folder: 'shared/redis', destination: sharedFolder(app, conventions), variables: { client: conventions.adapter.client } }, { kind: 'shared' });
}

/** Import specifier of the shared Redis helper, as seen from `fromFile`. */
export function sharedRedisImport(app: AppContext, conventions: Conventions, fromFile: string): string {
  return relativeImport(fromFile, `${sharedFolder(app, conventions)}/realtime-redis`, app.importSuffix);
}
