/**
 * Builds dist/: the JavaScript and declarations of src/, with dist/router.d.ts rewritten so that
 * the `AppRouter` type is spelled out in full (every procedure's input, output and error shape)
 * and imports nothing but @trpc/server. A consumer then type-checks without the server's code
 * or its dependencies (kysely, pino, pg, fastify…).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

const configPath = join(root, 'tsconfig.build.json');
const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => fail([d]) });
if (!config) throw new Error(`cannot read ${configPath}`);

function fail(diagnostics: readonly ts.Diagnostic[]): never {
  const host = { getCanonicalFileName: (f: string) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' };
  throw new Error(ts.formatDiagnosticsWithColorAndContext(diagnostics, host));
}

rmSync(dist, { recursive: true, force: true });
const program = ts.createProgram({ rootNames: config.fileNames, options: config.options });
// The SDK's own files are checked here; the server's are checked by the repository's typecheck.
const ownFiles = program.getRootFileNames().map((file) => {
  const source = program.getSourceFile(file);
  if (!source) throw new Error(`${file}: a root file the program did not read`);
  return source;
});
const diagnostics = [
  ...program.getOptionsDiagnostics(),
  ...program.getGlobalDiagnostics(),
  ...ownFiles.flatMap((file) => [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]),
];
if (diagnostics.length) fail(diagnostics);
const emitted = program.emit();
if (emitted.emitSkipped || emitted.diagnostics.length) fail(emitted.diagnostics);

const checker = program.getTypeChecker();
const routerFile = program.getSourceFile(join(root, 'src', 'router.ts'));
const alias = routerFile?.statements.find((s): s is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(s) && s.name.text === 'AppRouter');
if (!alias) throw new Error('src/router.ts declares no AppRouter type');
const appRouter = checker.getTypeAtLocation(alias.name);

const member = (type: ts.Type, name: string) => {
  const symbol = checker.getPropertyOfType(type, name);
  if (!symbol) throw new Error(`no ${name} in ${checker.typeToString(type)}`);
  return checker.getTypeOfSymbol(symbol);
};

const isLibType = (type: ts.Type) =>
  (type.aliasSymbol ?? type.getSymbol())?.declarations?.some((d) => program.isSourceFileDefaultLibrary(d.getSourceFile())) ?? false;

const propertyName = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name));

/** The server's own named types (interfaces and aliases declared in its source), declared again here. */
const named = new Map<ts.Type, string>();
const namedDeclarations: string[] = [];

/** The name of an alias or interface declared in the server's source (not in a dependency). */
function ownName(type: ts.Type): string | undefined {
  const symbol = type.aliasSymbol ?? type.getSymbol();
  if (!symbol || !(type.aliasSymbol || symbol.flags & ts.SymbolFlags.Interface)) return undefined;
  const declaredIn = symbol.declarations?.[0]?.getSourceFile().fileName;
  return declaredIn && !declaredIn.includes('/node_modules/') ? symbol.name : undefined;
}

/** A type written out in full, naming only the standard library's types (Date, AsyncIterable…). */
function print(type: ts.Type, expanding: ts.Type[] = []): string {
  const known = named.get(type);
  if (known) return known;
  const name = ownName(type);
  if (name) {
    // Named before it is written out, so that a recursive type (a comment's replies) refers to itself.
    const unique = [...named.values()].includes(name) ? `${name}_${named.size}` : name;
    named.set(type, unique);
    namedDeclarations.push(`export type ${unique} = ${printStructure(type, [])};`);
    return unique;
  }
  if (expanding.includes(type)) throw new Error(`recursive type ${checker.typeToString(type)}: cannot be written out`);
  return printStructure(type, [...expanding, type]);
}

function printStructure(type: ts.Type, inner: ts.Type[]): string {
  const flags = type.flags;
  if (type.aliasSymbol && isLibType(type)) {
    const args = type.aliasTypeArguments ?? [];
    return args.length ? `${type.aliasSymbol.name}<${args.map((t) => print(t, inner)).join(', ')}>` : type.aliasSymbol.name;
  }
  if (
    flags &
    (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.Never | ts.TypeFlags.Void | ts.TypeFlags.Undefined | ts.TypeFlags.Null)
  ) {
    return checker.typeToString(type);
  }
  if (
    flags &
    (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BigIntLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.ESSymbol)
  ) {
    if (flags & ts.TypeFlags.UniqueESSymbol) throw new Error('a unique symbol cannot be written out');
    return checker.typeToString(type);
  }
  if (type.isUnion()) {
    // `true | false` is written `boolean`.
    const members = type.types.filter((t) => !(t.flags & ts.TypeFlags.BooleanLiteral));
    const hasBoolean = members.length !== type.types.length;
    return [...(hasBoolean ? ['boolean'] : []), ...members.map((t) => print(t, inner))].join(' | ');
  }
  if (type.isIntersection()) return type.types.map((t) => `(${print(t, inner)})`).join(' & ');
  if (checker.isTupleType(type)) {
    return `[${checker
      .getTypeArguments(type as ts.TypeReference)
      .map((t) => print(t, inner))
      .join(', ')}]`;
  }
  if (checker.isArrayType(type)) {
    const readonly = type.getSymbol()?.name === 'ReadonlyArray' ? 'Readonly' : '';
    const [element] = checker.getTypeArguments(type as ts.TypeReference);
    if (!element) throw new Error(`${checker.typeToString(type)}: an array type without its element type`);
    return `${readonly}Array<${print(element, inner)}>`;
  }
  const symbol = type.getSymbol();
  if (flags & ts.TypeFlags.Object && symbol && isLibType(type)) {
    const args = checker.getTypeArguments(type as ts.TypeReference);
    const { name } = symbol;
    return args.length ? `${name}<${args.map((t) => print(t, inner)).join(', ')}>` : name;
  }
  if (flags & ts.TypeFlags.Object) {
    if (type.getCallSignatures().length || type.getConstructSignatures().length) {
      throw new Error(`function type ${checker.typeToString(type)} cannot be written out`);
    }
    const parts: string[] = [];
    for (const info of checker.getIndexInfosOfType(type)) {
      parts.push(`${info.isReadonly ? 'readonly ' : ''}[key: ${checker.typeToString(info.keyType)}]: ${print(info.type, inner)};`);
    }
    for (const property of checker.getPropertiesOfType(type)) {
      const optional = property.flags & ts.SymbolFlags.Optional ? '?' : '';
      parts.push(`${propertyName(property.name)}${optional}: ${print(checker.getTypeOfSymbol(property), inner)};`);
    }
    return `{ ${parts.join(' ')} }`;
  }
  throw new Error(`cannot write out ${checker.typeToString(type)}`);
}

const PROCEDURE_TYPES = {
  query: 'TRPCQueryProcedure',
  mutation: 'TRPCMutationProcedure',
  subscription: 'TRPCSubscriptionProcedure',
} as const;

/** A router record: sub-records as object types, procedures as tRPC procedure types. */
function printRecord(record: ts.Type, indent: string): string {
  const lines = checker.getPropertiesOfType(record).map((property) => {
    const value = checker.getTypeOfSymbol(property);
    const def = checker.getPropertyOfType(value, '_def');
    if (!def) return `${indent}  ${propertyName(property.name)}: ${printRecord(value, `${indent}  `)};`;
    const defType = checker.getTypeOfSymbol(def);
    const kind = checker.typeToString(member(defType, 'type')).replace(/"/g, '') as keyof typeof PROCEDURE_TYPES;
    const types = member(defType, '$types');
    const procedure = PROCEDURE_TYPES[kind];
    if (!procedure) throw new Error(`unknown procedure type ${kind} at ${property.name}`);
    return (
      `${indent}  ${propertyName(property.name)}: ${procedure}<{\n` +
      `${indent}    input: ${print(member(types, 'input'))};\n` +
      `${indent}    output: ${print(member(types, 'output'))};\n` +
      `${indent}    errorShape: ErrorShape;\n` +
      `${indent}    meta: object;\n` +
      `${indent}  }>;`
    );
  });
  return `{\n${lines.join('\n')}\n${indent}}`;
}

const routerDef = member(appRouter, '_def');
const rootTypes = member(member(routerDef, '_config'), '$types');
const errorShape = print(member(rootTypes, 'errorShape'));
const record = printRecord(member(routerDef, 'record'), '  ');
const declarations = `// Generated by scripts/build.ts from the server's router: do not edit.
import type { TRPCBuiltRouter, TRPCMutationProcedure, TRPCQueryProcedure, TRPCSubscriptionProcedure } from '@trpc/server';

/** What a failed call carries: tRPC's error shape, with the server's error body under \`data.body\`. */
export type ErrorShape = ${errorShape};

/** Every procedure of the Career Nexus API, as a client calls it. */
export type AppRouter = TRPCBuiltRouter<
  { ctx: object; meta: object; errorShape: ErrorShape; transformer: ${checker.typeToString(member(rootTypes, 'transformer'))} },
  ${record}
>;

${namedDeclarations.join('\n\n')}
`;
writeFileSync(join(dist, 'router.d.ts'), declarations);
// router.ts holds types only: its JavaScript is empty and nothing imports it at runtime.
console.log(`built ${dist}`);
