import { findings } from '../../../test/support/unit/check-fixture';

const rule = 'generated-outdated';

describe('generated-outdated', () => {
  const file = (version: string, deleted?: true) => ({ version, ...(deleted && { deleted }) });

  it('warns at line 1, column 1 of each ledger file an older version wrote, naming update', () => {
    const generated = { files: { 'src/chat/chat.gateway.ts': file('0.1.0'), 'test/chat.gateway.e2e-spec.ts': file('0.2.0'), '.env.example': file('0.1.9') }, installed: '0.2.0' };
    expect(findings({}, { rule, generated })).toEqual([
      { file: '.env.example', line: 1, column: 1, rule, severity: 'warning', message: expect.stringContaining('older than the installed 0.2.0') },
      { file: 'src/chat/chat.gateway.ts', line: 1, column: 1, rule, severity: 'warning', message: expect.stringContaining('`npx realtime-schematics update`') },
    ]);
  });

  it('finds nothing without a ledger, for files of the installed version, or for files the team deleted', () => {
    expect(findings({}, { rule })).toEqual([]);
    expect(findings({}, { rule, generated: { files: { 'a.ts': file('0.2.0'), 'b.ts': file('0.1.0', true) }, installed: '0.2.0' } })).toEqual([]);
  });
});
