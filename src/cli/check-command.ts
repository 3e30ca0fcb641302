import { UsageError } from './arguments';

export interface CheckArguments {
  json: boolean;
  project?: string;
  help: boolean;
}

/** `check [--json] [-p|--project <name>] [--help]`: its own flags, since it is not a schematic. */
export function parseCheckArguments(argv: string[]): CheckArguments {
  const parsed: CheckArguments = { json: false, help: false };
  for (let index = 0; index < argv.length; index++) {
    const [flag, inline] = argv[index].split(/=(.*)/s, 2);
    if (flag === '--help' || flag === '-h') parsed.help = true;
    else if (flag === '--json' && inline === undefined) parsed.json = true;
    else if (flag === '--project' || flag === '-p') {
      const value = inline ?? argv[++index];
      if (!value || value.startsWith('-')) throw new UsageError(`Option ${flag} needs a project name.`);
      parsed.project = value;
    } else {
      throw new UsageError(`Unknown ${argv[index].startsWith('-') ? 'option' : 'argument'} "${argv[index]}" for check; run \`realtime-schematics check --help\` for its options.`);
    }
  }
  return parsed;
}

export function checkHelp(ruleIds: string[]): string {
  return [
    'Usage: realtime-schematics check [--json] [-p <project>]',
    '',
    "Reports where the app's real-time code departs from realtime.json and from safe socket.io practice.",
    'Reads every .ts file of the source root (each project\'s in a monorepo or an Nx workspace); writes nothing.',
    'No .ts file there is an error: pass -p <project>, or set "sourceRoot" in realtime.json.',
    'Exit code 1 when any finding is an error, else 0.',
    '',
    'Options:',
    '  --json           Print the findings as a JSON array of { file, line, column, rule, severity, message }.',
    '  --project, -p    Project to check (a key of nest-cli.json projects, or an Nx project); default: every project.',
    '  --help, -h       Show this help.',
    '',
    `Rules: ${ruleIds.join(', ')}.`,
    'Silence one finding with `// realtime-schematics-disable-next-line <rule-id>` on the line above it,',
    'or set a rule to "off", "warn" or "error" in realtime.json: { "check": { "rules": { "<rule-id>": "off" } } }.',
  ].join('\n');
}

/** Runs the check in the current folder and prints its report; returns the exit code. */
export async function runCheckCommand(argv: string[]): Promise<number> {
  const options = parseCheckArguments(argv);
  const { RULE_IDS } = await import('../check/rules');
  if (options.help) {
    console.log(checkHelp(RULE_IDS));
    return 0;
  }
  const { checkApp } = await import('../check/run-check');
  const { exitCode, jsonReport, textReport } = await import('../check/report');
  const { findings, fileCount } = checkApp(process.cwd(), { project: options.project });
  console.log(options.json ? jsonReport(findings) : textReport(findings, fileCount));
  return exitCode(findings);
}
