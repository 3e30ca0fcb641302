import * as ts from 'typescript';
import { AppClass, AppSources } from './sources';

/** The class's method named `name` with a body, if any. */
export function methodNamed(appClass: AppClass, name: string): ts.MethodDeclaration | undefined {
  return appClass.node.members.find(
    (member): member is ts.MethodDeclaration => ts.isMethodDeclaration(member) && member.name.getText() === name && member.body !== undefined,
  );
}

/**
 * The declared type of `this.<property>`: a constructor parameter property
 * (`constructor(private readonly jwt: JwtService)`) or a field (`private jwt: JwtService`).
 */
export function memberType(appClass: AppClass, property: string): ts.TypeNode | undefined {
  for (const member of appClass.node.members) {
    if (ts.isPropertyDeclaration(member) && member.name.getText() === property) return member.type;
    if (ts.isConstructorDeclaration(member)) {
      const parameter = member.parameters.find((item) => item.name.getText() === property && ts.getModifiers(item)?.length);
      if (parameter) return parameter.type;
    }
  }
  return undefined;
}

/** The name a type annotation refers to (`JwtService`, `jwt.JwtService`), without type arguments. */
export function typeName(type: ts.TypeNode | undefined): string | undefined {
  return type && ts.isTypeReferenceNode(type) ? type.typeName.getText() : undefined;
}

/** The app classes injected through the constructor (`constructor(private readonly users: UsersService)`). */
export function injectedClasses(sources: AppSources, appClass: AppClass): AppClass[] {
  const constructorDeclaration = appClass.node.members.find(ts.isConstructorDeclaration);
  const injected: AppClass[] = [];
  for (const parameter of constructorDeclaration?.parameters ?? []) {
    const name = parameter.type && ts.isTypeReferenceNode(parameter.type) && ts.isIdentifier(parameter.type.typeName) ? parameter.type.typeName.text : undefined;
    const resolved = name ? sources.resolveClass(appClass.file, name) : undefined;
    if (resolved) injected.push(resolved);
  }
  return injected;
}

/** True for nodes that start a new function scope (a throw or call in them does not run with the enclosing code). */
export function isFunctionScope(node: ts.Node): boolean {
  return ts.isFunctionLike(node) || ts.isClassLike(node);
}

/** True when `node`, inside `body`, is in the try block of a try statement that has a catch clause. */
export function isCaught(node: ts.Node, body: ts.Node): boolean {
  for (let current = node.parent; current && current !== body; current = current.parent) {
    const parent = current.parent;
    if (parent && ts.isTryStatement(parent) && parent.tryBlock === current && parent.catchClause) return true;
  }
  return false;
}

/** The string value of a call's first argument, when it is a literal (`on('error', …)` → `error`). */
export function firstStringArgument(call: ts.CallExpression): string | undefined {
  const [first] = call.arguments;
  return first && ts.isStringLiteralLike(first) ? first.text : undefined;
}
