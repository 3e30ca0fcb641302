import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The package's own collection.json, which the CLI serves (and whose schemas define the flags). */
export const COLLECTION_PATH = join(__dirname, '../../collection.json');

export interface SchemaProperty {
  type?: 'string' | 'boolean' | 'number' | 'integer';
  description?: string;
  enum?: unknown[];
  default?: unknown;
  $default?: { $source?: string; index?: number };
  'x-prompt'?: string;
}

export interface SchematicSchema {
  description?: string;
  properties: Record<string, SchemaProperty>;
  required?: string[];
}

export interface SchematicEntry {
  name: string;
  description: string;
  aliases: string[];
  schemaPath: string;
}

interface CollectionJson {
  schematics: Record<string, { description: string; schema: string; aliases?: string[]; hidden?: boolean; private?: boolean }>;
}

export function listSchematics(): SchematicEntry[] {
  const collection = JSON.parse(readFileSync(COLLECTION_PATH, 'utf8')) as CollectionJson;
  return Object.entries(collection.schematics)
    .filter(([, entry]) => !entry.hidden && !entry.private)
    .map(([name, entry]) => ({
      name,
      description: entry.description,
      aliases: entry.aliases ?? [],
      schemaPath: join(dirname(COLLECTION_PATH), entry.schema),
    }));
}

export function findSchematic(nameOrAlias: string): SchematicEntry | undefined {
  return listSchematics().find((entry) => entry.name === nameOrAlias || entry.aliases.includes(nameOrAlias));
}

export function readSchema(entry: SchematicEntry): SchematicSchema {
  return JSON.parse(readFileSync(entry.schemaPath, 'utf8')) as SchematicSchema;
}
