// The source tree's imports point one way: no module imports itself through others, and the
// folders form layers (core, analysis, platform, traffic, workloads, security, gateways,
// telemetry, diagram), each importing only those before it. Type-only imports count: they tie
// the files together as much as values do.
import { readdirSync, readFileSync, statSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';

const SRC = join(__dirname, '..', 'src');

/** Every TypeScript source of the library except the generated bindings. */
function sources(dir: string = SRC): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return path === join(SRC, 'imports') ? [] : sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** The relative imports of a module (`from '...'`, `import('...')` and `require('...')`), as module paths without extension. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*)'(\.{1,2}\/[^']*)'/g)].map((m) => m[1]);
  return specifiers.map((s) => resolve(dirname(file), s)).filter((p) => !p.startsWith(join(SRC, 'imports')));
}

const key = (file: string) => relative(SRC, file).replace(/\.ts$/, '');
const folderOf = (module: string) => (module.includes('/') ? module.split('/')[0] : '.');

/** The strongly connected components of more than one node (or with a self-edge): the cycles. */
function cycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    indices.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, indices.get(w)!));
      }
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)?.has(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indices.has(v)) visit(v);
  return found;
}

const files = sources();
const modules = new Map(files.map((f) => [key(f), new Set(importsOf(f).map(key))]));

test('the sources are read (the check sees the tree)', () => {
  expect(modules.size).toBeGreaterThan(50);
  expect(modules.get('index')?.size).toBeGreaterThan(20);
});

test('no module imports itself through other modules', () => {
  expect(cycles(modules)).toEqual([]);
});

/** The folders as docs/development.md lists them: each imports only those before it. */
const LAYERS = ['core', 'analysis', 'platform', 'traffic', 'workloads', 'security', 'gateways', 'telemetry', 'diagram'];

/** Folder → the other folders its modules import (index.ts, which exports everything, left out). */
const folders = new Map<string, Set<string>>();
for (const [from, tos] of modules) {
  const f = folderOf(from);
  if (f === '.') continue;
  for (const to of tos) {
    const t = folderOf(to);
    if (t !== f) folders.set(f, (folders.get(f) ?? new Set()).add(t));
  }
}

test('no folder imports a folder that imports it', () => {
  expect(cycles(folders)).toEqual([]);
});

test('each folder imports only the layers below it, as docs/development.md lists them', () => {
  expect([...new Set([...modules.keys()].map(folderOf))].filter((f) => f !== '.').sort()).toEqual([...LAYERS].sort());
  const upward = [...folders].flatMap(([f, tos]) => [...tos].filter((t) => LAYERS.indexOf(t) > LAYERS.indexOf(f)).map((t) => `${f} -> ${t}`));
  expect(upward).toEqual([]);
});

/** The modules that load with a module: its value imports and re-exports, transitively (`import type` and `require()` on first use left out). */
function loadedWith(module: string, seen = new Set<string>()): Set<string> {
  if (seen.has(module)) return seen;
  seen.add(module);
  const text = readFileSync(join(SRC, `${module}.ts`), 'utf8');
  for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?\bfrom\s+'(\.{1,2}\/[^']*)'/gm)) {
    const path = resolve(dirname(join(SRC, module)), m[1]);
    if (!path.startsWith(join(SRC, 'imports'))) loadedWith(key(path), seen);
  }
  return seen;
}

test('constructs load the analyzer when it first runs, and the Gateway API rendering when a program first uses it', () => {
  const constructs = [...modules.keys()].filter((m) => !['.', 'analysis'].includes(folderOf(m)));
  const loads = (m: string, unwanted: (x: string) => boolean) => [...loadedWith(m)].filter(unwanted).map((x) => `${m} loads ${x}`);
  // The registry of assumed objects is what constructs tell the analyzer; it loads nothing else.
  expect(constructs.flatMap((m) => loads(m, (x) => folderOf(x) === 'analysis' && x !== 'analysis/assumed-objects'))).toEqual([]);
  const quickStart = ['workloads/mesh-service', 'gateways/ingress-gateway', 'platform/mesh-namespace', 'security/mtls-policy', 'telemetry/tracing-config'];
  expect(quickStart.flatMap((m) => loads(m, (x) => x === 'traffic/gateway-api-route'))).toEqual([]);
  expect(loadedWith('gateways/gateway-api-ingress').has('traffic/gateway-api-route')).toBe(true); // the check sees imports
});

test('the cycle check finds cycles', () => {
  const graph = new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['a'])], ['d', new Set(['a'])]]);
  expect(cycles(graph)).toEqual([['a', 'b', 'c']]);
});
