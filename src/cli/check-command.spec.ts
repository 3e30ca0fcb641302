import { parseCheckArguments } from './check-command';

describe('check command line', () => {
  it('reads --json and -p/--project in every spelling', () => {
    expect(parseCheckArguments([])).toEqual({ json: false, help: false });
    expect(parseCheckArguments(['--json', '-p', 'other'])).toEqual({ json: true, help: false, project: 'other' });
    expect(parseCheckArguments(['--project=other', '--help'])).toEqual({ json: false, help: true, project: 'other' });
  });

  it('refuses unknown options, arguments and a project without a name, in one line', () => {
    expect(() => parseCheckArguments(['--fix'])).toThrow('Unknown option "--fix" for check; run `realtime-schematics check --help` for its options.');
    expect(() => parseCheckArguments(['src'])).toThrow('Unknown argument "src" for check');
    expect(() => parseCheckArguments(['-p'])).toThrow('Option -p needs a project name.');
    expect(() => parseCheckArguments(['--json=false'])).toThrow('Unknown option "--json=false"');
  });
});
