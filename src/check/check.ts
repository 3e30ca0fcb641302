import * as ts from 'typescript';
import type { CheckRuleLevel } from '../core/conventions.schema';
import { findGateways } from './gateways';
import { CheckRule, Finding, RuleContext, Severity } from './rule';
import { RULES } from './rules';
import { AppSources, CheckedFile, positionOf } from './sources';

/** The parts of realtime.json the check reads. */
export interface CheckConventions {
  auth: { enabled: boolean };
  filter: { enabled: boolean };
  check?: { rules?: Partial<Record<string, CheckRuleLevel>> };
}

/** `// realtime-schematics-disable-next-line rule-a, rule-b -- why` (no ids: every rule). */
const DISABLE_NEXT_LINE = /(?:\/\/|\/\*)\s*realtime-schematics-disable-next-line\b([^\n]*)/g;

/**
 * Runs every rule over the parsed app, with the severities realtime.json `check.rules` sets and
 * the disable comments of each file; findings sorted by file, line and column.
 */
export function checkSources(sources: AppSources, conventions: CheckConventions, rules: CheckRule[] = RULES, generated?: RuleContext['generated']): Finding[] {
  const gateways = findGateways(sources);
  const findings: Finding[] = [];
  const reported = new Set<string>();
  const disabled = new Map<CheckedFile, Map<number, Set<string> | 'all'>>();
  for (const rule of rules) {
    const level = conventions.check?.rules?.[rule.id];
    if (level === 'off') continue;
    const severity: Severity = level === 'warn' ? 'warning' : level === 'error' ? 'error' : rule.severity;
    const context: RuleContext = {
      sources,
      gateways,
      conventions,
      generated,
      reportFile(path, message) {
        findings.push({ file: path, line: 1, column: 1, rule: rule.id, severity, message });
      },
      report(file, node, message) {
        const { line, column } = positionOf(file, node);
        const key = `${rule.id}:${file.path}:${line}:${column}`;
        if (reported.has(key)) return;
        reported.add(key);
        if (!disabled.has(file)) disabled.set(file, disableComments(file.source));
        const silenced = disabled.get(file)!.get(line);
        if (silenced === 'all' || silenced?.has(rule.id)) return;
        findings.push({ file: file.path, line, column, rule: rule.id, severity, message });
      },
    };
    rule.check(context);
  }
  return findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule));
}

/** Line (1-based) each disable comment silences → the rule ids it names. */
function disableComments(source: ts.SourceFile): Map<number, Set<string> | 'all'> {
  const lines = new Map<number, Set<string> | 'all'>();
  const text = source.text;
  if (!text.includes('realtime-schematics-disable-next-line')) return lines;
  for (const match of text.matchAll(DISABLE_NEXT_LINE)) {
    const ids = match[1].replace(/\*\/.*$/, '').split('--')[0].split(/[\s,]+/).filter(Boolean);
    const line = source.getLineAndCharacterOfPosition(match.index).line + 2;
    lines.set(line, ids.length ? new Set(ids) : 'all');
  }
  return lines;
}
