import { logging, normalize, schema, virtualFs } from '@angular-devkit/core';
import { NodeJsSyncHost } from '@angular-devkit/core/node';
import { HostTree, UnsuccessfulWorkflowExecution } from '@angular-devkit/schematics';
import { NodeWorkflow } from '@angular-devkit/schematics/tools';
import { createInterface } from 'node:readline/promises';
import { styleText } from 'node:util';
import { detectPackageManager } from '../core/app-context';
import { EXAMPLES } from './help';

export interface SchematicRun {
  collection: string;
  schematic: string;
  options: Record<string, unknown>;
  dryRun: boolean;
}

/**
 * Runs one schematic through the devkit engine in this process and prints the same
 * CREATE/UPDATE lines as `nest g`. Returns the exit code; errors surface as one-line messages.
 */
export async function runSchematic(run: SchematicRun): Promise<number> {
  const workflow = new NodeWorkflow(process.cwd(), {
    dryRun: run.dryRun,
    resolvePaths: [process.cwd(), __dirname],
    schemaValidation: true,
    packageManager: 'npm',
  });
  workflow.registry.addPostTransform(schema.transforms.addUndefinedDefaults);
  if (process.stdin.isTTY && process.stdout.isTTY) {
    workflow.registry.usePromptProvider(askOnTerminal);
  }

  const changes: string[] = [];
  const written: string[] = [];
  let changed = false;
  // Set once the files are on disk: only the post-tasks (the package install) run after that.
  let committed = false;
  workflow.reporter.subscribe((event) => {
    changed = true;
    const path = event.path.replace(/^\//, '');
    if (event.kind !== 'error') written.push(path);
    if (event.kind === 'create') changes.push(`${paint('green', 'CREATE', process.stdout)} ${path} (${event.content.byteLength} bytes)`);
    if (event.kind === 'update') changes.push(`${paint('cyan', 'UPDATE', process.stdout)} ${path} (${event.content.byteLength} bytes)`);
    if (event.kind === 'delete') changes.push(`${paint('yellow', 'DELETE', process.stdout)} ${path}`);
    if (event.kind === 'error') changes.push(`ERROR ${path} ${event.description === 'alreadyExist' ? 'already exists' : 'does not exist'}`);
  });
  // Changes are printed before post-tasks (package install) start, like the devkit CLI does.
  workflow.lifeCycle.subscribe((event) => {
    if (event.kind === 'post-tasks-start') {
      committed = true;
      changes.splice(0).forEach((line) => console.log(line));
    }
  });

  const logger = new logging.Logger('realtime-schematics');
  logger.subscribe((entry) => {
    if (entry.level === 'debug') return;
    const warning = entry.level === 'warn' || entry.level === 'error' || entry.level === 'fatal';
    (warning ? console.error : console.log)(warning ? paint('yellow', entry.message, process.stderr) : entry.message);
  });

  try {
    await new Promise<void>((resolve, reject) =>
      workflow
        .execute({ collection: run.collection, schematic: run.schematic, options: run.options, logger })
        .subscribe({ error: reject, complete: resolve }),
    );
  } catch (error) {
    if (committed) throw new Error(describeUnfinishedRun(written));
    if (error instanceof UnsuccessfulWorkflowExecution) {
      throw new Error(changes.find((line) => line.startsWith('ERROR')) ?? 'the schematic failed; nothing was written.');
    }
    throw new Error(describeFailure(error, run.schematic));
  }
  changes.splice(0).forEach((line) => console.log(line));
  if (!changed) console.log('Nothing to be done.');
  else if (run.dryRun) console.log('Dry run: nothing was written.');
  return 0;
}

/**
 * A failure after the files were written can only be a post-task, and the one task a run schedules is
 * the package install: name what is on disk and the command that finishes the job.
 */
function describeUnfinishedRun(written: string[]): string {
  const packageManager = detectPackageManager(new HostTree(new virtualFs.ScopedHost(new NodeJsSyncHost(), normalize(process.cwd()))));
  return `the package install failed after these files were written: ${written.join(', ')}. Run \`${packageManager} install\` in ${process.cwd()} to finish.`;
}

/** Colours only on a terminal, and never with NO_COLOR set (Node 20's styleText colours regardless). */
function paint(color: 'green' | 'cyan' | 'yellow', text: string, stream: NodeJS.WriteStream): string {
  return stream.isTTY && !process.env.NO_COLOR ? styleText(color, text) : text;
}

/** Schema validation errors become "--option must …" instead of the devkit's multi-line dump. */
function describeFailure(error: unknown, schematic: string): string {
  const validation = error as { errors?: Array<{ instancePath?: string; message?: string; params?: Record<string, unknown> }> };
  if (Array.isArray(validation.errors) && validation.errors.length > 0) {
    const [first] = validation.errors;
    if (first.params?.missingProperty) {
      const example = EXAMPLES[schematic] ? `, e.g. \`${EXAMPLES[schematic]}\`` : '';
      return `${schematic} needs a ${String(first.params.missingProperty)}${example}.`;
    }
    const option = first.instancePath?.slice(1).replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
    const allowed = first.params?.allowedValues ? ` (${(first.params.allowedValues as unknown[]).join(', ')})` : '';
    return option ? `Invalid option --${option}: ${first.message}${allowed}.` : `Invalid options: ${first.message}.`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Minimal terminal prompts for `x-prompt` (only text and confirm prompts are used by our schemas). */
async function askOnTerminal(definitions: schema.PromptDefinition[]): Promise<Record<string, string | boolean>> {
  const terminal = createInterface({ input: process.stdin, output: process.stdout });
  const answers: Record<string, string | boolean> = {};
  try {
    for (const definition of definitions) {
      const answer = (await terminal.question(`? ${definition.message} `)).trim();
      answers[definition.id] = definition.type === 'confirmation' ? /^y(es)?$/i.test(answer) : answer;
    }
  } finally {
    terminal.close();
  }
  return answers;
}
