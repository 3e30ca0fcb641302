import { SchematicEntry, SchemaProperty, listSchematics, readSchema } from './collection';
import { kebabCase } from './arguments';

/** One example per schematic, shown in the global help. */
/** One example command per schematic, shown in --help and in "missing name" errors. */
export const EXAMPLES: Record<string, string> = {
  init: 'realtime-schematics init --set-default',
  feature: 'realtime-schematics feature chat',
  gateway: 'realtime-schematics gateway chat',
  'ws-guard': 'realtime-schematics ws-guard --gateway chat',
  'ws-filter': 'realtime-schematics ws-filter --gateway chat',
  'room-handler': 'realtime-schematics room-handler chat --gateway chat',
  'redis-adapter': 'realtime-schematics redis-adapter --kind pubsub --client redis',
};

export function globalHelp(): string {
  const schematics = listSchematics();
  const width = Math.max(...schematics.map((entry) => label(entry).length));
  const rows = schematics.map((entry) => {
    const example = EXAMPLES[entry.name] ? `\n  ${' '.repeat(width)}  e.g. ${EXAMPLES[entry.name]}` : '';
    return `  ${label(entry).padEnd(width)}  ${entry.description}${example}`;
  });
  return [
    'Usage: realtime-schematics <schematic> [name] [options]',
    '       realtime-schematics check [--json] [-p <project>]',
    '       realtime-schematics update [--dry-run]',
    '',
    'Writes production-grade socket.io code into the NestJS app in the current folder.',
    '',
    'Schematics:',
    ...rows,
    '',
    'Commands:',
    '  check   Reports where the app\'s real-time code departs from realtime.json and safe socket.io practice; writes nothing.',
    '          e.g. realtime-schematics check --json   (realtime-schematics check --help for its options)',
    '  update  Brings the generated files recorded in .realtime/generated.json to what this version writes, keeping your edits.',
    '          e.g. realtime-schematics update --dry-run   (realtime-schematics update --help for its options)',
    '',
    'Options for every schematic:',
    '  --dry-run, -d  Show what would change; write nothing.',
    '  --help, -h     Show the options of a schematic: realtime-schematics <schematic> --help',
    '  --project, -p  Monorepo project (a key of nest-cli.json projects) to generate into.',
    '',
    'Team defaults come from realtime.json (see realtime.schema.json); options given here win.',
  ].join('\n');
}

export function schematicHelp(entry: SchematicEntry): string {
  const schema = readSchema(entry);
  const positionals = Object.entries(schema.properties)
    .filter(([, property]) => property.$default?.$source === 'argv')
    .map(([name]) => `[${name}]`);
  const flags = Object.entries(schema.properties).map(([name, property]) => [flag(name, property), describe(property)]);
  flags.push(['--dry-run', 'Show what would change; write nothing.']);
  const width = Math.max(...flags.map(([text]) => text.length));
  return [
    `Usage: realtime-schematics ${entry.name} ${positionals.join(' ')} [options]`,
    '',
    schema.description ?? entry.description,
    entry.aliases.length ? `Aliases: ${entry.aliases.join(', ')}` : '',
    '',
    'Options:',
    ...flags.map(([text, description]) => `  ${text.padEnd(width)}  ${description}`),
  ]
    .filter((line, index, lines) => line !== '' || lines[index - 1] !== '')
    .join('\n');
}

function label(entry: SchematicEntry): string {
  return entry.aliases.length ? `${entry.name} (${entry.aliases.join(', ')})` : entry.name;
}

function flag(name: string, property: SchemaProperty): string {
  const value = property.type === 'boolean' ? '' : property.enum ? ` <${property.enum.join('|')}>` : ` <${property.type ?? 'value'}>`;
  return `--${kebabCase(name)}${value}`;
}

function describe(property: SchemaProperty): string {
  const defaultValue = property.default === undefined ? '' : ` (default: ${String(property.default)})`;
  return `${property.description ?? ''}${defaultValue}`;
}
