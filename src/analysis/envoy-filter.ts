import { Severity } from './finding';
import { MeshIndex } from './mesh-index';
import { appendTo } from '../core/collections';

const RELATIVE = new Set(['INSERT_BEFORE', 'INSERT_AFTER']);
const ROUTE_LEVEL = new Set(['ROUTE_CONFIGURATION', 'HTTP_ROUTE']);
const REPLACEABLE = new Set(['NETWORK_FILTER', 'HTTP_FILTER', 'VIRTUAL_HOST']);
const ORDER_FIX = 'set spec.priority, or use INSERT_FIRST or ADD, so that the patch does not depend on the order of other EnvoyFilters';

/**
 * EnvoyFilter patches Istio's analyzer flags (IST0151-IST0155): operations that Envoy ignores for
 * the `applyTo` target, and relative operations (INSERT_BEFORE/AFTER, REPLACE, REMOVE) without a
 * priority, whose result depends on which filters are applied first; with a `proxyVersion` match
 * on a filter another patch also names, the order changes during upgrades.
 */
export function checkEnvoyFilters(index: MeshIndex): void {
  // Filters named by patches with a proxyVersion match, over the EnvoyFilters seen so far.
  const versioned = new Set<string>();
  for (const ef of index.of('EnvoyFilter')) {
    const patches: any[] = Array.isArray(ef.spec.configPatches) ? ef.spec.configPatches : [];
    const found = new Map<string, string[]>();
    const note = (code: string, where: string) => appendTo(found, code, where);
    for (let i = 0; i < patches.length; i++) {
      const p = patches[i];
      if (!p?.patch) break; // Istio stops at the first patch without one
      const where = `configPatches[${i}]`;
      const name = instanceName(p);
      const op = p.patch.operation;
      const relative = () => {
        if (!ef.spec.priority) note(versioned.has(name) ? 'IST0155' : 'IST0151', where);
      };
      if (op === 'ADD' && ROUTE_LEVEL.has(p.applyTo)) {note('IST0153', where);} else if (op === 'REMOVE') {
        if (ROUTE_LEVEL.has(p.applyTo)) note('IST0154', where); else relative();
      } else if (op === 'REPLACE') {
        if (!REPLACEABLE.has(p.applyTo)) note('IST0152', where); else relative();
      } else if (RELATIVE.has(op)) {relative();}
      if (p.match?.proxy?.proxyVersion) versioned.add(name);
    }
    for (const [code, wheres] of found) {
      const at = wheres.join(', ');
      switch (code) {
        case 'IST0151':
          index.report(ef, code, Severity.WARNING, `${at}: a relative patch operation without a priority: whether it applies depends on the order of other EnvoyFilters`, ORDER_FIX);
          break;
        case 'IST0155':
          index.report(ef, code, Severity.WARNING, `${at}: a relative patch operation without a priority on a filter that a patch with a proxyVersion match also names: it may not apply during an upgrade`, ORDER_FIX);
          break;
        case 'IST0152':
          index.report(ef, code, Severity.ERROR, `${at}: the REPLACE operation only works on HTTP_FILTER, NETWORK_FILTER and VIRTUAL_HOST`, 'use MERGE, or REMOVE and ADD');
          break;
        default:
          index.report(ef, code, Severity.ERROR, `${at}: the ${code === 'IST0153' ? 'ADD' : 'REMOVE'} operation is ignored when applyTo is ROUTE_CONFIGURATION or HTTP_ROUTE`,
            'use MERGE on the route configuration, or patch VIRTUAL_HOST');
      }
    }
  }
}

/**
 * The filter a patch is about, as Istio's analyzer tells them apart: the patch value's `name`,
 * else the listener filter the patch matches.
 */
function instanceName(p: any): string {
  const value = p.patch?.value;
  if (value === undefined || value === null || typeof value !== 'object') return '';
  if (value.name !== undefined) return `value:${JSON.stringify(value.name)}`;
  return String(p.match?.listener?.filterChain?.filter?.name ?? '');
}
