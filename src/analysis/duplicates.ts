import { Severity } from './finding';
import { Entry, MeshIndex, push } from './mesh-index';

/**
 * DUPLICATE: two objects with the same API group, kind, namespace and name. Applied together, the
 * later silently replaces the earlier (e.g. two constructs that derive the same name).
 */
export function checkDuplicateObjects(index: MeshIndex): void {
  for (const list of index.sameName.values()) {
    // The same kind in two API groups is two objects.
    const byGroup = new Map<string, Entry[]>();
    for (const e of list) {
      const apiVersion = String(e.obj.apiVersion ?? '');
      push(byGroup, apiVersion.slice(0, Math.max(apiVersion.lastIndexOf('/'), 0)), e);
    }
    for (const same of byGroup.values()) {
      if (same.length < 2) continue;
      const where = same.map((e) => e.path ?? e.file ?? '?').join(', ');
      for (const e of same.slice(1)) {
        index.report(e, 'DUPLICATE', Severity.ERROR, `${same.length} objects are named ${e.resource} (${where}): applied together, the last replaces the others`,
          'give each object its own name (e.g. the `name` prop), or build it once');
      }
    }
  }
}
