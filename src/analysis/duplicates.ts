import { Severity } from './finding';
import { Entry, MeshIndex, push } from './mesh-index';

/**
 * DUPLICATE: two objects with the same API group, kind, namespace and name. Applied together, the
 * later silently replaces the earlier (e.g. two constructs that derive the same name).
 */
export function checkDuplicateObjects(index: MeshIndex): void {
  const byKey = new Map<string, Entry[]>();
  for (const e of index.entries) {
    const group = String(e.obj.apiVersion ?? '').split('/').slice(0, -1).join('/');
    push(byKey, `${group}|${e.kind}|${e.namespace}|${e.name}`, e);
  }
  for (const list of byKey.values()) {
    if (list.length < 2) continue;
    const where = list.map((e) => e.path ?? e.file ?? '?').join(', ');
    for (const e of list.slice(1)) {
      index.report(e, 'DUPLICATE', Severity.ERROR, `${list.length} objects are named ${e.resource} (${where}): applied together, the last replaces the others`,
        'give each object its own name (e.g. the `name` prop), or build it once');
    }
  }
}
