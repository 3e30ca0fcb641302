import { Rule } from '@angular-devkit/schematics';
import { AppContext } from './app-context';
import { Conventions } from './conventions';
import { writeTemplates } from './generate';

/** The one folder where pieces shared by every gateway live (default `src/realtime`). */
export function sharedFolder(app: AppContext, conventions: Conventions): string {
  return `${app.sourceRoot}/${conventions.sharedFolder}`;
}

/** Shared socket types and helpers: written once per app, then owned by the team (never overwritten). */
export function writeSharedSocket(app: AppContext, conventions: Conventions): Rule {
  return writeTemplates({ folder: 'shared/socket', destination: sharedFolder(app, conventions), variables: {} }, { kind: 'shared' });
}
