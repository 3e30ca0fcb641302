import { strings } from '@angular-devkit/core';
import { SchematicsException } from '@angular-devkit/schematics';
import { posix } from 'node:path';

/** Where a generated unit goes and what it is called, derived once from `name`, `path` and `flat`. */
export interface Location {
  /** kebab-case base name: `chat-room` (file names, namespaces). */
  fileName: string;
  /** PascalCase base name: `ChatRoom` (class names). */
  className: string;
  /** camelCase base name: `chatRoom` (variables). */
  propertyName: string;
  /** Folder the files go into, relative to the workspace root. */
  directory: string;
  /** The folders given before the name (`--path`, `admin/` in `admin/chat`), relative to the source root. */
  group: string;
}

const SEGMENT = /^[A-Za-z][A-Za-z0-9_-]*$/;

/**
 * Validates a user-given name (optionally `admin/chat`) and folder, and places it under the
 * source root like @nestjs/schematics does. Anything that is not a plain identifier path, or that
 * climbs out of the source root, is refused before anything is written.
 */
export function resolveLocation(
  rawName: string | undefined,
  options: { path?: string; sourceRoot: string; flat?: boolean },
): Location {
  const name = (rawName ?? '').trim().replace(/\\/g, '/');
  if (!name) {
    throw new SchematicsException('A name is required, e.g. `chat` or `admin/chat`.');
  }
  const segments = name.split('/');
  const baseName = segments.pop()!;
  for (const segment of [...segments, baseName]) {
    if (segment === '..' || segment === '.' || segment === '') {
      throw new SchematicsException(`Invalid name "${rawName}": it must stay inside the source root (no "..", "." or empty folders).`);
    }
    if (!SEGMENT.test(segment)) {
      throw new SchematicsException(
        `Invalid name "${rawName}": "${segment}" must start with a letter and contain only letters, digits, "-" and "_".`,
      );
    }
  }
  const fileName = strings.dasherize(baseName);
  const group = posix.join(safeFolder(options.path), ...segments);
  const folder = posix.join(options.sourceRoot || '.', group, options.flat ? '' : fileName);
  return {
    fileName,
    className: strings.classify(baseName),
    propertyName: strings.camelize(baseName),
    directory: folder.replace(/\/$/, ''),
    group: group === '.' ? '' : group,
  };
}

function safeFolder(path: string | undefined): string {
  if (!path) {
    return '';
  }
  const normalized = posix.normalize(path.replace(/\\/g, '/'));
  if (posix.isAbsolute(normalized) || normalized === '..' || normalized.startsWith('../')) {
    throw new SchematicsException(`Invalid path "${path}": it must stay inside the source root.`);
  }
  return normalized;
}

/** A relative import specifier from one file to another (both workspace-relative), with the app's suffix. */
export function relativeImport(fromFile: string, toFileWithoutExtension: string, importSuffix: string): string {
  const specifier = posix.relative(posix.dirname(fromFile), toFileWithoutExtension);
  return (specifier.startsWith('.') ? specifier : `./${specifier}`) + importSuffix;
}
