import * as ts from 'typescript';
import { AppClass, AppSources, CheckedFile, decoratorArguments, importOf, unwrap } from '../check/sources';
import type { JsonSchema, Schemas } from './schemas';
import { docOf, memberName, objectSchema, withDescription } from './schemas';

/** What one class-validator decorator says about a property. */
interface Rule {
  /** Replaces the type the annotation gives (`@IsInt()` on a `number`). */
  type?: JsonSchema;
  keywords?: JsonSchema;
  optional?: boolean;
  /** `@IsNotEmpty()`: `minLength: 1` once the property is known to be a string. */
  notEmpty?: boolean;
  /** `@ValidateNested()`: a nested DTO is validated by its own rules. */
  nested?: boolean;
  note?: string;
}

type Arguments = readonly ts.Expression[];
type RuleReader = (args: Arguments, at: { sources: AppSources; file: CheckedFile }) => Rule;

const string = { type: 'string' };
const format = (name: string): RuleReader => () => ({ type: { type: 'string', format: name } });

/** The class-validator decorators read into JSON Schema; any other rule is named in the property's description. */
const RULES: Record<string, RuleReader> = {
  IsString: () => ({ type: string }),
  IsNotEmpty: () => ({ notEmpty: true }),
  MaxLength: ([value], at) => keywordOf('maxLength', numberOf(at, value), 'MaxLength'),
  MinLength: ([value], at) => keywordOf('minLength', numberOf(at, value), 'MinLength'),
  Length: ([min, max], at) => {
    const minimum = keywordOf('minLength', numberOf(at, min), 'Length');
    const maximum = max && !ts.isObjectLiteralExpression(max) ? keywordOf('maxLength', numberOf(at, max), 'Length') : {};
    return { keywords: { ...minimum.keywords, ...maximum.keywords }, note: minimum.note ?? maximum.note };
  },
  Matches: ([pattern, flags], at) => matches(at, pattern, flags),
  IsInt: () => ({ type: { type: 'integer' } }),
  IsNumber: () => ({ type: { type: 'number' } }),
  Min: ([value], at) => keywordOf('minimum', numberOf(at, value), 'Min'),
  Max: ([value], at) => keywordOf('maximum', numberOf(at, value), 'Max'),
  IsPositive: () => ({ keywords: { exclusiveMinimum: 0 } }),
  IsNegative: () => ({ keywords: { exclusiveMaximum: 0 } }),
  IsBoolean: () => ({ type: { type: 'boolean' } }),
  IsIn: ([values], at) => enumRule(values === undefined ? undefined : listOf(at, values), 'IsIn'),
  IsEnum: ([entity], at) => enumRule(entity === undefined ? undefined : enumValuesOf(at, entity), 'IsEnum'),
  Equals: ([value], at) => {
    const constant = value === undefined ? undefined : literalOf(at, value);
    return constant === undefined ? { note: '@Equals()' } : { keywords: { const: constant } };
  },
  IsOptional: () => ({ optional: true }),
  IsDefined: () => ({}),
  Allow: () => ({}),
  IsArray: () => ({ type: { type: 'array' } }),
  ArrayMaxSize: ([value], at) => keywordOf('maxItems', numberOf(at, value), 'ArrayMaxSize'),
  ArrayMinSize: ([value], at) => keywordOf('minItems', numberOf(at, value), 'ArrayMinSize'),
  ArrayNotEmpty: () => ({ keywords: { minItems: 1 } }),
  ArrayUnique: () => ({ keywords: { uniqueItems: true } }),
  IsObject: () => ({ type: { type: 'object' } }),
  ValidateNested: () => ({ nested: true }),
  IsEmail: format('email'),
  IsUUID: format('uuid'),
  IsUrl: format('uri'),
  IsISO8601: format('date-time'),
  IsDateString: format('date-time'),
};

/** Decorators of these packages are no validation rules (documentation, serialisation). */
const NOT_RULES = new Set(['@nestjs/swagger', 'class-transformer']);

/**
 * A DTO's payload schema from the class-validator rules on its properties, base classes'
 * properties included (`RoomMessageDto extends RoomDto`). Read through the AST rather than with
 * class-validator-jsonschema, which converts the metadata of loaded classes: that would mean
 * importing the app's compiled code, running the user's code inside a schematic.
 */
export function dtoObject(schemas: Schemas, dto: AppClass, refusesUnknown: boolean): JsonSchema {
  const properties = new Map<string, { file: CheckedFile; member: ts.PropertyDeclaration }>();
  for (const appClass of [dto, ...schemas.sources.baseClasses(dto)].reverse()) {
    for (const member of appClass.node.members) {
      if (!ts.isPropertyDeclaration(member) || ts.getModifiers(member)?.some((modifier) => modifier.kind === ts.SyntaxKind.StaticKeyword)) continue;
      const name = memberName(member.name);
      if (name !== undefined) properties.set(name, { file: appClass.file, member });
    }
  }
  const schemaProperties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [name, { file, member }] of properties) {
    const property = propertySchema(schemas, file, member, refusesUnknown);
    // With whitelisting, a property without a rule is refused like an unknown one.
    if (refusesUnknown && !property.hasRules) continue;
    schemaProperties[name] = property.schema;
    // A property without a rule is not validated: it may be missing.
    if (property.hasRules && !property.optional) required.push(name);
  }
  return withDescription(objectSchema(schemaProperties, required, refusesUnknown ? false : undefined), docOf(dto.node));
}

function propertySchema(schemas: Schemas, file: CheckedFile, member: ts.PropertyDeclaration, refusesUnknown: boolean): { schema: JsonSchema; optional: boolean; hasRules: boolean } {
  const at = { sources: schemas.sources, file };
  const rules: Array<Rule & { each: boolean }> = [];
  let hasRules = false;
  let nestedType: ts.Expression | undefined;
  for (const decorator of ts.getDecorators(member) ?? []) {
    const origin = decoratorOrigin(file, decorator);
    if (!origin) continue;
    const args = decoratorArguments(decorator);
    if (origin.module === 'class-transformer' && origin.name === 'Type') nestedType = args[0];
    if (NOT_RULES.has(origin.module)) continue;
    hasRules = true;
    const reader = origin.module === 'class-validator' ? RULES[origin.name] : undefined;
    const rule = reader ? reader(args, at) : { note: `@${origin.name}()` };
    rules.push({ ...rule, each: hasEachOption(args) });
  }

  const nested = rules.some((rule) => rule.nested);
  let schema = annotationSchema(schemas, file, member.type, nested ? { refusesUnknown, typeHint: nestedType } : undefined);
  const typeRule = [...rules].reverse().find((rule) => rule.type && !rule.each);
  if (typeRule?.type) {
    const items = schema.type === 'array' ? schema.items : undefined;
    schema = typeRule.type.type === 'array' && items ? { ...typeRule.type, items } : { ...typeRule.type };
  }
  const eachRules = rules.filter((rule) => rule.each);
  if (eachRules.length > 0) {
    let items = (schema.items as JsonSchema | undefined) ?? {};
    for (const rule of eachRules) items = applyRule(items, rule);
    schema = { ...schema, type: 'array', items };
  }
  for (const rule of rules.filter((item) => !item.each)) schema = applyRule(schema, { ...rule, type: undefined });
  const notes = rules.map((rule) => rule.note).filter((note): note is string => note !== undefined);
  const description = [docOf(member), notes.length ? `Also validated by ${notes.join(', ')}.` : undefined].filter(Boolean).join(' ');
  return { schema: withDescription(schema, description || undefined), optional: rules.some((rule) => rule.optional), hasRules };
}

function applyRule(schema: JsonSchema, rule: Rule): JsonSchema {
  let result = rule.type ? { ...rule.type } : schema;
  if (rule.keywords) result = result.$ref ? { allOf: [result], ...rule.keywords } : { ...result, ...rule.keywords };
  if (rule.notEmpty && result.type === 'string') result = { ...result, minLength: Math.max((result.minLength as number | undefined) ?? 0, 1) };
  return result;
}

/** The property's TypeScript type; with `@ValidateNested()` a DTO class (or `@Type(() => Dto)`) is validated with the same whitelisting. */
function annotationSchema(schemas: Schemas, file: CheckedFile, type: ts.TypeNode | undefined, nested: { refusesUnknown: boolean; typeHint?: ts.Expression } | undefined): JsonSchema {
  if (nested) {
    const hinted = nested.typeHint && ts.isArrowFunction(nested.typeHint) && ts.isIdentifier(nested.typeHint.body) ? nested.typeHint.body.text : undefined;
    const element = type && ts.isArrayTypeNode(type) ? type.elementType : type;
    const name = hinted ?? (element && ts.isTypeReferenceNode(element) && ts.isIdentifier(element.typeName) ? element.typeName.text : undefined);
    const dto = name ? schemas.sources.resolveClass(file, name) : undefined;
    if (dto) {
      const schema = schemas.dto(dto, nested.refusesUnknown);
      return type && ts.isArrayTypeNode(type) ? { type: 'array', items: schema } : schema;
    }
  }
  return schemas.type(file, type);
}

/** The package and exported name of a decorator (`@IsString()`, `@Alias()`, `@cv.IsString()`); undefined for local ones. */
function decoratorOrigin(file: CheckedFile, decorator: ts.Decorator): { module: string; name: string } | undefined {
  const callee = ts.isCallExpression(decorator.expression) ? decorator.expression.expression : decorator.expression;
  if (ts.isIdentifier(callee)) return importOf(file, callee.text) ?? { module: '', name: callee.text };
  if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)) {
    const namespace = importOf(file, callee.expression.text);
    if (namespace?.name === '*') return { module: namespace.module, name: callee.name.text };
  }
  return { module: '', name: callee.getText(file.source) };
}

/** `{ each: true }` as the last argument: the rule applies to each element of an array. */
function hasEachOption(args: Arguments): boolean {
  const last = args[args.length - 1];
  return (
    last !== undefined &&
    ts.isObjectLiteralExpression(last) &&
    last.properties.some((property) => ts.isPropertyAssignment(property) && property.name.getText() === 'each' && property.initializer.kind === ts.SyntaxKind.TrueKeyword)
  );
}

function keywordOf(keyword: string, value: number | undefined, decorator: string): Rule {
  return value === undefined ? { note: `@${decorator}() (its value is not a constant)` } : { keywords: { [keyword]: value } };
}

function matches(at: { sources: AppSources; file: CheckedFile }, pattern: ts.Expression | undefined, flagsArgument: ts.Expression | undefined): Rule {
  const regex = pattern === undefined ? undefined : regexOf(at, pattern);
  if (!regex) return { note: '@Matches() (its pattern is not a constant)' };
  const extraFlags = flagsArgument && !ts.isObjectLiteralExpression(flagsArgument) ? literalOf(at, flagsArgument) : undefined;
  const flags = regex.flags + (typeof extraFlags === 'string' ? extraFlags : '');
  // JSON Schema patterns have no flags: say which ones the server applies.
  return { type: string, keywords: { pattern: regex.source }, note: flags.replace(/[gy]/g, '') ? `@Matches() with flags "${flags}"` : undefined };
}

function enumRule(values: unknown[] | undefined, decorator: string): Rule {
  if (!values) return { note: `@${decorator}() (its values are not constants)` };
  const types = [...new Set(values.map((value) => (value === null ? 'null' : typeof value)))];
  return { type: { ...(types.length === 1 ? { type: types[0] } : {}), enum: values } };
}

function numberOf(at: { sources: AppSources; file: CheckedFile }, expression: ts.Expression | undefined): number | undefined {
  const value = expression === undefined ? undefined : literalOf(at, expression);
  return typeof value === 'number' ? value : undefined;
}

/** The value of a constant expression: a literal, or a `const` of this or an imported app file holding one. */
function literalOf(at: { sources: AppSources; file: CheckedFile }, expression: ts.Expression): string | number | boolean | null | undefined {
  const { expression: value } = at.sources.resolveValue(at.file, expression);
  if (ts.isStringLiteralLike(value)) return value.text;
  if (ts.isNumericLiteral(value)) return Number(value.text.replace(/_/g, ''));
  if (ts.isPrefixUnaryExpression(value) && value.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(value.operand)) return -Number(value.operand.text.replace(/_/g, ''));
  if (value.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (value.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (value.kind === ts.SyntaxKind.NullKeyword) return null;
  return undefined;
}

function listOf(at: { sources: AppSources; file: CheckedFile }, expression: ts.Expression): unknown[] | undefined {
  const resolved = at.sources.resolveValue(at.file, expression);
  if (!ts.isArrayLiteralExpression(resolved.expression)) return undefined;
  const values = resolved.expression.elements.map((element) => literalOf({ ...at, file: resolved.file }, element));
  return values.every((value) => value !== undefined) ? values : undefined;
}

/** A TypeScript `enum`'s values, or those of a constant object (`const Kind = { A: 'a' } as const`). */
function enumValuesOf(at: { sources: AppSources; file: CheckedFile }, expression: ts.Expression): unknown[] | undefined {
  const inner = unwrap(expression);
  if (ts.isIdentifier(inner)) {
    const found = at.sources.resolveDeclaration(at.file, inner.text);
    if (found && ts.isEnumDeclaration(found.node)) {
      let next = 0;
      return found.node.members.map((member) => {
        const value = member.initializer ? literalOf({ ...at, file: found.file }, member.initializer) : next;
        if (typeof value === 'number') next = value + 1;
        return value;
      });
    }
  }
  const resolved = at.sources.resolveValue(at.file, expression);
  if (!ts.isObjectLiteralExpression(resolved.expression)) return undefined;
  const values = resolved.expression.properties.map((property) => (ts.isPropertyAssignment(property) ? literalOf({ ...at, file: resolved.file }, property.initializer) : undefined));
  return values.every((value) => value !== undefined) ? values : undefined;
}

function regexOf(at: { sources: AppSources; file: CheckedFile }, expression: ts.Expression): { source: string; flags: string } | undefined {
  const { file, expression: value } = at.sources.resolveValue(at.file, expression);
  if (value.kind === ts.SyntaxKind.RegularExpressionLiteral) {
    const text = value.getText(file.source);
    const end = text.lastIndexOf('/');
    return { source: text.slice(1, end), flags: text.slice(end + 1) };
  }
  if (ts.isNewExpression(value) && value.expression.getText(file.source) === 'RegExp') {
    const [source, flags] = (value.arguments ?? []).map((argument) => literalOf({ ...at, file }, argument));
    if (typeof source === 'string') return { source, flags: typeof flags === 'string' ? flags : '' };
  }
  const text = literalOf({ ...at, file }, value);
  return typeof text === 'string' ? { source: text, flags: '' } : undefined;
}
