import { IConstruct } from 'constructs';

/** How the pods of a namespace join the mesh. */
export enum DataplaneMode {
  /** An Envoy sidecar is injected into every pod (the platform's injection label). */
  SIDECAR = 'sidecar',
  /**
   * Ambient mode: no sidecars; the node's ztunnel carries mTLS and L4 policy, waypoint proxies
   * L7 routing and policy (label `istio.io/dataplane-mode: ambient`). Open-source Istio only.
   */
  AMBIENT = 'ambient',
  /** Outside the mesh (`istio-injection: disabled`). */
  NONE = 'none',
}

/** The API a service's in-mesh routes (`addRoute`) are written in. */
export enum RouteApi {
  /** Istio's VirtualService, with DestinationRule subsets for versions. */
  ISTIO = 'istio',
  /**
   * The Kubernetes Gateway API for meshes (GAMMA): an HTTPRoute whose parent is the Service, with a
   * Service per version as the backends of a split.
   */
  GATEWAY_API = 'gateway-api',
}

/**
 * Whether `ns` runs the ambient data plane.
 * @internal
 */
export function isAmbient(ns: { readonly dataplaneMode: DataplaneMode }): boolean {
  return ns.dataplaneMode === DataplaneMode.AMBIENT;
}

/**
 * Throws when `ns` has injection disabled and is not the mesh's root namespace (where a policy is
 * mesh-wide): no pod there has a proxy, so a policy on its pods would never be enforced.
 * @internal
 */
export function checkEnforced(scope: IConstruct, what: string,
  ns: { readonly name: string; readonly dataplaneMode: DataplaneMode; readonly platform: { readonly rootNamespace: string } }): void {
  if (ns.dataplaneMode !== DataplaneMode.NONE || ns.name === ns.platform.rootNamespace) return;
  throw new Error(`${scope.node.path}: namespace "${ns.name}" has injection disabled: its pods have no proxy to enforce ${what}; `
    + `enable injection there (or the ambient data plane), or remove ${what}`);
}

/** Per namespace: `true` once it denies by default, else what waits for that. */
const DENIED = new WeakMap<IConstruct, true | (() => void)[]>();

/**
 * Runs `fn` once `ns` denies every request by default (now, if it does already).
 * @internal
 */
export function whenDeniedByDefault(ns: IConstruct, fn: () => void): void {
  const state = DENIED.get(ns);
  if (state === true) fn();
  else if (state) state.push(fn);
  else DENIED.set(ns, [fn]);
}

/**
 * Marks `ns` as denying by default and runs what waited for it.
 * @internal
 */
export function markDeniedByDefault(ns: IConstruct): void {
  const state = DENIED.get(ns);
  DENIED.set(ns, true);
  if (Array.isArray(state)) state.forEach((fn) => fn());
}

/** Per app, the namespaces (`<ns>`) and workloads (`<ns>/<name>`) with an ALLOW AuthorizationPolicy written by hand. */
const OWN_ALLOW_POLICIES = new WeakMap<IConstruct, Set<string>>();

/**
 * Records an ALLOW AuthorizationPolicy of the app's own on `namespace` (or one workload of it): its
 * rules may let callers in that the library cannot tell apart.
 * @internal
 */
export function recordAllowPolicy(scope: IConstruct, namespace: string, workload?: string): void {
  const set = OWN_ALLOW_POLICIES.get(scope.node.root) ?? new Set<string>();
  OWN_ALLOW_POLICIES.set(scope.node.root, set.add(workload === undefined ? namespace : `${namespace}/${workload}`));
}

/**
 * Whether an ALLOW AuthorizationPolicy of the app's own applies to workload `name` of `namespace`
 * (on it, on its namespace, or mesh-wide in `rootNamespace`).
 * @internal
 */
export function hasOwnAllowPolicy(scope: IConstruct, namespace: string, name: string, rootNamespace: string): boolean {
  const set = OWN_ALLOW_POLICIES.get(scope.node.root);
  return set !== undefined && (set.has(`${namespace}/${name}`) || set.has(namespace) || set.has(rootNamespace));
}
