import * as ts from 'typescript';
import { AppClass, AppSources, CheckedFile, importOf } from '../check/sources';
import { dtoObject } from './dto-schema';

/** A JSON Schema object (AsyncAPI's Schema Object is a superset of draft 07). */
export type JsonSchema = { [keyword: string]: unknown };

/** A type as written in a file, with the type arguments its type parameters stand for there. */
interface TypeInFile {
  file: CheckedFile;
  type: ts.TypeNode;
  bindings: Bindings;
}

type Bindings = ReadonlyMap<string, TypeInFile | undefined>;

const NO_BINDINGS: Bindings = new Map();
const COMPONENT_PREFIX = '#/components/schemas/';
const MAX_GENERIC_EXPANSIONS = 10;

/**
 * The payload schemas of the document, read from the app's TypeScript without a type checker:
 * type nodes are converted as written (type literals, interfaces and aliases followed through
 * imports of app files, generic aliases expanded with their arguments, `WsOk<T>`'s conditional
 * decided on its argument), and DTO classes from their class-validator rules (dto-schema.ts).
 * Each named declaration becomes one entry of `components.schemas` that payloads reference.
 */
export class Schemas {
  private readonly entries = new Map<string, JsonSchema>();
  private readonly names = new Map<ts.Node, Map<string, string>>();
  private expansions = 0;

  constructor(readonly sources: AppSources) {}

  /** `components.schemas`, by name. */
  components(): Record<string, JsonSchema> {
    return Object.fromEntries([...this.entries].sort(([a], [b]) => compare(a, b)));
  }

  /** The schema a `$ref` points at (one level), else the schema itself. */
  resolve(schema: JsonSchema): JsonSchema {
    const ref = typeof schema.$ref === 'string' && schema.$ref.startsWith(COMPONENT_PREFIX) ? schema.$ref.slice(COMPONENT_PREFIX.length) : undefined;
    return (ref && this.entries.get(ref)) || schema;
  }

  /** The schema of a DTO class: its class-validator rules, `additionalProperties: false` when unknown keys are refused. */
  dto(dto: AppClass, refusesUnknown: boolean): JsonSchema {
    return this.named(dto.node, refusesUnknown ? 'unknownKeysRefused' : 'unknownKeysAllowed', dto.name, () => dtoObject(this, dto, refusesUnknown));
  }

  /** The schema of a type annotation of `file` (no annotation: any value). */
  type(file: CheckedFile, type: ts.TypeNode | undefined): JsonSchema {
    return type ? this.convert({ file, type, bindings: NO_BINDINGS }) : {};
  }

  private convert(at: TypeInFile): JsonSchema {
    const { file, type, bindings } = at;
    const inner = (node: ts.TypeNode) => this.convert({ file, type: node, bindings });
    switch (type.kind) {
      case ts.SyntaxKind.StringKeyword:
      case ts.SyntaxKind.TemplateLiteralType:
        return { type: 'string' };
      case ts.SyntaxKind.NumberKeyword:
        return { type: 'number' };
      case ts.SyntaxKind.BigIntKeyword:
        return { type: 'integer' };
      case ts.SyntaxKind.BooleanKeyword:
        return { type: 'boolean' };
      case ts.SyntaxKind.ObjectKeyword:
        return { type: 'object' };
      case ts.SyntaxKind.NeverKeyword:
        return { not: {} };
      case ts.SyntaxKind.AnyKeyword:
      case ts.SyntaxKind.UnknownKeyword:
      case ts.SyntaxKind.UndefinedKeyword:
      case ts.SyntaxKind.VoidKeyword:
        return {};
    }
    if (ts.isParenthesizedTypeNode(type)) return inner(type.type);
    if (ts.isTypeOperatorNode(type)) return type.operator === ts.SyntaxKind.KeyOfKeyword ? { type: 'string' } : inner(type.type);
    if (ts.isLiteralTypeNode(type)) {
      const value = literalValue(type);
      return value === null ? { type: 'null' } : value === undefined ? {} : { type: typeof value, const: value };
    }
    if (ts.isArrayTypeNode(type)) return { type: 'array', items: inner(type.elementType) };
    if (ts.isTupleTypeNode(type)) {
      const items = type.elements.map((element) => inner(ts.isNamedTupleMember(element) ? element.type : element));
      return { type: 'array', items, minItems: items.length, maxItems: items.length };
    }
    if (ts.isTypeLiteralNode(type)) return this.object(file, type.members, bindings);
    if (ts.isUnionTypeNode(type)) return this.union(at, type);
    if (ts.isIntersectionTypeNode(type)) return this.merge(type.types.map(inner));
    if (ts.isConditionalTypeNode(type)) return this.conditional(at, type);
    if (ts.isTypeReferenceNode(type)) return this.reference(at, type.typeName, type.typeArguments);
    return { description: `TypeScript type \`${type.getText(file.source)}\`.` };
  }

  private reference(at: TypeInFile, typeName: ts.EntityName, typeArguments: readonly ts.TypeNode[] | undefined): JsonSchema {
    const { file, bindings } = at;
    if (!ts.isIdentifier(typeName)) return this.foreign(file, typeName.getText(file.source));
    const name = typeName.text;
    if (bindings.has(name)) {
      const bound = bindings.get(name);
      return bound ? this.convert(bound) : {};
    }
    const args = (typeArguments ?? []).map((type): TypeInFile => ({ file, type, bindings }));
    const found = this.sources.resolveDeclaration(file, name);
    if (!found) return this.builtin(file, name, args);
    const { node } = found;
    if (ts.isClassDeclaration(node) && node.name) return this.dto({ file: found.file, node, name: node.name.text }, false);
    // Components are named after the declaration, not the local alias (`import { Base as B }`).
    if (ts.isEnumDeclaration(node)) return this.named(node, '', node.name.text, () => withDescription(enumSchema(node), docOf(node)));
    if (ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) {
      const generic = (node.typeParameters?.length ?? 0) > 0;
      const build = () => {
        const own = bind(found.file, node.typeParameters, args);
        const body = ts.isInterfaceDeclaration(node) ? this.interfaceObject(found.file, node, own) : this.convert({ file: found.file, type: node.type, bindings: own });
        return generic ? body : withDescription(body, docOf(node));
      };
      if (!generic) return this.named(node, '', node.name.text, build);
      // A generic declaration is expanded where it is used (its schema depends on the arguments), to a bounded depth: `type Tree<T> = { children: Tree<T>[] }` ends.
      if (this.expansions >= MAX_GENERIC_EXPANSIONS) return { description: `TypeScript type \`${name}\` (recursive).` };
      this.expansions++;
      try {
        return build();
      } finally {
        this.expansions--;
      }
    }
    return this.foreign(file, name);
  }

  /** The standard library's types that reach JSON; anything else from a package is described, not guessed. */
  private builtin(file: CheckedFile, name: string, args: TypeInFile[]): JsonSchema {
    const [first, second] = args;
    const argument = (at: TypeInFile | undefined) => (at ? this.convert(at) : {});
    switch (name) {
      case 'Array':
      case 'ReadonlyArray':
        return { type: 'array', items: argument(first) };
      case 'Promise':
      case 'PromiseLike':
      case 'Readonly':
      case 'NonNullable':
        return argument(first);
      case 'Date':
        // socket.io sends JSON: a Date arrives as its ISO-8601 string.
        return { type: 'string', format: 'date-time' };
      case 'Record':
        return this.record(first, second);
      case 'Partial':
      case 'Required': {
        const object = this.resolve(argument(first));
        const keys = Object.keys((object.properties as object | undefined) ?? {});
        const { required: _required, ...rest } = object;
        return name === 'Partial' ? rest : { ...rest, ...(keys.length ? { required: keys } : {}) };
      }
      case 'Pick':
      case 'Omit': {
        const object = this.resolve(argument(first));
        const keys = second ? literalKeys(second.type) : undefined;
        if (!keys || !object.properties) return object;
        const keep = (key: string) => keys.includes(key) === (name === 'Pick');
        const properties = Object.fromEntries(Object.entries(object.properties as JsonSchema).filter(([key]) => keep(key)));
        const required = ((object.required as string[] | undefined) ?? []).filter(keep);
        const { required: _required, ...rest } = object;
        return { ...rest, properties, ...(required.length ? { required } : {}) };
      }
    }
    return this.foreign(file, name);
  }

  private foreign(file: CheckedFile, name: string): JsonSchema {
    const origin = importOf(file, name.split('.')[0]);
    return { description: origin ? `\`${name}\` from \`${origin.module}\` (not read: only the app's own types are).` : `TypeScript type \`${name}\`.` };
  }

  private record(key: TypeInFile | undefined, value: TypeInFile | undefined): JsonSchema {
    const valueSchema = value ? this.convert(value) : {};
    const keys = key ? literalKeys(key.type) : undefined;
    if (keys) return { type: 'object', properties: Object.fromEntries(keys.map((name) => [name, valueSchema])), required: keys };
    const never = value?.type.kind === ts.SyntaxKind.NeverKeyword;
    return { type: 'object', additionalProperties: never ? false : valueSchema };
  }

  private object(file: CheckedFile, members: ts.NodeArray<ts.TypeElement>, bindings: Bindings): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    let additionalProperties: JsonSchema | undefined;
    for (const member of members) {
      if (ts.isIndexSignatureDeclaration(member)) {
        additionalProperties = this.convert({ file, type: member.type, bindings });
        continue;
      }
      if (!ts.isPropertySignature(member)) continue;
      const name = memberName(member.name);
      if (name === undefined) continue;
      const schema = member.type ? this.convert({ file, type: member.type, bindings }) : {};
      properties[name] = schema.$ref ? schema : withDescription(schema, docOf(member));
      if (!member.questionToken) required.push(name);
    }
    return objectSchema(properties, required, additionalProperties);
  }

  /** An interface's own members over those of the interfaces it extends. */
  private interfaceObject(file: CheckedFile, node: ts.InterfaceDeclaration, bindings: Bindings): JsonSchema {
    const bases = (node.heritageClauses ?? [])
      .flatMap((clause) => clause.types)
      .map((base) => (ts.isIdentifier(base.expression) ? this.reference({ file, type: base, bindings }, base.expression, base.typeArguments) : {}));
    return this.merge([...bases, this.object(file, node.members, bindings)]);
  }

  /**
   * `A & B`: one object with the properties of both when each is an object; otherwise `allOf`.
   */
  private merge(schemas: JsonSchema[]): JsonSchema {
    if (schemas.length === 1) return schemas[0];
    const objects = schemas.map((schema) => this.resolve(schema));
    if (!objects.every((object) => object.type === 'object')) return { allOf: schemas };
    const properties: Record<string, JsonSchema> = {};
    const required = new Set<string>();
    let additionalProperties: unknown;
    for (const object of objects) {
      Object.assign(properties, object.properties ?? {});
      for (const name of (object.required as string[] | undefined) ?? []) required.add(name);
      if (object.additionalProperties !== undefined) additionalProperties = object.additionalProperties;
    }
    return objectSchema(properties, [...required], additionalProperties as JsonSchema | undefined);
  }

  /**
   * `undefined` and `void` members say "optional", not a value; literals become one `enum`; a union of
   * objects told apart by a literal property (`{ ok: true } | { ok: false; error }`) is a `oneOf`,
   * any other union an `anyOf` (its members may overlap).
   */
  private union(at: TypeInFile, type: ts.UnionTypeNode): JsonSchema {
    const members = type.types.filter((member) => member.kind !== ts.SyntaxKind.UndefinedKeyword && member.kind !== ts.SyntaxKind.VoidKeyword);
    const literals = members.map((member) => (ts.isLiteralTypeNode(member) ? literalValue(member) : undefined));
    if (members.length > 0 && literals.every((value) => value !== undefined)) {
      const types = [...new Set(literals.map((value) => (value === null ? 'null' : typeof value)))];
      return { ...(types.length === 1 ? { type: types[0] } : {}), enum: literals };
    }
    const schemas = members.map((member) => this.convert({ ...at, type: member }));
    if (schemas.length === 1) return schemas[0];
    return this.discriminated(schemas) ? { oneOf: schemas } : { anyOf: schemas };
  }

  private discriminated(schemas: JsonSchema[]): boolean {
    const objects = schemas.map((schema) => this.resolve(schema));
    const first = objects[0]?.properties as Record<string, JsonSchema> | undefined;
    return Object.keys(first ?? {}).some((key) => {
      const values = objects.map((object) => (object.properties as Record<string, JsonSchema> | undefined)?.[key]?.const);
      return values.every((value) => value !== undefined) && new Set(values).size === values.length;
    });
  }

  /**
   * `T extends undefined ? A : B` (how `WsOk<T>` tells `{ ok: true }` from `{ ok: true; data }`):
   * decided when both sides are keywords or the checked type is a literal, object or array type;
   * otherwise either branch may apply (`anyOf`).
   */
  private conditional(at: TypeInFile, type: ts.ConditionalTypeNode): JsonSchema {
    const checked = actualType({ ...at, type: type.checkType });
    let answer = checked && extendsKeyword(checked.type, type.extendsType);
    if (answer === undefined && checked && ts.isTypeReferenceNode(checked.type) && ts.isIdentifier(checked.type.typeName) && isNothing(type.extendsType)) {
      // An interface or class is an object: never `undefined`, `void` or `null`.
      const found = this.sources.resolveDeclaration(checked.file, checked.type.typeName.text);
      if (found && (ts.isInterfaceDeclaration(found.node) || ts.isClassDeclaration(found.node))) answer = false;
    }
    if (answer !== undefined) return this.convert({ ...at, type: answer ? type.trueType : type.falseType });
    return { anyOf: [this.convert({ ...at, type: type.trueType }), this.convert({ ...at, type: type.falseType })] };
  }

  /** One entry of `components.schemas` per declaration (and variant), named after it; recursion ends at the reference. */
  private named(node: ts.Node, variant: string, baseName: string, build: () => JsonSchema): JsonSchema {
    const variants = this.names.get(node) ?? new Map<string, string>();
    this.names.set(node, variants);
    let name = variants.get(variant);
    if (name === undefined) {
      // The declaration's second variant (a DTO validated with and without forbidNonWhitelisted) is named after how it differs.
      name = this.uniqueName(variants.size > 0 ? `${baseName}.${variant}` : baseName);
      variants.set(variant, name);
      this.entries.set(name, {});
      this.entries.set(name, build());
    }
    return { $ref: `${COMPONENT_PREFIX}${name}` };
  }

  private uniqueName(baseName: string): string {
    const base = baseName.replace(/[^\w.-]/g, '_') || 'Schema';
    let name = base;
    for (let index = 2; this.entries.has(name); index++) name = `${base}${index}`;
    return name;
  }
}

/** `{ type: object, properties, required }`, without the keys that would be empty. */
export function objectSchema(properties: Record<string, JsonSchema>, required: string[], additionalProperties?: JsonSchema | boolean): JsonSchema {
  return {
    type: 'object',
    ...(Object.keys(properties).length ? { properties } : {}),
    ...(required.length ? { required } : {}),
    ...(additionalProperties !== undefined ? { additionalProperties } : {}),
  };
}

export function withDescription(schema: JsonSchema, description: string | undefined): JsonSchema {
  return description ? { ...schema, description } : schema;
}

/** The JSDoc comment of a declaration, on one line per paragraph. */
export function docOf(node: ts.Node): string | undefined {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const text = docs
    .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? '')
    .join('\n\n')
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.replace(/\s*\n\s*/g, ' ').trim())
    .filter(Boolean)
    .join('\n\n');
  return text || undefined;
}

export function memberName(name: ts.PropertyName): string | undefined {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name) ? name.text : undefined;
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function literalValue(type: ts.LiteralTypeNode): string | number | boolean | null | undefined {
  const literal = type.literal;
  if (literal.kind === ts.SyntaxKind.NullKeyword) return null;
  if (literal.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (literal.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (ts.isStringLiteral(literal) || ts.isNoSubstitutionTemplateLiteral(literal)) return literal.text;
  if (ts.isNumericLiteral(literal)) return Number(literal.text);
  if (ts.isPrefixUnaryExpression(literal) && literal.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(literal.operand)) return -Number(literal.operand.text);
  return undefined;
}

/** `'a' | 'b'` → `['a', 'b']`; undefined when the type is not made of string literals. */
function literalKeys(type: ts.TypeNode): string[] | undefined {
  const members = ts.isUnionTypeNode(type) ? type.types : [type];
  const keys = members.map((member) => (ts.isLiteralTypeNode(member) && ts.isStringLiteral(member.literal) ? member.literal.text : undefined));
  return keys.every((key): key is string => key !== undefined) ? keys : undefined;
}

function enumSchema(node: ts.EnumDeclaration): JsonSchema {
  const values: Array<string | number> = [];
  let next = 0;
  for (const member of node.members) {
    const initializer = member.initializer;
    if (initializer && (ts.isStringLiteral(initializer) || ts.isNoSubstitutionTemplateLiteral(initializer))) {
      values.push(initializer.text);
    } else {
      next = initializer && ts.isNumericLiteral(initializer) ? Number(initializer.text) : next;
      values.push(next++);
    }
  }
  const types = [...new Set(values.map((value) => typeof value))];
  return { ...(types.length === 1 ? { type: types[0] } : {}), enum: values };
}

/** Type parameters bound to the given arguments, else to their defaults (evaluated among the parameters before them). */
function bind(file: CheckedFile, parameters: ts.NodeArray<ts.TypeParameterDeclaration> | undefined, args: TypeInFile[]): Bindings {
  const bindings = new Map<string, TypeInFile | undefined>();
  (parameters ?? []).forEach((parameter, index) => {
    const fallback = parameter.default ? { file, type: parameter.default, bindings: new Map(bindings) } : undefined;
    bindings.set(parameter.name.text, args[index] ?? fallback);
  });
  return bindings;
}

/** A type parameter's argument, followed until it is no longer one; undefined when it has none. */
function actualType(at: TypeInFile): TypeInFile | undefined {
  let current: TypeInFile | undefined = at;
  for (let hop = 0; current && hop < 10; hop++) {
    const type: ts.TypeNode = current.type;
    const bindings: Bindings = current.bindings;
    if (!ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName) || !bindings.has(type.typeName.text)) return current;
    current = bindings.get(type.typeName.text);
  }
  return undefined;
}

const KEYWORDS = new Set([ts.SyntaxKind.UndefinedKeyword, ts.SyntaxKind.VoidKeyword, ts.SyntaxKind.NullKeyword, ts.SyntaxKind.StringKeyword, ts.SyntaxKind.NumberKeyword, ts.SyntaxKind.BooleanKeyword]);

function isNothing(type: ts.TypeNode): boolean {
  return type.kind === ts.SyntaxKind.UndefinedKeyword || type.kind === ts.SyntaxKind.VoidKeyword || (ts.isLiteralTypeNode(type) && type.literal.kind === ts.SyntaxKind.NullKeyword);
}

/** Whether `checked extends target` for a keyword `target`; undefined when it cannot be told syntactically. */
function extendsKeyword(checked: ts.TypeNode, target: ts.TypeNode): boolean | undefined {
  const keyword = (type: ts.TypeNode) => (ts.isLiteralTypeNode(type) && type.literal.kind === ts.SyntaxKind.NullKeyword ? ts.SyntaxKind.NullKeyword : type.kind);
  if (!KEYWORDS.has(keyword(target))) return undefined;
  if (KEYWORDS.has(keyword(checked))) return keyword(checked) === keyword(target);
  if (ts.isTypeLiteralNode(checked) || ts.isArrayTypeNode(checked) || ts.isTupleTypeNode(checked)) return false;
  if (ts.isLiteralTypeNode(checked)) {
    const value = literalValue(checked);
    const kinds: Record<string, ts.SyntaxKind> = { string: ts.SyntaxKind.StringKeyword, number: ts.SyntaxKind.NumberKeyword, boolean: ts.SyntaxKind.BooleanKeyword };
    return kinds[typeof value] === keyword(target);
  }
  return undefined;
}
