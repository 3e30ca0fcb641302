import { Rule, SchematicContext, Tree, callRule, chain } from '@angular-devkit/schematics';
import { finalize } from 'rxjs';
import { AppContext, resolveAppContext } from './app-context';
import { Conventions, loadConventions, pick } from './conventions';
import { installIfChanged } from './dependencies';
import { formatForApp } from './format';
import { recordInLedger } from './ledger';

/** Options every schematic of the collection accepts (the Nest CLI injects most of them). */
export interface CommonOptions {
  project?: string;
  sourceRoot?: string;
  format?: boolean;
  skipInstall?: boolean;
}

/** What a schematic knows about the app it writes into: resolved once per run, shared by every building block. */
export interface RunContext {
  app: AppContext;
  conventions: Conventions;
  /** `--format` (or `format` in realtime.json): Prettier runs on every file the run writes. */
  format: boolean;
}

/**
 * The run in progress, by the engine running it. A building block called through `schematic()`
 * runs in its caller's engine while the caller's run is in progress, so it finds the run it is
 * part of here and reuses its context. An engine runs one root schematic at a time.
 */
const runs = new WeakMap<object, RunContext>();

/**
 * The one wrapper every factory of the collection goes through. At the root of a run it resolves
 * the app and its conventions once (refusing an app it does not support before anything is
 * written), then, after the schematic and every building block it called, runs the single
 * install and the formatting, and records the files the run wrote in the ledger. A building block called by another schematic does neither: it
 * reuses the root's context, and the root installs and formats once for all of them.
 */
export function realtimeSchematic<O extends CommonOptions>(build: (options: O, run: RunContext) => Rule): (options: O) => Rule {
  return (options: O) => (tree: Tree, context: SchematicContext) => {
    const outer = runs.get(context.engine);
    if (outer) return build(options, outer);
    const app = resolveAppContext(tree, options);
    const conventions = loadConventions(tree);
    const run = { app, conventions, format: pick(options.format, conventions.format) };
    const packageJsonBefore = tree.readText('/package.json');
    runs.set(context.engine, run);
    const whole = chain([
      build(options, run),
      installIfChanged(packageJsonBefore, options),
      formatForApp({ format: run.format }),
      recordInLedger(tree, context.schematic.description.name, options),
    ]);
    // Forgotten when the run ends, failed or not: the engine's next run is a root again.
    return callRule(whole, tree, context).pipe(finalize(() => runs.delete(context.engine)));
  };
}
