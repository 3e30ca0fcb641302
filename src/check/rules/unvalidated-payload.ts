import * as ts from 'typescript';
import { findImportSpecifier } from '../../core/ast/imports';
import { NEST_COMMON, NEST_WEBSOCKETS, classChain } from '../gateways';
import { CheckRule } from '../rule';
import { AppClass, AppSources, decoratorArguments, decoratorCalls, forEachDescendant, localNameOf, unwrap } from '../sources';
import { handlers } from './verify-per-message';

/** class-validator's own entry points, called in the handler, count as validation. */
const CLASS_VALIDATOR_FUNCTIONS = ['validate', 'validateSync', 'validateOrReject'];
/** Types a ValidationPipe passes through unchecked: it validates class instances only. */
const NOT_DTO_TYPES = new Set(['Record', 'Partial', 'Array', 'Object', 'String', 'Number', 'Boolean', 'Map', 'Set']);

/**
 * A `@SubscribeMessage` handler with a payload (its `@MessageBody()` parameter, or the second
 * parameter of an undecorated `(client, data)` handler) that nothing validates: no
 * `validated(Dto, payload)` (the generated helper) or class-validator call in the handler, no
 * ValidationPipe (`@UsePipes` on the handler or its class, `@MessageBody(…, ValidationPipe)`, or app-wide)
 * with a DTO class as the payload's type (the pipe checks nothing on interfaces, literals or
 * `string`), and no other pipe there (`ParseIntPipe`, a team's own `…Pipe`).
 */
export const unvalidatedPayload: CheckRule = {
  id: 'unvalidated-payload',
  severity: 'error',
  check({ sources, gateways, report }) {
    const seen = new Set<ts.Node>();
    const globalPipes = appWidePipes(sources);
    for (const gateway of gateways) {
      const chain = classChain(sources, gateway);
      const classPipes = chain.flatMap((appClass) => pipesOf(appClass, decoratorCalls(appClass.node, localNameOf(appClass.file, 'UsePipes', NEST_COMMON))));
      for (const appClass of chain) {
        for (const handler of handlers(appClass)) {
          if (seen.has(handler)) continue;
          seen.add(handler);
          const payload = payloadParameter(appClass, handler);
          if (!payload) continue;
          const pipes = [
            ...globalPipes,
            ...classPipes,
            ...pipesOf(appClass, decoratorCalls(handler, localNameOf(appClass.file, 'UsePipes', NEST_COMMON))),
            ...pipesOf(appClass, decoratorCalls(payload, localNameOf(appClass.file, 'MessageBody', NEST_WEBSOCKETS))),
          ];
          // ValidationPipe validates class instances only; any other pipe (ParseIntPipe, a team's ZodValidationPipe) is taken at its word.
          const piped = pipes.includes('other') || (pipes.includes('validation') && isDtoClass(sources, appClass, payload.type));
          if (piped || validatesInBody(appClass, handler)) continue;
          report(
            appClass.file,
            payload,
            `The payload of ${appClass.name}.${handler.name.getText()} is not validated: any JSON reaches it; type it \`unknown\` and validate it against a class-validator DTO with \`validated(Dto, payload)\` (as \`npx realtime-schematics gateway\` writes it), or give it a DTO class and a ValidationPipe.`,
          );
        }
      }
    }
  },
};

function payloadParameter(appClass: AppClass, handler: ts.MethodDeclaration): ts.ParameterDeclaration | undefined {
  const messageBody = localNameOf(appClass.file, 'MessageBody', NEST_WEBSOCKETS);
  const decorated = handler.parameters.find((parameter) => decoratorCalls(parameter, messageBody).length > 0);
  if (decorated) return decorated;
  // Without parameter decorators Nest calls the handler with (client, data).
  const anyDecorated = handler.parameters.some((parameter) => (ts.getDecorators(parameter) ?? []).length > 0);
  return anyDecorated ? undefined : handler.parameters[1];
}

/**
 * The pipes the decorators pass (`@UsePipes(new ValidationPipe())`, `@MessageBody('room', ParseIntPipe)`):
 * `validation` for Nest's ValidationPipe, `other` for any other `…Pipe` class or instance.
 */
function pipesOf(appClass: AppClass, decorators: ts.Decorator[]): Array<'validation' | 'other'> {
  return decorators.flatMap((decorator) => classify(appClass, decoratorArguments(decorator)));
}

function classify({ file }: Pick<AppClass, 'file'>, expressions: readonly ts.Expression[]): Array<'validation' | 'other'> {
  const validationPipe = localNameOf(file, 'ValidationPipe', NEST_COMMON);
  return expressions.flatMap((expression) => {
    const inner = unwrap(expression);
    const name = (ts.isNewExpression(inner) ? inner.expression : inner).getText();
    if (name === validationPipe) return ['validation' as const];
    return /Pipe$/.test(name) ? ['other' as const] : [];
  });
}

/**
 * Pipes applied to every handler, gateways included: `app.useGlobalPipes(…)` and an `APP_PIPE`
 * provider (`{ provide: APP_PIPE, useClass: ValidationPipe }`).
 */
function appWidePipes(sources: AppSources): Array<'validation' | 'other'> {
  const pipes: Array<'validation' | 'other'> = [];
  for (const file of sources.filesMentioning('useGlobalPipes', 'APP_PIPE')) {
    const appPipe = localNameOf(file, 'APP_PIPE', '@nestjs/core');
    forEachDescendant(file.source, (node) => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'useGlobalPipes') {
        pipes.push(...classify({ file }, node.arguments));
      }
      if (appPipe && ts.isObjectLiteralExpression(node) && node.properties.some((property) => ts.isPropertyAssignment(property) && property.name.getText() === 'provide' && property.initializer.getText() === appPipe)) {
        const provided = node.properties.filter(ts.isPropertyAssignment).filter((property) => ['useClass', 'useValue'].includes(property.name.getText()));
        pipes.push(...classify({ file }, provided.map((property) => property.initializer)));
      }
    });
  }
  return pipes;
}

/** A class type (or one from a file the check does not see); interfaces, type literals, primitives and `Record<…>` are not. */
function isDtoClass(sources: AppSources, appClass: AppClass, type: ts.TypeNode | undefined): boolean {
  if (!type || !ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName) || NOT_DTO_TYPES.has(type.typeName.text)) return false;
  const declaration = sources.resolveDeclaration(appClass.file, type.typeName.text);
  return declaration === undefined || ts.isClassDeclaration(declaration.node);
}

function validatesInBody(appClass: AppClass, handler: ts.MethodDeclaration): boolean {
  const validators = new Set(CLASS_VALIDATOR_FUNCTIONS.map((name) => localNameOf(appClass.file, name, 'class-validator')));
  let validates = false;
  forEachDescendant(handler, (node) => {
    if (!ts.isCallExpression(node)) return;
    const callee = node.expression.getText();
    if (validators.has(callee) || (callee === 'validated' && findImportSpecifier(appClass.file.source, 'validated') !== undefined)) validates = true;
  });
  return validates;
}
