import { Finding } from './rule';

/** `path:line:column  rule-id  message` per finding, then a summary line (`No problems found.` when there are none). */
export function textReport(findings: Finding[], fileCount: number): string {
  if (findings.length === 0) return 'No problems found.';
  const errors = findings.filter((finding) => finding.severity === 'error').length;
  const warnings = findings.length - errors;
  const lines = findings.map((finding) => `${finding.file}:${finding.line}:${finding.column}  ${finding.rule}  ${finding.message}`);
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
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
