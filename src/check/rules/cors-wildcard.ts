import * as ts from 'typescript';
import { objectProperties } from '../gateways';
import { CheckRule } from '../rule';
import { forEachDescendant, localNameOf } from '../sources';

/**
 * `cors: true`, or a `cors` object whose `origin` is `'*'`, `true` or a list holding `'*'`, in any
 * options object of the app (gateway decorators, adapters, constants they spread) — except the
 * options of `NestFactory.create()`, which configure HTTP, not socket.io.
 */
export const corsWildcard: CheckRule = {
  id: 'cors-wildcard',
  severity: 'error',
  check({ sources, report }) {
    const fix = "list the allowed origins instead (the adapter `npx realtime-schematics redis-adapter` writes reads them from WS_CORS_ORIGINS)";
    for (const file of sources.filesMentioning('cors')) {
      const nestFactory = localNameOf(file, 'NestFactory', '@nestjs/core');
      forEachDescendant(
        file.source,
        (node) => {
          if (!ts.isPropertyAssignment(node) || node.name.getText() !== 'cors') return;
          const cors = sources.resolveValue(file, node.initializer);
          if (cors.expression.kind === ts.SyntaxKind.TrueKeyword) {
            report(file, node, `\`cors: true\` lets every origin connect: ${fix}.`);
            return;
          }
          if (!ts.isObjectLiteralExpression(cors.expression)) return;
          const origin = objectProperties(sources, cors.file, cors.expression).find((property) => property.name === 'origin');
          if (origin?.value && isWildcard(sources.resolveValue(origin.file, origin.value).expression)) {
            report(origin.file, origin.node, `CORS origin ${origin.value.getText(origin.file.source)} lets every origin connect: ${fix}.`);
          }
        },
        (node) => isNestFactoryCreate(node, nestFactory),
      );
    }
  },
};

function isWildcard(origin: ts.Expression): boolean {
  if (origin.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (ts.isStringLiteralLike(origin)) return origin.text === '*';
  return ts.isArrayLiteralExpression(origin) && origin.elements.some((element) => ts.isStringLiteralLike(element) && element.text === '*');
}

function isNestFactoryCreate(node: ts.Node, nestFactory: string | undefined): boolean {
  return (
    nestFactory !== undefined &&
    ts.isCallExpression(node) &&
    ts.isPropertyAccessExpression(node.expression) &&
    node.expression.expression.getText() === nestFactory
  );
}

