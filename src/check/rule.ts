import * as ts from 'typescript';
import { Gateway } from './gateways';
import { AppSources, CheckedFile } from './sources';

export type Severity = 'error' | 'warning';

/** One finding, as `--json` prints it; `line` and `column` are 1-based. */
export interface Finding {
  file: string;
  line: number;
  column: number;
  rule: string;
  severity: Severity;
  message: string;
}

/** What a rule sees: the parsed app, its gateways, the team's conventions, and where to report. */
export interface RuleContext {
  sources: AppSources;
  gateways: Gateway[];
  conventions: { auth: { enabled: boolean }; filter: { enabled: boolean } };
  /** A finding at `node` (its first character) of `file`; the same node reported twice counts once. */
  report(file: CheckedFile, node: ts.Node, message: string): void;
  /** The app's generation ledger (SPEC §10), when it has one, and the installed version of this package. */
  generated?: { files: Record<string, { version: string; deleted?: true }>; installed: string };
  /** A finding at line 1, column 1 of a file the check does not parse (any file of the app, by its path). */
  reportFile(path: string, message: string): void;
}

export interface CheckRule {
  /** Stable: used in output, disable comments and realtime.json `check.rules`. */
  id: string;
  /** Unless realtime.json `check.rules` says otherwise. */
  severity: Severity;
  check(context: RuleContext): void;
}

/** `npx realtime-schematics <schematic> --gateway <name>`, or the generic form when no gateway file names it. */
export function fixCommand(schematic: string, gatewayName: string | undefined): string {
  return `npx realtime-schematics ${schematic} --gateway ${gatewayName ?? '<name>'}`;
}
