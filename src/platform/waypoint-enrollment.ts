// Waypoints as the rest of the library sees them: the interface a waypoint offers, and which
// waypoint serves a namespace or a service (`istio.io/use-waypoint`). The Waypoint construct that
// writes the proxy's Gateway is gateways/waypoint.ts.
import { IConstruct } from 'constructs';
import type { IMeshNamespace } from './mesh-namespace';

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
/** Per namespace, its services that use a waypoint of their own. */
const OWN_WAYPOINT_SERVICES = new WeakMap<IConstruct, IConstruct[]>();

/**
 * Records that `target` (a namespace, or a service of namespace `serviceNamespace`) uses `waypoint`.
 * @internal
 */
export function recordWaypoint(target: IConstruct, waypoint: IWaypoint, serviceNamespace?: IMeshNamespace): void {
  WAYPOINTS.set(target, waypoint);
  if (serviceNamespace) OWN_WAYPOINT_SERVICES.set(serviceNamespace, [...servicesWithOwnWaypoint(serviceNamespace), target]);
}

/**
 * The services of `namespace` that use a waypoint of their own, in the order they were enrolled.
 * @internal
 */
export function servicesWithOwnWaypoint(namespace: IMeshNamespace): IConstruct[] {
  return OWN_WAYPOINT_SERVICES.get(namespace) ?? [];
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
