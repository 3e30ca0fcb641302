import { Rule, Tree } from '@angular-devkit/schematics';
import { AppContext } from './app-context';
import { Conventions } from './conventions';
import { ExistingFilePolicy, writeTemplates } from './generate';
import { layoutFor } from './layout';
import { Location, relativeImport, resolveLocation } from './naming';
import { sharedFolder } from './shared';

/** A generated class other files import: its name and its workspace path without extension. */
export interface ClassRef {
  name: string;
  file: string;
}

/** The auth pieces (ws-guard): handshake middleware, per-message guard, and the module bundling them with JWT. */
export interface AuthPiece {
  location: Location;
  middleware: ClassRef;
  guard: ClassRef;
  module: ClassRef;
  /** Property under which gateways inject the middleware (`wsAuth`). */
  property: string;
}

/** The exception filter (ws-filter). */
export interface FilterPiece {
  location: Location;
  filter: ClassRef;
}

/** The per-connection rate limit guard (conventions `rateLimit`, SPEC §5.9). */
export interface RateLimitPiece {
  location: Location;
  guard: ClassRef;
}

export const DEFAULT_AUTH_NAME = 'ws-auth';
export const DEFAULT_FILTER_NAME = 'ws-exception';
export const DEFAULT_RATE_LIMIT_NAME = 'ws-rate-limit';

function sharedLocation(app: AppContext, conventions: Conventions, name: string): Location {
  return resolveLocation(name, { sourceRoot: sharedFolder(app, conventions), flat: true });
}

export function authPiece(app: AppContext, conventions: Conventions, name = DEFAULT_AUTH_NAME): AuthPiece {
  const location = sharedLocation(app, conventions, name);
  const base = `${location.directory}/${location.fileName}`;
  return {
    location,
    middleware: { name: `${location.className}Middleware`, file: `${base}.middleware` },
    guard: { name: `${location.className}Guard`, file: `${base}.guard` },
    module: { name: `${location.className}Module`, file: `${base}.module` },
    property: location.propertyName,
  };
}

export function filterPiece(app: AppContext, conventions: Conventions, name = DEFAULT_FILTER_NAME): FilterPiece {
  const location = sharedLocation(app, conventions, name);
  return { location, filter: { name: `${location.className}Filter`, file: `${location.directory}/${location.fileName}.filter` } };
}

export function rateLimitPiece(app: AppContext, conventions: Conventions): RateLimitPiece {
  const location = sharedLocation(app, conventions, DEFAULT_RATE_LIMIT_NAME);
  return { location, guard: { name: `${location.className}Guard`, file: `${location.directory}/${location.fileName}.guard` } };
}

interface PieceOptions {
  policy: ExistingFilePolicy;
  spec: boolean;
  specFileSuffix: string;
}

function writePiece(tree: Tree, folder: string, app: AppContext, location: Location, extra: Record<string, unknown>, options: PieceOptions): Rule {
  return writeTemplates(
    {
      folder,
      destination: location.directory,
      variables: { ...location, ...extra, importSuffix: app.importSuffix, specFileSuffix: options.specFileSuffix, layout: layoutFor(tree) },
      skip: (path) => !options.spec && path.includes('__specFileSuffix__'),
    },
    options.policy,
  );
}

export function writeAuthPiece(tree: Tree, app: AppContext, conventions: Conventions, piece: AuthPiece, options: PieceOptions): Rule {
  return writePiece(tree, 'ws-guard/files', app, piece.location, { allowQueryToken: conventions.auth.allowQueryToken }, options);
}

export function writeFilterPiece(tree: Tree, app: AppContext, piece: FilterPiece, options: PieceOptions): Rule {
  return writePiece(tree, 'ws-filter/files', app, piece.location, {}, options);
}

/** The rate limit guard, with the conventions' points and window as its constants. */
export function writeRateLimitPiece(tree: Tree, app: AppContext, conventions: Conventions, piece: RateLimitPiece, options: PieceOptions): Rule {
  const { points, durationMs } = conventions.rateLimit;
  return writePiece(tree, 'ws-rate-limit/files', app, piece.location, { points, durationMs }, options);
}

/** Import specifier of a generated class, as seen from `fromFile`. */
export function importFrom(app: AppContext, fromFile: string, ref: ClassRef): string {
  return relativeImport(fromFile, ref.file, app.importSuffix);
}
