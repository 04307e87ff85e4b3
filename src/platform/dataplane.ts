import { IConstruct } from 'constructs';
import type { IMeshNamespace } from './mesh-namespace';

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

/** Which traffic a waypoint handles (its `istio.io/waypoint-for` label). */
export enum WaypointTrafficType {
  /** Traffic addressed to Services (Istio's default). */
  SERVICE = 'service',
  /** Traffic addressed to pods directly. */
  WORKLOAD = 'workload',
  /** Both. */
  ALL = 'all',
}

/** A waypoint proxy: a Gateway API Gateway of class `istio-waypoint` that enforces L7 policy and routes for ambient workloads. */
export interface IWaypoint extends IConstruct {
  /** Name of the waypoint's Gateway (and of its Deployment and ServiceAccount). */
  readonly name: string;
  /** Namespace of the waypoint's Gateway. */
  readonly namespace: IMeshNamespace;
  /** Which traffic it handles. */
  readonly trafficType: WaypointTrafficType;
  /** The waypoint's SPIFFE principal: the identity ztunnel sees on the traffic it forwards. */
  readonly principal: string;
}

/** Waypoints by the namespace or service construct that uses them. */
const WAYPOINTS = new WeakMap<IConstruct, IWaypoint>();

/**
 * Records that `target` (a namespace or a service) uses `waypoint`.
 * @internal
 */
export function recordWaypoint(target: IConstruct, waypoint: IWaypoint): void {
  WAYPOINTS.set(target, waypoint);
}

/**
 * The waypoint a namespace or service was enrolled in itself.
 * @internal
 */
export function ownWaypoint(target: IConstruct): IWaypoint | undefined {
  return WAYPOINTS.get(target);
}

/**
 * The waypoint that serves a service (its own, else its namespace's), or a namespace.
 * @internal
 */
export function waypointOf(target: IConstruct & { readonly namespace: IMeshNamespace }): IWaypoint | undefined {
  return WAYPOINTS.get(target) ?? WAYPOINTS.get(target.namespace);
}

/**
 * Whether `ns` runs the ambient data plane.
 * @internal
 */
export function isAmbient(ns: IMeshNamespace): boolean {
  return ns.dataplaneMode === DataplaneMode.AMBIENT;
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
