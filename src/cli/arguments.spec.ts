import { UsageError, parseArguments } from './arguments';
import { findSchematic, readSchema } from './collection';

const gatewaySchema = readSchema(findSchematic('gateway')!);
const parse = (argv: string[]) => parseArguments(argv, gatewaySchema, 'gateway');

describe('parseArguments', () => {
  it('maps the positional name and kebab-case flags onto schema options', () => {
    expect(parse(['chat', '--spec-file-suffix', 'test', '--flat', '--no-spec', '--module=events'])).toEqual({
      options: { name: 'chat', specFileSuffix: 'test', flat: true, spec: false, module: 'events' },
      dryRun: false,
      help: false,
    });
  });

  it('reads --dry-run, -d and --help as CLI flags, not schematic options', () => {
    expect(parse(['chat', '-d'])).toMatchObject({ dryRun: true, options: { name: 'chat' } });
    expect(parse(['--help']).help).toBe(true);
  });

  it('reads -p as --project, like the Nest CLI', () => {
    expect(parse(['chat', '-p', 'other']).options).toEqual({ name: 'chat', project: 'other' });
    expect(parse(['chat', '-p=other']).options).toEqual({ name: 'chat', project: 'other' });
  });

  it('accepts explicit boolean values', () => {
    expect(parse(['chat', '--e2e-spec=false']).options).toEqual({ name: 'chat', e2eSpec: false });
  });

  it.each([
    [['chat', '--colour', 'blue'], 'Unknown option --colour for gateway'],
    [['chat', '--flat=maybe'], 'Option --flat takes true or false, not "maybe".'],
    [['chat', '--module'], 'Option --module needs a value.'],
    [['chat', '--language', 'js'], 'Option --language takes one of ts, not "js".'],
    [['chat', 'extra'], 'Unexpected argument "extra" for gateway.'],
  ])('refuses %j', (argv, message) => {
    expect(() => parse(argv)).toThrow(UsageError);
    expect(() => parse(argv)).toThrow(message);
  });
});
