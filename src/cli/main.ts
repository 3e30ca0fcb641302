#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { PLUG_AND_PLAY_REFUSAL, usesPlugAndPlay } from '../core/plug-and-play';
import { UsageError, parseArguments } from './arguments';
import { COLLECTION_PATH, findSchematic, readSchema } from './collection';
import { enableCompileCache } from './compile-cache';
import { globalHelp, schematicHelp } from './help';

/**
 * `realtime-schematics <schematic> [name] [--options]`: runs this package's schematics in-process
 * (no second Node process, unlike `nest g`), with flags, help and validation taken from each
 * schematic's schema.json. Exit code 0 on success, 1 on any failure, with a one-line message.
 */
async function main(argv: string[]): Promise<number> {
  const [schematicName, ...rest] = argv;
  if (!schematicName || schematicName === '--help' || schematicName === '-h' || schematicName === 'help') {
    console.log(globalHelp());
    return schematicName ? 0 : 1;
  }
  if (usesPlugAndPlay((path) => existsSync(path))) {
    throw new UsageError(PLUG_AND_PLAY_REFUSAL);
  }
  if (schematicName === 'check') {
    // Not a schematic: it reads the app and writes nothing (see src/check/).
    enableCompileCache();
    const { runCheckCommand } = await import('./check-command');
    return runCheckCommand(rest);
  }
  if (schematicName === 'update') {
    // Not a schematic: it runs the schematics the ledger recorded, then the migrations (see update.ts).
    enableCompileCache();
    const { runUpdateCommand } = await import('./update-command');
    return runUpdateCommand(rest);
  }
  const entry = findSchematic(schematicName);
  if (!entry) {
    throw new UsageError(`Unknown schematic "${schematicName}"; run \`realtime-schematics --help\` to list them.`);
  }
  const parsed = parseArguments(rest, readSchema(entry), entry.name);
  if (parsed.help) {
    console.log(schematicHelp(entry));
    return 0;
  }
  // Loaded after argument parsing so `--help` and usage errors stay instant.
  enableCompileCache();
  const { runSchematic } = await import('./run-schematic');
  return runSchematic({ collection: COLLECTION_PATH, schematic: entry.name, options: parsed.options, dryRun: parsed.dryRun });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`Error: ${oneLine(message)}`);
    process.exitCode = 1;
  },
);

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}
