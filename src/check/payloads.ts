import * as ts from 'typescript';
import { findImportSpecifier } from '../core/ast/imports';
import { NEST_COMMON, NEST_WEBSOCKETS, classChain } from './gateways';
import { AppClass, AppSources, CheckedFile, decoratorArguments, decoratorCalls, forEachDescendant, localNameOf, unwrap } from './sources';

/** class-validator's own entry points, called in the handler, count as validation. */
const CLASS_VALIDATOR_FUNCTIONS = ['validate', 'validateSync', 'validateOrReject'];
/** Types a ValidationPipe passes through unchecked: it validates class instances only. */
const NOT_DTO_TYPES = new Set(['Record', 'Partial', 'Array', 'Object', 'String', 'Number', 'Boolean', 'Map', 'Set']);

/** A pipe some decorator or the app applies: Nest's ValidationPipe (with its options literal, if any) or any other `…Pipe`. */
export interface AppliedPipe {
  kind: 'validation' | 'other';
  options?: ts.ObjectLiteralExpression;
}

/** How a `@SubscribeMessage` handler's payload is checked before the handler uses it. */
export interface PayloadValidation {
  /** Its `@MessageBody()` parameter, or the second one of an undecorated `(client, data)` handler; none: the handler takes no payload. */
  parameter?: ts.ParameterDeclaration;
  /**
   * `helper`: `validated(Dto, payload)` (the generated helper) in the handler; `class-validator`: a
   * class-validator call there; `validation-pipe`: a ValidationPipe and a DTO class as its type;
   * `other-pipe`: another pipe, taken at its word; `none`: nothing.
   */
  by: 'helper' | 'class-validator' | 'validation-pipe' | 'other-pipe' | 'none';
  /** The DTO class the payload is validated against, when it is one of the app's classes. */
  dto?: AppClass;
  /** Unknown properties are refused (`forbidNonWhitelisted` with `whitelist`), not only stripped. */
  refusesUnknown: boolean;
}

/**
 * The validation of every handler of a gateway (the pipes of its class chain and app-wide ones
 * apply to each): what `unvalidated-payload` holds to the conventions and the AsyncAPI document
 * turns into payload schemas.
 */
export class PayloadValidations {
  private readonly globalPipes: AppliedPipe[];

  constructor(private readonly sources: AppSources) {
    this.globalPipes = appWidePipes(sources);
  }

  /** `handler` is a method of `appClass`, one of the classes of `gateway`'s chain. */
  of(gateway: AppClass, appClass: AppClass, handler: ts.MethodDeclaration): PayloadValidation {
    const parameter = payloadParameter(appClass, handler);
    if (!parameter) return { by: 'none', refusesUnknown: false };
    const inBody = validationInBody(this.sources, appClass, handler);
    if (inBody) return { parameter, ...inBody };
    const classPipes = classChain(this.sources, gateway).flatMap((member) => pipesOf(member.file, decoratorCalls(member.node, localNameOf(member.file, 'UsePipes', NEST_COMMON))));
    const pipes = [
      ...this.globalPipes,
      ...classPipes,
      ...pipesOf(appClass.file, decoratorCalls(handler, localNameOf(appClass.file, 'UsePipes', NEST_COMMON))),
      ...pipesOf(appClass.file, decoratorCalls(parameter, localNameOf(appClass.file, 'MessageBody', NEST_WEBSOCKETS))),
    ];
    // ValidationPipe validates class instances only; any other pipe (ParseIntPipe, a team's ZodValidationPipe) is taken at its word.
    if (pipes.some((pipe) => pipe.kind === 'other')) return { parameter, by: 'other-pipe', refusesUnknown: false };
    const validationPipes = pipes.filter((pipe) => pipe.kind === 'validation');
    if (validationPipes.length > 0 && isDtoClass(this.sources, appClass, parameter.type)) {
      const dto = parameter.type && ts.isTypeReferenceNode(parameter.type) ? this.sources.resolveClass(appClass.file, parameter.type.typeName.getText()) : undefined;
      const refusesUnknown = validationPipes.some((pipe) => pipe.options !== undefined && isTrue(pipe.options, 'whitelist') && isTrue(pipe.options, 'forbidNonWhitelisted'));
      return { parameter, by: 'validation-pipe', dto, refusesUnknown };
    }
    return { parameter, by: 'none', refusesUnknown: false };
  }
}

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
function pipesOf(file: CheckedFile, decorators: ts.Decorator[]): AppliedPipe[] {
  return decorators.flatMap((decorator) => classify(file, decoratorArguments(decorator)));
}

function classify(file: CheckedFile, expressions: readonly ts.Expression[]): AppliedPipe[] {
  const validationPipe = localNameOf(file, 'ValidationPipe', NEST_COMMON);
  return expressions.flatMap((expression): AppliedPipe[] => {
    const inner = unwrap(expression);
    const name = (ts.isNewExpression(inner) ? inner.expression : inner).getText();
    if (name === validationPipe) {
      const [options] = ts.isNewExpression(inner) ? (inner.arguments ?? []) : [];
      return [{ kind: 'validation', options: options && ts.isObjectLiteralExpression(options) ? options : undefined }];
    }
    return /Pipe$/.test(name) ? [{ kind: 'other' }] : [];
  });
}

/**
 * Pipes applied to every handler, gateways included: `app.useGlobalPipes(…)` and an `APP_PIPE`
 * provider (`{ provide: APP_PIPE, useClass: ValidationPipe }`).
 */
function appWidePipes(sources: AppSources): AppliedPipe[] {
  const pipes: AppliedPipe[] = [];
  for (const file of sources.filesMentioning('useGlobalPipes', 'APP_PIPE')) {
    const appPipe = localNameOf(file, 'APP_PIPE', '@nestjs/core');
    forEachDescendant(file.source, (node) => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'useGlobalPipes') {
        pipes.push(...classify(file, node.arguments));
      }
      if (appPipe && ts.isObjectLiteralExpression(node) && node.properties.some((property) => ts.isPropertyAssignment(property) && property.name.getText() === 'provide' && property.initializer.getText() === appPipe)) {
        const provided = node.properties.filter(ts.isPropertyAssignment).filter((property) => ['useClass', 'useValue'].includes(property.name.getText()));
        pipes.push(...classify(file, provided.map((property) => property.initializer)));
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

/**
 * `validated(Dto, payload)` (the generated helper, imported from an app file: whether it refuses
 * unknown keys is read from the options in that file) or a class-validator call in the handler.
 */
function validationInBody(sources: AppSources, appClass: AppClass, handler: ts.MethodDeclaration): Omit<PayloadValidation, 'parameter'> | undefined {
  const validators = new Set(CLASS_VALIDATOR_FUNCTIONS.map((name) => localNameOf(appClass.file, name, 'class-validator')));
  let found: Omit<PayloadValidation, 'parameter'> | undefined;
  forEachDescendant(handler, (node) => {
    if (found || !ts.isCallExpression(node)) return;
    const callee = node.expression.getText();
    if (callee === 'validated' && findImportSpecifier(appClass.file.source, 'validated') !== undefined) {
      const [dto] = node.arguments;
      const helper = sources.resolveDeclaration(appClass.file, 'validated');
      found = {
        by: 'helper',
        dto: dto && ts.isIdentifier(dto) ? sources.resolveClass(appClass.file, dto.text) : undefined,
        refusesUnknown: helper !== undefined && setsTrue(helper.file.source, 'whitelist') && setsTrue(helper.file.source, 'forbidNonWhitelisted'),
      };
    } else if (validators.has(callee)) {
      found = { by: 'class-validator', refusesUnknown: false };
    }
  });
  return found;
}

function isTrue(object: ts.ObjectLiteralExpression, key: string): boolean {
  return object.properties.some((property) => ts.isPropertyAssignment(property) && property.name.getText() === key && property.initializer.kind === ts.SyntaxKind.TrueKeyword);
}

/** Some object literal of the file sets `key: true` (the validator options the helper passes). */
function setsTrue(source: ts.SourceFile, key: string): boolean {
  let found = false;
  forEachDescendant(source, (node) => {
    if (!found && ts.isObjectLiteralExpression(node) && isTrue(node, key)) found = true;
  });
  return found;
}
