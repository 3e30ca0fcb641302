import { SchematicsException, Tree } from '@angular-devkit/schematics';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RealtimeConventions } from './conventions.schema';
import { readJsonFile } from './json-file';

/** The team's conventions file, committed at the app (or monorepo workspace) root. */
export const CONVENTIONS_FILE = 'realtime.json';
/** The JSON Schema shipped in the package; it documents, validates and fills the defaults. */
export const CONVENTIONS_SCHEMA_PATH = join(__dirname, '../../realtime.schema.json');

type DeepRequired<T> = {
  [K in keyof T]-?: NonNullable<T[K]> extends object ? DeepRequired<NonNullable<T[K]>> : NonNullable<T[K]>;
};
/** Conventions with every default filled in. */
export type Conventions = DeepRequired<Omit<RealtimeConventions, '$schema'>>;

let validator: ValidateFunction | undefined;

function conventionsValidator(): ValidateFunction {
  // `useDefaults` makes the schema the single place where convention defaults live.
  validator ??= new Ajv({ useDefaults: true, allErrors: false }).compile(
    JSON.parse(readFileSync(CONVENTIONS_SCHEMA_PATH, 'utf8')),
  );
  return validator;
}

/**
 * Reads and validates realtime.json (comments and trailing commas allowed); absent means every
 * default. An invalid file names the key.
 */
export function loadConventions(tree: Tree): Conventions {
  const conventions = readJsonFile<unknown>(tree, `/${CONVENTIONS_FILE}`) ?? {};
  const validate = conventionsValidator();
  if (!validate(conventions)) {
    throw new SchematicsException(`${CONVENTIONS_FILE}: ${describeError(validate.errors![0])}`);
  }
  return conventions as Conventions;
}

function describeError(error: ErrorObject): string {
  const key = error.instancePath.slice(1).replace(/\//g, '.');
  if (error.keyword === 'additionalProperty' || error.keyword === 'additionalProperties') {
    const unknownKey = [key, (error.params as { additionalProperty: string }).additionalProperty].filter(Boolean).join('.');
    return `unknown key "${unknownKey}" (see realtime.schema.json for the keys it accepts).`;
  }
  return `"${key || '(root)'}" ${error.message}.`;
}

/** Every convention at its schema default (what an app without realtime.json gets). */
export function conventionDefaults(): Conventions {
  const defaults = {};
  conventionsValidator()(defaults);
  return defaults as Conventions;
}

/** Command-line option > conventions file > schema default: `undefined` means "not given". */
export function pick<T>(option: T | undefined, convention: T): T {
  return option === undefined ? convention : option;
}
