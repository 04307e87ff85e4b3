import { Severity } from './finding';
import { Entry, MeshIndex } from './mesh-index';

/**
 * DUPLICATE: two objects with the same API group, kind, namespace and name. Applied together, the
 * later silently replaces the earlier (e.g. two constructs that derive the same name).
 */
export function checkDuplicateObjects(index: MeshIndex): void {
  const first = new Map<string, Entry>();
  /** The objects of each name taken more than once. */
  const byKey = new Map<string, Entry[]>();
  for (const e of index.entries) {
    const apiVersion = String(e.obj.apiVersion ?? '');
    const group = apiVersion.slice(0, Math.max(apiVersion.lastIndexOf('/'), 0));
    const key = `${group}|${e.kind}|${e.namespace}|${e.name}`;
    const earlier = first.get(key);
    if (!earlier) first.set(key, e);
    else if (byKey.has(key)) byKey.get(key)!.push(e);
    else byKey.set(key, [earlier, e]);
  }
  for (const list of byKey.values()) {
    const where = list.map((e) => e.path ?? e.file ?? '?').join(', ');
    for (const e of list.slice(1)) {
      index.report(e, 'DUPLICATE', Severity.ERROR, `${list.length} objects are named ${e.resource} (${where}): applied together, the last replaces the others`,
        'give each object its own name (e.g. the `name` prop), or build it once');
    }
  }
}
