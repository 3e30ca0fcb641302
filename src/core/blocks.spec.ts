import { logging } from '@angular-devkit/core';
import { UnitTestTree } from '@angular-devkit/schematics/testing';
import { createAppTree } from '../../test/support/unit/app-tree';
import { resolveAppContext } from './app-context';
import { applyEdits } from './ast/apply';
import { readGatewayClass } from './ast/gateways';
import { blocksAppliedTo, guardEdit, rateLimitEdit } from './blocks';
import { conventionDefaults } from './conventions';
import { authPiece, rateLimitPiece } from './pieces';

const FILE = 'src/chat/chat.gateway.ts';
const silent = { logger: new logging.NullLogger() };

/** A team's gateway with the given imports and class decorators, in a Nest 12 ESM app. */
function gatewayWith(imports: string[], decorators: string[]): UnitTestTree {
  const tree = createAppTree('esm');
  const lines = [
    ...imports,
    "import { WebSocketGateway } from '@nestjs/websockets';",
    "import { TeamGuard } from './team.guard.js';",
    '',
    "@WebSocketGateway({ namespace: 'chat' })",
    ...decorators,
    'export class ChatGateway {}',
    '',
  ];
  tree.create(FILE, lines.join('\n'));
  return tree;
}

describe('the rate limit block', () => {
  const conventions = conventionDefaults();

  function apply(tree: UnitTestTree, edit: 'rateLimit' | 'auth'): string {
    const app = resolveAppContext(tree, {});
    const handler = readGatewayClass(tree, FILE)!;
    const step =
      edit === 'rateLimit'
        ? rateLimitEdit(app, handler, rateLimitPiece(app, conventions), authPiece(app, conventions))
        : guardEdit(app, handler, authPiece(app, conventions), 'handler', rateLimitPiece(app, conventions));
    applyEdits(tree, silent, step);
    return tree.readContent(FILE);
  }

  it('adds its guard in a new @UseGuards() when the class has none, importing both', () => {
    const tree = gatewayWith([], []);
    const text = apply(tree, 'rateLimit');
    expect(text).toContain("@WebSocketGateway({ namespace: 'chat' })\n@UseGuards(WsRateLimitGuard)\nexport class ChatGateway");
    expect(text).toContain("import { UseGuards } from '@nestjs/common';");
    expect(text).toContain("import { WsRateLimitGuard } from '../realtime/ws-rate-limit.guard.js';");
  });

  it('goes right after the auth guard, before the team guards, under an aliased UseGuards import', () => {
    const tree = gatewayWith(
      ["import { UseGuards as Guards } from '@nestjs/common';", "import { WsAuthGuard } from '../realtime/ws-auth.guard.js';"],
      ['@Guards(WsAuthGuard, TeamGuard)'],
    );
    const text = apply(tree, 'rateLimit');
    expect(text).toContain('@Guards(WsAuthGuard, WsRateLimitGuard, TeamGuard)\nexport class');
    expect(text.split('UseGuards')).toHaveLength(2);
    // The edited class reads back as rate-limited and authenticated; a second edit adds nothing.
    const app = resolveAppContext(tree, {});
    expect(blocksAppliedTo(readGatewayClass(tree, FILE)!, app, conventions)).toMatchObject({
      auth: expect.anything(),
      rateLimit: expect.anything(),
    });
    expect(apply(tree, 'rateLimit')).toBe(text);
  });

  it('goes after the team guards without an auth guard; the auth guard added later goes before it, in a multi-line list', () => {
    const tree = gatewayWith(["import { UseGuards } from '@nestjs/common';"], ['@UseGuards(\n  TeamGuard,\n)']);
    expect(apply(tree, 'rateLimit')).toContain('@UseGuards(\n  TeamGuard,\n  WsRateLimitGuard,\n)');
    expect(apply(tree, 'auth')).toContain('@UseGuards(\n  TeamGuard,\n  WsAuthGuard,\n  WsRateLimitGuard,\n)');
  });

  it('is not read as applied when the guard is only imported', () => {
    const tree = gatewayWith(["import { WsRateLimitGuard } from '../realtime/ws-rate-limit.guard.js';"], []);
    const app = resolveAppContext(tree, {});
    expect(blocksAppliedTo(readGatewayClass(tree, FILE)!, app, conventions).rateLimit).toBeUndefined();
  });
});
