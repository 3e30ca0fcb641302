import { SchemaProperty, SchematicSchema } from './collection';

/** Thrown for bad command lines; the CLI prints the message on one line and exits non-zero. */
export class UsageError extends Error {}

export interface ParsedArguments {
  options: Record<string, unknown>;
  dryRun: boolean;
  help: boolean;
}

/** Short flags, as the Nest CLI spells them. */
const SHORT_FLAGS: Record<string, string> = { p: 'project' };

const camelCase = (flag: string) => flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
const kebabCase = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

/**
 * Maps a command line onto a schematic's schema: positionals by their `$default.$source: argv`
 * index, `--kebab-flag[=value]`, `--no-flag`, values typed by the schema. Every schema option is
 * a flag; anything else is refused here, before the engine runs.
 */
export function parseArguments(argv: string[], schema: SchematicSchema, schematicName: string): ParsedArguments {
  const options: Record<string, unknown> = {};
  const positionals: string[] = [];
  let dryRun = false;
  let help = false;
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (!argument.startsWith('-') || argument === '-') {
      positionals.push(argument);
      continue;
    }
    const [spelled, inlineValue] = splitFlag(argument);
    const rawFlag = argument.startsWith('--') ? spelled : (SHORT_FLAGS[spelled] ?? spelled);
    if (rawFlag === 'help' || rawFlag === 'h') {
      help = true;
      continue;
    }
    if (rawFlag === 'dry-run' || rawFlag === 'd') {
      dryRun = inlineValue === undefined ? true : parseBoolean('dry-run', inlineValue);
      continue;
    }
    const negated = rawFlag.startsWith('no-') && !schema.properties[camelCase(rawFlag)];
    const name = camelCase(negated ? rawFlag.slice(3) : rawFlag);
    const property = schema.properties[name];
    if (!property) {
      throw new UsageError(`Unknown option --${rawFlag} for ${schematicName}; run \`realtime-schematics ${schematicName} --help\` for its options.`);
    }
    if (property.type === 'boolean') {
      options[name] = negated ? false : inlineValue === undefined ? true : parseBoolean(rawFlag, inlineValue);
      continue;
    }
    const value = inlineValue ?? argv[++index];
    if (negated || value === undefined || value.startsWith('--')) {
      throw new UsageError(`Option --${kebabCase(name)} needs a value.`);
    }
    options[name] = typedValue(name, property, value);
  }
  assignPositionals(positionals, schema, options, schematicName);
  return { options, dryRun, help };
}

function splitFlag(argument: string): [string, string | undefined] {
  const body = argument.replace(/^--?/, '');
  const equals = body.indexOf('=');
  return equals === -1 ? [body, undefined] : [body.slice(0, equals), body.slice(equals + 1)];
}

function parseBoolean(flag: string, value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new UsageError(`Option --${flag} takes true or false, not "${value}".`);
}

function typedValue(name: string, property: SchemaProperty, value: string): unknown {
  if (property.type === 'number' || property.type === 'integer') {
    const number = Number(value);
    if (Number.isNaN(number)) throw new UsageError(`Option --${kebabCase(name)} takes a number, not "${value}".`);
    return number;
  }
  if (property.enum && !property.enum.includes(value)) {
    throw new UsageError(`Option --${kebabCase(name)} takes one of ${property.enum.join(', ')}, not "${value}".`);
  }
  return value;
}

function assignPositionals(
  positionals: string[],
  schema: SchematicSchema,
  options: Record<string, unknown>,
  schematicName: string,
): void {
  const byIndex = Object.entries(schema.properties).filter(([, property]) => property.$default?.$source === 'argv');
  if (positionals.length > byIndex.length) {
    throw new UsageError(`Unexpected argument "${positionals[byIndex.length]}" for ${schematicName}.`);
  }
  for (const [name, property] of byIndex) {
    const value = positionals[property.$default!.index ?? 0];
    if (value !== undefined && options[name] === undefined) {
      options[name] = typedValue(name, property, value);
    }
  }
}

export { kebabCase };
