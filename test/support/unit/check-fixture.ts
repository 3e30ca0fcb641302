import { CheckConventions, checkSources } from '../../../src/check/check';
import { Finding, RuleContext } from '../../../src/check/rule';
import { RULES } from '../../../src/check/rules';
import { AppSources } from '../../../src/check/sources';

/** `auth` and `filter` on, as `init` leaves an app. */
export const INIT_CONVENTIONS: CheckConventions = { auth: { enabled: true }, filter: { enabled: true } };

/**
 * The check over in-memory files (`{ 'src/chat/chat.gateway.ts': '…' }`), one rule or all, as
 * `file:line rule` strings (easy to read in a failing expectation) or the findings themselves.
 */
export function check(files: Record<string, string>, options: { rule?: string; conventions?: CheckConventions } = {}): string[] {
  return findings(files, options).map((finding) => `${finding.file}:${finding.line} ${finding.rule}`);
}

export function findings(files: Record<string, string>, options: { rule?: string; conventions?: CheckConventions; generated?: RuleContext['generated'] } = {}): Finding[] {
  const rules = options.rule ? RULES.filter((rule) => rule.id === options.rule) : RULES;
  if (rules.length === 0) throw new Error(`No rule ${options.rule}`);
  const sources = new AppSources(Object.entries(files).map(([path, text]) => ({ path, text })));
  return checkSources(sources, options.conventions ?? INIT_CONVENTIONS, rules, options.generated);
}

/** Source text with its first line break removed and the common indentation of its lines stripped. */
export function ts(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = String.raw({ raw: strings }, ...values).replace(/^\n/, '');
  const indent = Math.min(...text.split('\n').filter((line) => line.trim()).map((line) => line.match(/^ */)![0].length));
  return text
    .split('\n')
    .map((line) => line.slice(indent))
    .join('\n');
}
