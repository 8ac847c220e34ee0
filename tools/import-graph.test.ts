// The layering of the code, checked on its import graph (read with the TypeScript compiler, so `import type`
// is told apart from imports that run):
// - the node catalog and the graph model (core/nodes, core/graph) are what the renderer loads: they never
//   import, at run time, the engine or the app (core/tasks, core/train, core/compile, core/export, app/);
// - core/ has no import cycle, counting type-only imports too.
// Tests and the helpers in `testing/` folders may import anything.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '..');

interface ImportEdge {
  to: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!['node_modules', 'dist', 'testing'].includes(entry.name)) sourceFiles(full, out);
    } else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) out.push(full);
  }
  return out;
}

/** Every relative import of a file, and whether it is erased at compile time (types only). */
function importsOf(file: string): ImportEdge[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const edges: ImportEdge[] = [];
  const add = (specifier: string, typeOnly: boolean) => {
    if (specifier.startsWith('.')) edges.push({ to: path.resolve(path.dirname(file), specifier), typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const typeOnly = Boolean(clause?.isTypeOnly || (clause && !clause.name && named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier.text, typeOnly);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      add(node.moduleSpecifier.text, node.isTypeOnly || Boolean(named && named.length > 0 && named.every((e) => e.isTypeOnly)));
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text, true);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      add(node.arguments[0].text, false); // a dynamic import runs, later
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

const relative = (file: string) => path.relative(repoRoot, file).split(path.sep).join('/');
const graph = new Map<string, ImportEdge[]>();
for (const file of [...sourceFiles(path.join(repoRoot, 'core')), ...sourceFiles(path.join(repoRoot, 'app'))]) graph.set(relative(file), importsOf(file).map((e) => ({ ...e, to: relative(e.to) })));

/** Strongly connected groups of more than one module (or a module importing itself): the import cycles. */
function cycles(modules: string[], next: (module: string) => string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let counter = 0;
  const visit = (module: string) => {
    index.set(module, counter);
    low.set(module, counter++);
    stack.push(module);
    onStack.add(module);
    for (const to of next(module)) {
      if (!index.has(to)) {
        visit(to);
        low.set(module, Math.min(low.get(module)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(module, Math.min(low.get(module)!, index.get(to)!));
    }
    if (low.get(module) === index.get(module)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== module);
      if (group.length > 1 || next(module).includes(module)) found.push(group.sort());
    }
  };
  for (const module of modules) if (!index.has(module)) visit(module);
  return found;
}

describe('the import graph', () => {
  it('reads the code: the catalog, the compiler and the app are all there', () => {
    expect(graph.has('core/nodes/kind.ts')).toBe(true);
    expect(graph.get('core/compile/interpreter.ts')!.some((e) => e.to.startsWith('core/nodes/') && !e.typeOnly)).toBe(true);
  });

  it('keeps the node catalog and the graph model free of the engine and the app at run time', () => {
    const forbidden = /^(core\/(tasks|train|compile|export)|app)\//;
    const violations = [...graph]
      .filter(([file]) => /^core\/(nodes|graph)\//.test(file))
      .flatMap(([file, edges]) => edges.filter((e) => !e.typeOnly && forbidden.test(e.to)).map((e) => `${file} → ${e.to}`));
    expect(violations).toEqual([]);
  });

  it('has no import cycle in core/, counting type-only imports', () => {
    const core = [...graph.keys()].filter((file) => file.startsWith('core/'));
    const next = (file: string) => (graph.get(file) ?? []).map((e) => e.to).filter((to) => to.startsWith('core/') && graph.has(to));
    expect(cycles(core, next)).toEqual([]);
  });
});
