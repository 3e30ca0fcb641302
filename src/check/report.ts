import { Finding } from './rule';

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/**
 * `path:line:column  rule-id  message` per finding, then a summary line that says how many files
 * were read (`No problems found in 12 files checked.` when there is nothing to report).
 */
export function textReport(findings: Finding[], fileCount: number): string {
  if (findings.length === 0) return `No problems found in ${plural(fileCount, 'file')} checked.`;
  const errors = findings.filter((finding) => finding.severity === 'error').length;
  const warnings = findings.length - errors;
  const lines = findings.map((finding) => `${finding.file}:${finding.line}:${finding.column}  ${finding.rule}  ${finding.message}`);
  lines.push('', `${plural(findings.length, 'problem')} (${plural(errors, 'error')}, ${plural(warnings, 'warning')}) in ${plural(fileCount, 'file')} checked.`);
  return lines.join('\n');
}

/** The findings as `--json` prints them: an array of `{ file, line, column, rule, severity, message }`. */
export function jsonReport(findings: Finding[]): string {
  return JSON.stringify(findings.map(({ file, line, column, rule, severity, message }) => ({ file, line, column, rule, severity, message })), null, 2);
}

/** Exit code 1 when any finding is an error. */
export function exitCode(findings: Finding[]): number {
  return findings.some((finding) => finding.severity === 'error') ? 1 : 0;
}
