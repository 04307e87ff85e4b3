// Self-check: the variants must emit the same objects, or the comparison is not honest.
import { parseAllDocuments } from 'yaml';
import { Shape, SHAPES } from './shape';
import { VARIANTS } from './variants';

/** The one field the variants may legitimately differ in; normalized before comparing. */
function normalize(obj: any): any {
  // The mesh ConfigMap: the library's access-log format lists all of Istio's fields; the
  // hand-written variants a few. Compare the document without that one string.
  if (obj.kind === 'ConfigMap' && typeof obj.data?.mesh === 'string') {
    const mesh = parseAllDocuments(obj.data.mesh)[0].toJS();
    delete mesh.accessLogFormat;
    obj.data.mesh = mesh;
  }
  return obj;
}

function objectsByKey(yaml: string): Map<string, any> {
  const out = new Map<string, any>();
  for (const doc of parseAllDocuments(yaml)) {
    const obj = normalize(doc.toJS());
    const key = `${obj.kind} ${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}`;
    if (out.has(key)) throw new Error(`duplicate object ${key}`);
    out.set(key, obj);
  }
  return out;
}

/**
 * Compares every variant with the first (the library) at `n` services of `shape`: the same
 * (kind, namespace, name) set and equal objects. Returns the differences (empty when equal)
 * and how many objects each variant emitted.
 */
export function compareVariants(n: number, shape: Shape = SHAPES[0]): { differences: string[]; counts: Record<string, number> } {
  const [reference, ...others] = VARIANTS.map((v) => ({ name: v.name, objects: objectsByKey(v.synth(n, shape)) }));
  const differences: string[] = [];
  const counts: Record<string, number> = { [reference.name]: reference.objects.size };
  for (const other of others) {
    counts[other.name] = other.objects.size;
    for (const [key, obj] of reference.objects) {
      const theirs = other.objects.get(key);
      if (!theirs) differences.push(`${other.name}: missing ${key}`);
      else differences.push(...diff(obj, theirs, '').map((d) => `${other.name}: ${key}: ${d}`));
    }
    for (const key of other.objects.keys()) {
      if (!reference.objects.has(key)) differences.push(`${other.name}: extra ${key}`);
    }
  }
  return { differences, counts };
}

/** The paths where `theirs` differs from `ours`, with both values. */
function diff(ours: any, theirs: any, path: string): string[] {
  if (typeof ours === 'object' && ours !== null && typeof theirs === 'object' && theirs !== null
    && Array.isArray(ours) === Array.isArray(theirs)) {
    const keys = [...new Set([...Object.keys(ours), ...Object.keys(theirs)])];
    return keys.flatMap((k) => diff(ours[k], theirs[k], `${path}/${k}`));
  }
  return ours === theirs ? [] : [`${path || '/'} is ${JSON.stringify(theirs)}, not ${JSON.stringify(ours)}`];
}
