// Waypoints as the rest of the library sees them: the interface a waypoint offers, and which
// waypoint serves a namespace or a service (`istio.io/use-waypoint`). The Waypoint construct that
// writes the proxy's Gateway is gateways/waypoint.ts.
import { IConstruct } from 'constructs';
import type { IMeshNamespace } from './mesh-namespace';
import { appendTo } from '../core/collections';

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

/** The names of the namespaces each waypoint serves (the namespace itself, or services of it). */
const SERVED = new WeakMap<IWaypoint, Set<string>>();

/**
 * The names of the namespaces whose namespace or services use `waypoint`, in the order they were enrolled.
 * @internal
 */
export function servedNamespaces(waypoint: IWaypoint): string[] {
  return [...SERVED.get(waypoint) ?? []];
}

/** Waypoints by the namespace or service construct that uses them. */
const WAYPOINTS = new WeakMap<IConstruct, IWaypoint>();
/** Per namespace, its services that use a waypoint of their own. */
const OWN_WAYPOINT_SERVICES = new WeakMap<IConstruct, IConstruct[]>();
/** Namespaces and services enrolled with `ingress: true` (`istio.io/ingress-use-waypoint`). */
const INGRESS_THROUGH_WAYPOINT = new WeakSet<IConstruct>();
/** The gateways that route to a service, and the services gateways route to, per namespace. */
const GATEWAYS_OF = new WeakMap<IConstruct, string[]>();
const ROUTED_IN = new WeakMap<IConstruct, Set<IConstruct & { readonly namespace: IMeshNamespace }>>();
const ROUTING_GATEWAYS = new WeakMap<IConstruct, IConstruct[]>();

/**
 * Records that `target` (a namespace, or a service of namespace `serviceNamespace`) uses `waypoint`.
 * @internal
 */
export function recordWaypoint(target: IConstruct, waypoint: IWaypoint, serviceNamespace?: IMeshNamespace, ingress = false): void {
  WAYPOINTS.set(target, waypoint);
  const served = SERVED.get(waypoint) ?? new Set<string>();
  SERVED.set(waypoint, served.add(serviceNamespace?.name ?? (target as IMeshNamespace).name));
  if (ingress) INGRESS_THROUGH_WAYPOINT.add(target);
  if (serviceNamespace) appendTo(OWN_WAYPOINT_SERVICES, serviceNamespace, target);
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

/**
 * Whether gateways send the traffic of `service` through the waypoint that serves it: istiod does so
 * only when the Service, or else its namespace, is labelled `istio.io/ingress-use-waypoint`.
 * @internal
 */
export function ingressUsesWaypoint(service: IConstruct & { readonly namespace: IMeshNamespace }): boolean {
  return INGRESS_THROUGH_WAYPOINT.has(service) || namespaceIngressUsesWaypoint(service.namespace);
}

/**
 * Whether the namespace is labelled `istio.io/ingress-use-waypoint` (its services without a label of their own follow it).
 * @internal
 */
export function namespaceIngressUsesWaypoint(namespace: IMeshNamespace): boolean {
  return INGRESS_THROUGH_WAYPOINT.has(namespace);
}

/**
 * Records that the gateway `gateway` routes requests to `service`.
 * @internal
 */
export function recordGatewayRoute(gateway: IConstruct, service: IConstruct & { readonly namespace: IMeshNamespace }): void {
  const gateways = GATEWAYS_OF.get(service) ?? [];
  if (!gateways.includes(gateway.node.path)) {
    GATEWAYS_OF.set(service, [...gateways, gateway.node.path]);
    const routing = ROUTING_GATEWAYS.get(service);
    if (routing) routing.push(gateway);
    else ROUTING_GATEWAYS.set(service, [gateway]);
  }
  ROUTED_IN.set(service.namespace, (ROUTED_IN.get(service.namespace) ?? new Set()).add(service));
}

/**
 * The gateways that route requests to `service`, in the order they were recorded.
 * @internal
 */
export function routingGateways(service: IConstruct): IConstruct[] {
  return ROUTING_GATEWAYS.get(service) ?? [];
}

/**
 * The services of `namespace` (or only `service`) that gateways route to, with those gateways' paths.
 * @internal
 */
export function gatewayRoutes(namespace: IMeshNamespace, service?: IConstruct & { readonly namespace: IMeshNamespace }):
{ service: IConstruct & { readonly namespace: IMeshNamespace }; gateways: string[] }[] {
  const services = service ? [service] : [...ROUTED_IN.get(namespace) ?? []];
  return services.map((s) => ({ service: s, gateways: GATEWAYS_OF.get(s) ?? [] })).filter((r) => r.gateways.length);
}
