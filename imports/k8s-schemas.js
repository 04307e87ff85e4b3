// Writes src/imports/k8s-schemas.ts: a structural schema (field names, JSON types, enums, required
// fields) of every Kubernetes kind cdk8s-plus-34 or this library emits, derived from the TypeScript declarations of
// the kubernetes-models package (it ships compiled validators, not the OpenAPI). Integer vs number
// and formats are not in the declarations: test/validate.ts still runs kubernetes-models validators.
// Usage: node imports/k8s-schemas.js <out.ts> <kubernetes-models@version>: the pinned package is installed
// into a temporary directory (its 5.x line declares Node 22, so it is not a devDependency).
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const ts = require('typescript');

const KINDS = [
  ['v1', 'ConfigMap'], ['v1', 'Namespace'], ['v1', 'PersistentVolume'], ['v1', 'PersistentVolumeClaim'], ['v1', 'Pod'],
  ['v1', 'Secret'], ['v1', 'Service'], ['v1', 'ServiceAccount'],
  ['apps/v1', 'DaemonSet'], ['apps/v1', 'Deployment'], ['apps/v1', 'StatefulSet'],
  ['autoscaling/v2', 'HorizontalPodAutoscaler'], ['batch/v1', 'CronJob'], ['batch/v1', 'Job'],
  ['networking.k8s.io/v1', 'Ingress'], ['networking.k8s.io/v1', 'NetworkPolicy'], ['policy/v1', 'PodDisruptionBudget'],
  ['rbac.authorization.k8s.io/v1', 'ClusterRole'], ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
  ['rbac.authorization.k8s.io/v1', 'Role'], ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
];
const outFile = process.argv[2];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-schemas-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
execFileSync('npm', ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', process.argv[3]], { stdio: 'inherit' });
const models = path.join(dir, 'node_modules', 'kubernetes-models');
const version = require(path.join(models, 'package.json')).version;
const entry = path.join(dir, 'entry.ts');
fs.writeFileSync(entry, KINDS.map(([gv, kind], i) => `export type T${i} = import('${models}/${gv}/${kind}').I${kind};`).join('\n'));
const program = ts.createProgram([entry], { moduleResolution: ts.ModuleResolutionKind.Bundler, module: ts.ModuleKind.ESNext, strict: true, noEmit: true });
const checker = program.getTypeChecker();
const defs = {};
const names = new Map();

function schema(type) {
  if (type.isUnion()) {
    const parts = type.types.filter((t) => !(t.flags & ts.TypeFlags.Undefined));
    if (parts.every((t) => t.isStringLiteral())) return { type: 'string', enum: parts.map((t) => t.value).sort() };
    if (parts.every((t) => t.flags & ts.TypeFlags.BooleanLiteral)) return { type: 'boolean' };
    const kinds = new Set(parts.map((t) => (t.flags & ts.TypeFlags.StringLike ? 'string' : t.flags & ts.TypeFlags.NumberLike ? 'number' : 'other')));
    if (kinds.size === 2 && kinds.has('string') && kinds.has('number')) return { 'x-kubernetes-int-or-string': true };
    if (parts.length === 1) return schema(parts[0]);
    throw new Error(`k8s-schemas: unsupported union ${checker.typeToString(type)}`);
  }
  if (type.flags & ts.TypeFlags.StringLike) return type.isStringLiteral() ? { type: 'string', enum: [type.value] } : { type: 'string' };
  if (type.flags & ts.TypeFlags.NumberLike) return { type: 'number' };
  if (type.flags & ts.TypeFlags.BooleanLike) return { type: 'boolean' };
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return { 'x-kubernetes-preserve-unknown-fields': true };
  if (checker.isArrayType(type)) return { type: 'array', items: schema(checker.getTypeArguments(type)[0]) };
  const index = type.getStringIndexType();
  if (index && type.getProperties().length === 0) return { type: 'object', additionalProperties: schema(index) };
  // An object type without fields is free-form in Kubernetes (FieldsV1, the managedFields' field set,
  // is "an arbitrary JSON object"): its content is kept, not refused as unknown fields.
  if (type.flags & ts.TypeFlags.Object && type.getProperties().length === 0 && !type.getCallSignatures().length) {
    return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  }
  const symbol = type.aliasSymbol ?? type.symbol;
  const fq = checker.getFullyQualifiedName(symbol);
  if (!names.has(fq)) {
    let name = symbol.name.replace(/^I(?=[A-Z])/, '');
    while (defs[name]) name += '_';
    names.set(fq, name);
    defs[name] = {};
    const properties = {};
    const required = [];
    for (const p of type.getProperties()) {
      properties[p.name] = schema(checker.getTypeOfSymbol(p));
      if (!(p.flags & ts.SymbolFlags.Optional)) required.push(p.name);
    }
    defs[name] = { type: 'object', properties, ...(required.length ? { required } : {}) };
  }
  return { $ref: names.get(fq) };
}

const kinds = {};
KINDS.forEach(([gv, kind], i) => {
  const alias = program.getSourceFile(entry).statements[i];
  kinds[`${gv}/${kind}`] = schema(checker.getTypeAtLocation(alias)).$ref;
});
const sortedDefs = Object.keys(defs).sort();
fs.writeFileSync(outFile, [
  `// Generated by imports/k8s-schemas.js (npx projen import:k8s) from the type declarations of kubernetes-models ${version}: do not edit.`,
  '// Structural schemas of the Kubernetes kinds cdk8s-plus-34 or this library emits: `kinds` maps `apiVersion/kind` to a',
  '// definition in `defs`; `$ref` names a definition. Read by src/analysis/schema.ts.',
  '',
  '/** Kubernetes structural schemas. */',
  'export const K8S_SCHEMAS: { readonly source: string; readonly kinds: { [gvk: string]: string }; readonly defs: { [name: string]: any } } = {',
  `  source: ${JSON.stringify(`kubernetes-models ${version}`)},`,
  '  kinds: {',
  ...Object.keys(kinds).sort().map((k) => `    ${JSON.stringify(k)}: ${JSON.stringify(kinds[k])},`),
  '  },',
  '  defs: {',
  ...sortedDefs.map((d) => `    ${JSON.stringify(d)}: ${JSON.stringify(defs[d])},`),
  '  },',
  '};',
  '',
].join('\n'));
console.log(`import:k8s: ${Object.keys(kinds).length} kinds (${sortedDefs.length} definitions) written to ${outFile}`);
