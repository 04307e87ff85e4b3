// GatewayClass names that clusters have without a manifest of the app's: the classes istiod
// creates and the classes GKE's Gateway controller offers. The constructs offer them by name and the
// analyzer knows a Gateway of one of them has a controller (KIA1504).

/** A GKE-managed GatewayClass: a Google Cloud load balancer that GKE's Gateway controller configures. */
export enum GkeGatewayClass {
  /** Global external Application Load Balancer. */
  GLOBAL_EXTERNAL_MANAGED = 'gke-l7-global-external-managed',
  /** Global external Application Load Balancer, multi-cluster. */
  GLOBAL_EXTERNAL_MANAGED_MC = 'gke-l7-global-external-managed-mc',
  /** Regional external Application Load Balancer. */
  REGIONAL_EXTERNAL_MANAGED = 'gke-l7-regional-external-managed',
  /** Regional external Application Load Balancer, multi-cluster. */
  REGIONAL_EXTERNAL_MANAGED_MC = 'gke-l7-regional-external-managed-mc',
  /** Regional internal Application Load Balancer. */
  REGIONAL_INTERNAL = 'gke-l7-rilb',
  /** Regional internal Application Load Balancer, multi-cluster. */
  REGIONAL_INTERNAL_MC = 'gke-l7-rilb-mc',
  /** Cross-regional internal Application Load Balancer, multi-cluster. */
  CROSS_REGIONAL_INTERNAL_MC = 'gke-l7-cross-regional-internal-managed-mc',
  /** Classic global external Application Load Balancer. */
  GLOBAL_EXTERNAL_CLASSIC = 'gke-l7-gxlb',
  /** Classic global external Application Load Balancer, multi-cluster. */
  GLOBAL_EXTERNAL_CLASSIC_MC = 'gke-l7-gxlb-mc',
}

/**
 * The GatewayClasses istiod creates when it finds the Gateway API CRDs: `istio` (it deploys the
 * gateway), `istio-remote` (a gateway it does not deploy), `istio-waypoint` (ambient waypoints) and
 * `istio-east-west` (ambient east-west gateways); for the classes whose pods it deploys, their
 * `gateway.istio.io/managed` label and whether the deployment is named `<gateway>-<class>`.
 * @internal
 */
export const ISTIO_GATEWAY_CLASSES: ReadonlyMap<string, { readonly managed?: string; readonly suffixed?: boolean }> = new Map([
  ['istio', { managed: 'istio.io-gateway-controller', suffixed: true }],
  ['istio-remote', {}],
  ['istio-waypoint', { managed: 'istio.io-mesh-controller' }],
  ['istio-east-west', { managed: 'istio.io-eastwest-controller' }],
]);

/** The class of ambient waypoints. @internal */
export const WAYPOINT_CLASS = 'istio-waypoint';

const GKE_CLASSES: ReadonlySet<string> = new Set(Object.values(GkeGatewayClass));

/**
 * Whether a cluster of the platform has class `name` without anyone writing it (Istio's, GKE's).
 * @internal
 */
export function isBuiltInGatewayClass(name: string): boolean {
  return ISTIO_GATEWAY_CLASSES.has(name) || GKE_CLASSES.has(name);
}
