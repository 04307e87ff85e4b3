import { Severity } from './finding';
import { Entry, MeshIndex, SortedTexts, hasLabels, reverse } from './mesh-index';

/** Set by the CNI node agent on pods it redirects to ztunnel (Istio's `PodInAmbientMode`). */
const AMBIENT_REDIRECTION = 'ambient.istio.io/redirection';
const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE']);

/** AuthorizationPolicy workloads (IST0127), source namespaces (IST0101), methods (KIA0102) and hosts (KIA0104). */
export function checkAuthorizationPolicies(index: MeshIndex): void {
  const namespaceExists = wildcardNamespaces(index);
  const vsHosts = new Set<string>();
  for (const vs of index.of('VirtualService')) for (const h of vs.spec.hosts ?? []) vsHosts.add(String(h).toLowerCase());
  for (const ap of index.of('AuthorizationPolicy')) {
    checkWorkloads(index, ap);
    for (const rule of ap.spec.rules ?? []) {
      for (const from of rule?.from ?? []) {
        for (const field of ['namespaces', 'notNamespaces']) {
          for (const ns of (from?.source?.[field] ?? []) as string[]) {
            if (!index.namespaceExists(ns) && !(ns.includes('*') && namespaceExists(ns))) {
              index.report(ap, 'IST0101', Severity.ERROR, `referenced namespace not found: source.${field} "${ns}" matches no Namespace`,
                'create the Namespace, or fix the name');
            }
          }
        }
      }
      for (const to of rule?.to ?? []) {
        for (const method of (to?.operation?.methods ?? []) as string[]) {
          if (!validMethod(method)) {
            index.report(ap, 'KIA0102', Severity.WARNING, `operation.methods "${method}" is not an HTTP method`,
              `use ${[...HTTP_METHODS].join(', ')} (or a * wildcard)`);
          }
        }
        for (const host of (to?.operation?.hosts ?? []) as string[]) {
          if (!knownHost(index, ap, host, vsHosts)) {
            index.report(ap, 'KIA0104', Severity.WARNING, `operation.hosts "${host}" matches no Service, ServiceEntry or VirtualService host`,
              'fix the host, or add the Service or ServiceEntry');
          }
        }
      }
    }
  }
}

/** IST0127: the policy selects no in-mesh workload (its namespace's, or any for a mesh-wide policy). */
function checkWorkloads(index: MeshIndex, ap: Entry): void {
  const selector = ap.spec.selector?.matchLabels;
  const meshWide = ap.namespace === index.rootNamespace;
  if (meshWide && !hasLabels(selector)) return;
  const pods = index.selectWorkloads(selector, meshWide ? undefined : ap.namespace);
  if (!pods.some((w) => w.inMesh || index.isAmbientNamespace(w.namespace) || w.annotations[AMBIENT_REDIRECTION] === 'enabled')) {
    index.report(ap, 'IST0127', Severity.WARNING,
      hasLabels(selector) ? `no in-mesh workload matches the selector ${JSON.stringify(selector)}` : `namespace "${ap.namespace}" has no in-mesh workload`,
      'fix the selector to match the pod labels of a workload with a sidecar, or remove the policy');
  }
}

/**
 * Whether a synthesized Namespace matches a pattern by Istio's `namespaceMatch` (`*`, `*suffix`,
 * `prefix*`, or case-insensitive equality), by look-ups in the names sorted once.
 */
function wildcardNamespaces(index: MeshIndex): (pattern: string) => boolean {
  let names: { forward: SortedTexts<string>; backward: SortedTexts<string>; lower: Set<string> } | undefined;
  return (pattern) => {
    if (!names) {
      const all = [...index.namespaces.keys()];
      names = {
        forward: new SortedTexts(all.map((n) => ({ text: n, item: n }))),
        backward: new SortedTexts(all.map((n) => ({ text: reverse(n), item: n }))),
        lower: new Set(all.map((n) => n.toLowerCase())),
      };
    }
    if (pattern === '*') return index.namespaces.size > 0;
    if (pattern.startsWith('*')) return names.backward.startingWith(reverse(pattern.slice(1)), 1).length > 0;
    if (pattern.endsWith('*')) return names.forward.startingWith(pattern.slice(0, -1), 1).length > 0;
    return names.lower.has(pattern.toLowerCase());
  };
}

/** Kiali: `*`, `X*`, `*X` or an exact HTTP method (upper-cased). */
function validMethod(method: string): boolean {
  return method === '*' || method.startsWith('*') || method.endsWith('*') || HTTP_METHODS.has(method.toUpperCase());
}

/**
 * Whether an operation host names a VirtualService host, a Service or a ServiceEntry host. As Kiali
 * parses it, a Service may be written `svc`, `svc.ns` or `svc.ns.svc.cluster.local`.
 */
function knownHost(index: MeshIndex, ap: Entry, host: string, vsHosts: Set<string>): boolean {
  if (host.includes('*')) return true;
  const bare = host.toLowerCase().replace(/:\d+$/, '');
  if (vsHosts.has(bare) || index.lookupHost(ap.namespace, undefined, bare)) return true;
  const labels = bare.split('.');
  return labels.length === 2 && !!index.lookupHost(ap.namespace, undefined, `${bare}.svc.cluster.local`);
}
