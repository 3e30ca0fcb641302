import * as ts from 'typescript';
import { findImportedSymbol } from '../core/ast/imports';
import { memberType, typeName } from './classes';
import { AppClass, CheckedFile, localNameOf } from './sources';

const VERIFY_METHODS = new Set(['verify', 'verifyAsync']);

/**
 * A JWT verification: `this.<x>.verify(…)` / `verifyAsync(…)` where `<x>` is a `JwtService`
 * (@nestjs/jwt) of the class, or jsonwebtoken's `verify` (named, default or namespace import).
 */
export function isJwtVerifyCall(appClass: AppClass, call: ts.CallExpression): boolean {
  const { file } = appClass;
  const callee = call.expression;
  if (ts.isIdentifier(callee)) {
    const imported = findImportedSymbol(file.source, callee.text);
    return imported?.name === 'verify' && imported.from === 'jsonwebtoken';
  }
  if (!ts.isPropertyAccessExpression(callee) || !VERIFY_METHODS.has(callee.name.text)) return false;
  const receiver = callee.expression;
  if (ts.isPropertyAccessExpression(receiver) && receiver.expression.kind === ts.SyntaxKind.ThisKeyword) {
    const jwtService = localNameOf(file, 'JwtService', '@nestjs/jwt');
    return jwtService !== undefined && typeName(memberType(appClass, receiver.name.text)) === jwtService;
  }
  return ts.isIdentifier(receiver) && callee.name.text === 'verify' && receiver.text === wholeModuleImport(file, 'jsonwebtoken');
}

/** The local name of `import jwt from 'm'` or `import * as jwt from 'm'`. */
function wholeModuleImport(file: CheckedFile, moduleSpecifier: string): string | undefined {
  for (const statement of file.source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier) || statement.moduleSpecifier.text !== moduleSpecifier) continue;
    const clause = statement.importClause;
    if (clause?.name) return clause.name.text;
    if (clause?.namedBindings && ts.isNamespaceImport(clause.namedBindings)) return clause.namedBindings.name.text;
  }
  return undefined;
}
