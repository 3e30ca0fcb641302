import { Rule, SchematicContext, Tree } from '@angular-devkit/schematics';
import { posix } from 'node:path';
import * as ts from 'typescript';
import { AppContext } from './app-context';
import { applyEdits } from './ast/apply';
import { Edit, noEdit, parseSourceFile } from './ast/edits';
import { GatewayClass } from './ast/gateways';
import { findImportedName } from './ast/imports';
import { mergeDeclarations } from './ast/interfaces';
import { Conventions } from './conventions';
import { renderTemplate, writeTemplates } from './generate';
import { layoutFor } from './layout';
import { relativeImport } from './naming';
import { sharedImports } from './shared';

/**
 * The typed files of a namespace, beside its gateway: `<name>.contract.ts` (plain types: the event
 * maps, payloads, acks; what front ends use) and `<name>.events.ts` (socket.io's server types built
 * from it). `typeName` prefixes their types: `Chat` → `ChatClientEvents`, `ChatSocket`.
 */
export interface NamespaceTypes {
  directory: string;
  fileName: string;
  typeName: string;
  namespaceLabel: string;
  /** Workspace paths without extension. */
  contractFile: string;
  eventsFile: string;
}

export function namespaceTypes(directory: string, fileName: string, typeName: string, namespaceLabel: string): NamespaceTypes {
  return { directory, fileName, typeName, namespaceLabel, contractFile: `${directory}/${fileName}.contract`, eventsFile: `${directory}/${fileName}.events` };
}

/** The typed files of a gateway found in the app: `chat.gateway.ts` holding `ChatGateway` → `chat.contract.ts`, `Chat…` types. */
export function gatewayTypes(gateway: GatewayClass, namespaceLabel: string): NamespaceTypes {
  const fileName = posix.basename(gateway.path).replace(/(\.gateway)?\.ts$/, '');
  return namespaceTypes(posix.dirname(gateway.path), fileName, gateway.className.replace(/Gateway$/, '') || gateway.className, namespaceLabel);
}

/**
 * The contract members each building block adds, in the order `feature` applies the blocks: a
 * template that is itself a small contract (the block's payloads, and its members of the event
 * maps), merged into the namespace's contract by `mergeDeclarations`.
 */
export const CONTRACT_PARTS = ['room-handler/contract/contract.ts.template', 'presence/contract/contract.ts.template', 'notifier/contract/contract.ts.template'] as const;
export type ContractPart = (typeof CONTRACT_PARTS)[number];

function partVariables(app: AppContext, conventions: Conventions, types: NamespaceTypes) {
  return { contractName: types.typeName, namespaceLabel: types.namespaceLabel, layout: layoutFor(), ...sharedImports(app, conventions, types.contractFile) };
}

function parse(path: string, text: string): ts.SourceFile {
  return ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

/**
 * The fragment with the shared envelope's types named as the contract imports them: under
 * `import type { WsAck as Ack }` the members the fragment adds say `Ack<…>`, so they compile in
 * that file as written, and the import it has serves them.
 */
function withLocalNames(fragment: ts.SourceFile, localNames: Map<string, string>): ts.SourceFile {
  const renames: { start: number; end: number; name: string }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName) && localNames.has(node.typeName.text)) {
      renames.push({ start: node.typeName.getStart(fragment), end: node.typeName.getEnd(), name: localNames.get(node.typeName.text)! });
    }
    ts.forEachChild(node, visit);
  };
  fragment.statements.filter((statement) => !ts.isImportDeclaration(statement)).forEach(visit);
  if (renames.length === 0) return fragment;
  const text = renames.reduceRight((renamed, { start, end, name }) => `${renamed.slice(0, start)}${name}${renamed.slice(end)}`, fragment.text);
  return parse(fragment.fileName, text);
}

/**
 * The edit that merges a block's part into the contract file: its members and payloads, and the
 * imports its declarations use (from the shared envelope), under the names the contract already
 * imports them by. A contract without imports gets the import on a line of its own above
 * everything, a blank line after it.
 */
function partEdit(contract: ts.SourceFile, fragment: ts.SourceFile, types: NamespaceTypes): Edit {
  const imports = fragment.statements.filter(ts.isImportDeclaration);
  const contractHasImports = contract.statements.some(ts.isImportDeclaration);
  const requests = contractHasImports
    ? imports.flatMap((declaration) => {
        const bindings = declaration.importClause?.namedBindings;
        const from = (declaration.moduleSpecifier as ts.StringLiteral).text;
        return bindings && ts.isNamedImports(bindings) ? bindings.elements.map((element) => ({ path: contract.fileName, symbol: element.name.text, from, typeOnly: true })) : [];
      })
    : [];
  const localNames = new Map(
    requests.flatMap(({ symbol, from }) => {
      const local = findImportedName(contract, symbol, from, { typeOnly: true });
      return local && local !== symbol ? [[symbol, local] as const] : [];
    }),
  );
  // Every part's payloads before the event maps, in the order the parts were merged.
  const merge = mergeDeclarations(contract, withLocalNames(fragment, localNames), { before: `${types.typeName}ClientEvents` });
  if (merge.insertions.length === 0) return noEdit();
  if (contractHasImports) return { ...merge, imports: requests };
  const text = imports.map((declaration) => `${declaration.getText()}\n`).join('');
  return text ? { ...merge, insertions: [{ path: contract.fileName, position: 0, text: `${text}\n` }, ...merge.insertions] } : merge;
}

/**
 * A building block's part of the namespace's contract, added to it (SPEC §9: the server and the
 * client are typed from one contract). A hand-written gateway without a contract gets one (the
 * empty event maps, then the block's members) and, when it has no `<name>.events.ts`, the server
 * types too, which the block's handler imports.
 */
export function addContractPart(app: AppContext, conventions: Conventions, types: NamespaceTypes, part: ContractPart): Rule {
  return (tree: Tree, context: SchematicContext) => {
    const path = `${types.contractFile}.ts`;
    const variables = partVariables(app, conventions, types);
    if (!tree.exists(path)) tree.create(path, renderTemplate('contract/contract.ts.template', variables));
    const fragment = parse(path, renderTemplate(part, variables));
    applyEdits(tree, context, partEdit(parseSourceFile(tree, path), fragment, types));
    if (tree.exists(`${types.eventsFile}.ts`)) return;
    return writeTemplates(
      {
        folder: 'gateway/files',
        destination: types.directory,
        variables: { className: types.typeName, fileName: types.fileName, namespace: types.namespaceLabel, importSuffix: app.importSuffix, layout: layoutFor(), ...sharedImports(app, conventions, types.eventsFile) },
        skip: (templatePath) => !templatePath.endsWith('.events.ts.template'),
      },
      { kind: 'shared' },
    );
  };
}

/** Import specifier of a namespace's contract, as seen from `fromFile`. */
export function contractImport(app: AppContext, types: NamespaceTypes, fromFile: string): string {
  return relativeImport(fromFile, types.contractFile, app.importSuffix);
}
