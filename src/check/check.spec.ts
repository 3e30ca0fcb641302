import { findings, INIT_CONVENTIONS, ts } from '../../test/support/unit/check-fixture';

const gateway = ts`
  import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
  @WebSocketGateway({
    // realtime-schematics-disable-next-line cors-wildcard -- the team's public demo server
    cors: { origin: '*' },
    transports: ['websocket'],
  })
  export class ChatGateway {
    private readonly users = new Map<string, string>();
    @SubscribeMessage('ping')
    ping(): string {
      return 'pong';
    }
  }
`;

describe('check: silencing and severities', () => {
  it('reports every rule that applies, sorted by position, each with its severity', () => {
    const found = findings({ 'src/chat.gateway.ts': gateway.replace('// realtime-schematics', '// (off) realtime') });
    expect(found.map((finding) => `${finding.line}:${finding.column} ${finding.rule} ${finding.severity}`)).toEqual([
      '2:1 filter-missing error',
      '2:1 handshake-auth-missing error',
      '4:3 gateway-server-options warning',
      '4:11 cors-wildcard error',
      '8:3 in-memory-presence warning',
    ]);
  });

  it('a disable-next-line comment silences the rules it names on the line below it, and only there', () => {
    const found = findings({ 'src/chat.gateway.ts': gateway });
    expect(found.map((finding) => finding.rule)).toEqual(['filter-missing', 'handshake-auth-missing', 'gateway-server-options', 'in-memory-presence']);
  });

  it('a disable-next-line comment without rule ids silences every rule on that line; /* */ comments work too', () => {
    const silenced = gateway
      .replace(/\/\/ realtime-schematics-disable-next-line .*/, '// realtime-schematics-disable-next-line')
      .replace('  private readonly users', '  /* realtime-schematics-disable-next-line in-memory-presence */\n  private readonly users');
    expect(findings({ 'src/chat.gateway.ts': silenced }).map((finding) => finding.rule)).toEqual(['filter-missing', 'handshake-auth-missing']);
  });

  it('realtime.json check.rules turns a rule off, or changes its severity', () => {
    const conventions = { ...INIT_CONVENTIONS, check: { rules: { 'filter-missing': 'off', 'in-memory-presence': 'error', 'handshake-auth-missing': 'warn' } as const } };
    const found = findings({ 'src/chat.gateway.ts': gateway }, { conventions });
    expect(found.map((finding) => `${finding.rule} ${finding.severity}`)).toEqual(['handshake-auth-missing warning', 'gateway-server-options warning', 'in-memory-presence error']);
  });
});
