import { Rule } from '@angular-devkit/schematics';
import { AppContext } from './app-context';
import { Conventions } from './conventions';
import { writeTemplates } from './generate';
import { layoutFor } from './layout';
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
    sharedContractFromUnit: relativeImport(fromFile, `${folder}/realtime.contract`, app.importSuffix),
  };
}

/**
 * Shared socket types and helpers, and the acknowledgement envelope every namespace's contract
 * uses (`realtime.contract.ts`): written once per app, then owned by the team (never overwritten).
 */
export function writeSharedSocket(app: AppContext, conventions: Conventions): Rule {
  return writeTemplates({ folder: 'shared/socket', destination: sharedFolder(app, conventions), variables: { importSuffix: app.importSuffix } }, { kind: 'shared' });
}

/** The shared Redis connection helper (presence, the notifier's worker path), for the adapter's Redis client library. */
export function writeSharedRedis(app: AppContext, conventions: Conventions): Rule {
  return writeTemplates({ folder: 'shared/redis', destination: sharedFolder(app, conventions), variables: { client: conventions.adapter.client } }, { kind: 'shared' });
}

/** Import specifier of the shared Redis helper, as seen from `fromFile`. */
export function sharedRedisImport(app: AppContext, conventions: Conventions, fromFile: string): string {
  return relativeImport(fromFile, `${sharedFolder(app, conventions)}/realtime-redis`, app.importSuffix);
}

/**
 * The shared stream emitter: a worker's broadcasts as entries of the streams adapter's Redis
 * stream (socket.io publishes no emitter for that adapter). Beside the shared Redis helper it uses.
 */
export function writeSharedStreamEmitter(app: AppContext, conventions: Conventions): Rule {
  return writeTemplates(
    { folder: 'shared/stream-emitter', destination: sharedFolder(app, conventions), variables: { client: conventions.adapter.client, importSuffix: app.importSuffix } },
    { kind: 'shared' },
  );
}

/** Import specifier of the shared stream emitter, as seen from `fromFile`. */
export function sharedStreamEmitterImport(app: AppContext, conventions: Conventions, fromFile: string): string {
  return relativeImport(fromFile, `${sharedFolder(app, conventions)}/realtime-stream-emitter`, app.importSuffix);
}

/** The shared presence store (in process, or in Redis across instances), used by every namespace's presence handler. */
export function writeSharedPresence(app: AppContext, conventions: Conventions): Rule {
  return writeTemplates(
    { folder: 'shared/presence', destination: sharedFolder(app, conventions), variables: { client: conventions.adapter.client, importSuffix: app.importSuffix, commands: redisCommands(conventions), layout: layoutFor() } },
    { kind: 'shared' },
  );
}

/** Import specifier of the shared presence store, as seen from `fromFile`. */
export function sharedPresenceImport(app: AppContext, conventions: Conventions, fromFile: string): string {
  return relativeImport(fromFile, `${sharedFolder(app, conventions)}/realtime-presence`, app.importSuffix);
}

/** The method names of the Redis commands the shared pieces call, in the client library's spelling. */
function redisCommands(conventions: Conventions) {
  return conventions.adapter.client === 'ioredis' ? { sMembers: 'smembers' } : { sMembers: 'sMembers' };
}
