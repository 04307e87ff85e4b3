import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { checkEnum, checkNamespaceRef, checkProps } from '../core/check';
import { WAYPOINT_CLASS } from '../core/gateway-classes';
import { gatewayApi, security } from '../core/l1';
import { checkDnsLabel, sortedRecord } from '../core/names';
import { IMeshIdentity, servicePrincipal } from '../core/principal';
import type { Gateway } from '../imports/gateway.networking.k8s.io';
import { checkNoNamespacePolicies, checkNoZtunnelPolicies } from '../platform/ambient-policy';
import { isAmbient, whenDeniedByDefault } from '../platform/dataplane';
import { IMeshNamespace, MeshNamespace } from '../platform/mesh-namespace';
import { IWaypoint, WaypointTrafficType, ownWaypoint, recordWaypoint, servedNamespaces } from '../platform/waypoint-enrollment';
import { checkDestination } from '../traffic/destination';
import { GATEWAY_API_GROUP } from '../traffic/gateway-api-route';
import { IMeshService } from '../workloads/mesh-service-base';

/** The labels that bind a namespace, Service or pod to a waypoint. */
const USE_WAYPOINT = 'istio.io/use-waypoint';
const USE_WAYPOINT_NAMESPACE = 'istio.io/use-waypoint-namespace';
const INGRESS_USE_WAYPOINT = 'istio.io/ingress-use-waypoint';

/** Properties of a `Waypoint`. */
export interface WaypointProps {
  /** The namespace of the waypoint (usually the ambient namespace it serves). */
  readonly namespace: IMeshNamespace;
  /**
   * Name of the waypoint's Gateway, and of the Deployment, Service and ServiceAccount Istio creates for it.
   * @default 'waypoint' (what `istioctl waypoint apply` names it)
   */
  readonly name?: string;
  /**
   * Which traffic it handles (label `istio.io/waypoint-for`).
   * @default WaypointTrafficType.SERVICE
   */
  readonly trafficType?: WaypointTrafficType;
}

/** Options of `addNamespace` and `addService`. */
export interface UseWaypointOptions {
  /**
   * Send traffic from ingress gateways through the waypoint too (label `istio.io/ingress-use-waypoint`),
   * so that its L7 policies and routes apply to it. Gateways bypass waypoints otherwise.
   * @default false
   */
  readonly ingress?: boolean;
}

/** What `Waypoint.fromWaypointName` needs to know of a waypoint that exists already. */
export interface ExistingWaypointOptions {
  /**
   * Which traffic it handles.
   * @default WaypointTrafficType.SERVICE
   */
  readonly trafficType?: WaypointTrafficType;
}

/**
 * What every waypoint does, written here or not: enroll namespaces and services (the
 * `istio.io/use-waypoint` labels) and name its identity.
 */
export abstract class WaypointBase extends Construct implements IWaypoint, IMeshIdentity {
  public abstract readonly name: string;
  public abstract readonly namespace: IMeshNamespace;
  public abstract readonly trafficType: WaypointTrafficType;

  /** The waypoint's SPIFFE principal: Istio runs it as the ServiceAccount of its own name. */
  public get principal(): string {
    return servicePrincipal(this.namespace.platform.trustDomain, this.namespace.name, this.name);
  }

  /**
   * Sends the traffic of an ambient namespace through this waypoint: labels the Namespace
   * `istio.io/use-waypoint` (and `istio.io/use-waypoint-namespace` when the waypoint lives elsewhere).
   * Add waypoints before the policies on what they serve.
   */
  public addNamespace(namespace: IMeshNamespace, options: UseWaypointOptions = {}): void {
    checkNamespaceRef(this, 'namespace', namespace);
    if (!(namespace instanceof MeshNamespace)) {
      throw new Error(`${this.node.path}: namespace "${namespace.name}" is not written by this app, so its labels cannot change here: `
        + `label it ${USE_WAYPOINT}=${this.name} where it is defined, and target this waypoint in policies (\`waypoint\`)`);
    }
    this.checkEnrollable(namespace, namespace, `namespace "${namespace.name}"`);
    checkNoZtunnelPolicies(this, namespace);
    this.enroll(namespace, namespace, namespace.namespace.metadata, options);
  }

  /**
   * Sends the traffic addressed to a service through this waypoint: labels its Service
   * `istio.io/use-waypoint`. The service must be written by this app (created or adopted). Add
   * waypoints before the policies on what they serve.
   */
  public addService(service: IMeshService, options: UseWaypointOptions = {}): void {
    checkDestination(this, 'service', service);
    const serviceObject = (service as IMeshService & { service?: unknown }).service;
    if (!ApiObject.isApiObject(serviceObject)) {
      throw new Error(`${this.node.path}: the Service of ${service.node.path} is not written by this app, so its labels cannot change here: `
        + `label it ${USE_WAYPOINT}=${this.name} where it is defined`);
    }
    if (this.trafficType === WaypointTrafficType.WORKLOAD) {
      throw new Error(`${this.node.path}: this waypoint handles workload traffic only (trafficType WORKLOAD), not traffic addressed to Services: `
        + `use trafficType SERVICE or ALL to serve ${service.node.path}`);
    }
    this.checkEnrollable(service, service.namespace, service.node.path);
    checkNoZtunnelPolicies(this, service.namespace, service);
    checkNoNamespacePolicies(this, service);
    this.enroll(service, service.namespace, serviceObject.metadata, options, service.namespace);
  }

  private checkEnrollable(target: Construct, namespace: IMeshNamespace, what: string): void {
    if (!isAmbient(namespace)) {
      throw new Error(`${this.node.path}: ${what} is not in ambient mode (namespace "${namespace.name}" runs ${namespace.dataplaneMode}): waypoints serve ambient workloads; `
        + 'create its namespace with `dataplaneMode: DataplaneMode.AMBIENT`');
    }
    const other = ownWaypoint(target);
    if (other) {
      throw new Error(`${this.node.path}: ${what} already uses waypoint ${other.namespace.name}/${other.name}: a namespace or service uses one waypoint`);
    }
  }

  private enroll(target: Construct, namespace: IMeshNamespace, metadata: { addLabel(key: string, value: string): void },
    options: UseWaypointOptions, serviceNamespace?: IMeshNamespace): void {
    metadata.addLabel(USE_WAYPOINT, this.name);
    if (this.namespace.name !== namespace.name) metadata.addLabel(USE_WAYPOINT_NAMESPACE, this.namespace.name);
    if (options.ingress) metadata.addLabel(INGRESS_USE_WAYPOINT, 'true');
    recordWaypoint(target, this, serviceNamespace, options.ingress === true);
    // A namespace that denies by default lets its waypoint through ztunnel, and denies at the waypoint too.
    whenDeniedByDefault(namespace, () => this.denyByDefault(namespace));
  }

  private denyByDefault(namespace: IMeshNamespace): void {
    if (namespace.name !== this.namespace.name) {
      throw new Error(`${this.node.path}: namespace "${namespace.name}" denies by default and uses this waypoint of namespace "${this.namespace.name}": `
        + 'a deny at the waypoint would apply to every namespace it serves; use a waypoint in the namespace that denies by default');
    }
    if (!this.node.tryFindChild('DenyByDefault')) {
      // Allow-nothing at the waypoint: only the ALLOW policies attached to it (allowFrom) let requests through.
      new (security().AuthorizationPolicy)(this, 'DenyByDefault', {
        metadata: { name: `${this.name}-allow-nothing`, namespace: this.namespace.name },
        spec: { targetRefs: [{ group: GATEWAY_API_GROUP, kind: 'Gateway', name: this.name }] },
      });
    }
    const allowed = allowedWaypoints(namespace);
    if (!allowed.includes(this.principal)) allowed.push(this.principal);
  }
}

/** The principals the ztunnel policy `allow-waypoints` of a namespace that denies by default lets through. */
function allowedWaypoints(namespace: IMeshNamespace): string[] {
  const existing = namespace.node.tryFindChild('AllowWaypoints') as AllowWaypoints | undefined;
  return (existing ?? new AllowWaypoints(namespace)).principals;
}

/** `allow-waypoints`: the waypoints' identities pass ztunnel in a namespace that denies by default. */
class AllowWaypoints extends Construct {
  public readonly principals: string[] = [];

  constructor(namespace: IMeshNamespace) {
    super(namespace, 'AllowWaypoints');
    new (security().AuthorizationPolicy)(this, 'Resource', {
      metadata: { name: 'allow-waypoints', namespace: namespace.name },
      spec: {
        action: security().AuthorizationPolicySpecAction.ALLOW,
        rules: [{ from: [{ source: { principals: Lazy.any({ produce: () => [...this.principals].sort() }) as any } }] }],
      },
    });
  }
}

/**
 * A waypoint proxy for ambient workloads: a Gateway API `Gateway` of class `istio-waypoint` with the
 * HBONE listener on port 15008, from which Istio deploys the proxy (Deployment, Service and
 * ServiceAccount named like it). Namespaces and services use it with `addNamespace` / `addService`;
 * L7 policies on them (paths, methods, JWT) are then attached to it, and in-mesh HTTPRoutes apply.
 */
export class Waypoint extends WaypointBase {
  /** A waypoint that exists already (e.g. `istioctl waypoint apply` or another app): nothing is written for it. */
  public static fromWaypointName(scope: Construct, id: string, name: string, namespace: IMeshNamespace,
    options: ExistingWaypointOptions = {}): IWaypoint {
    return new ExistingWaypoint(scope, id, name, namespace, options.trafficType ?? WaypointTrafficType.SERVICE);
  }

  public readonly name: string;
  public readonly namespace: IMeshNamespace;
  public readonly trafficType: WaypointTrafficType;
  /** The waypoint's Gateway (escape hatch). */
  public readonly gateway: Gateway;

  constructor(scope: Construct, id: string, props: WaypointProps) {
    super(scope, id);
    checkProps(this, props, ['namespace']);
    this.namespace = checkNamespaceRef(this, 'namespace', props.namespace);
    this.name = checkWaypointName(this, props.name ?? 'waypoint');
    this.trafficType = checkEnum(this, 'trafficType', props.trafficType, WaypointTrafficType, 'WaypointTrafficType') ?? WaypointTrafficType.SERVICE;
    const refused = this.namespace.platform.ambientUnsupportedReason;
    if (refused) throw new Error(`${this.node.path}: waypoints are part of ambient mode, which is not available on ${this.namespace.platform.kind}: ${refused}`);
    const labels: Record<string, string> = { 'istio.io/waypoint-for': this.trafficType };
    // A revision's istiod reconciles only the gateways labelled with it.
    if (this.namespace.platform.revision) labels['istio.io/rev'] = this.namespace.platform.revision;
    this.gateway = new (gatewayApi().Gateway)(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace.name, labels: sortedRecord(labels) },
      spec: {
        gatewayClassName: WAYPOINT_CLASS,
        listeners: [{
          name: 'mesh',
          port: 15008,
          protocol: 'HBONE',
          // istiod attaches a namespace or service of another namespace only if this listener allows
          // routes from it (the default is the waypoint's own namespace).
          allowedRoutes: Lazy.any({ produce: () => allowedRoutesOf(this) }) as any,
        }],
      },
    });
  }
}

/** The HBONE listener's `allowedRoutes`: the namespaces the waypoint serves, when one is not its own. */
function allowedRoutesOf(waypoint: WaypointBase): any {
  const served = servedNamespaces(waypoint);
  if (served.every((n) => n === waypoint.namespace.name)) return undefined;
  const values = [...new Set([waypoint.namespace.name, ...served])].sort();
  return { namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values }] } } };
}

/** A waypoint's name: a DNS label, and not `none`, which in `istio.io/use-waypoint` opts out of waypoints. */
function checkWaypointName(scope: Construct, name: string): string {
  if (name === 'none') {
    throw new Error(`${scope.node.path}: a waypoint cannot be named "none": istio.io/use-waypoint=none opts a namespace or service out of waypoints, so nothing would use it; choose another name`);
  }
  return checkDnsLabel(scope, 'waypoint name', name);
}

/** A waypoint deployed outside this app. */
class ExistingWaypoint extends WaypointBase {
  public readonly name: string;

  constructor(scope: Construct, id: string, name: string, public readonly namespace: IMeshNamespace,
    public readonly trafficType: WaypointTrafficType) {
    super(scope, id);
    this.name = checkWaypointName(this, name);
    checkNamespaceRef(this, 'namespace', namespace);
    checkEnum(this, 'trafficType', trafficType, WaypointTrafficType, 'WaypointTrafficType');
  }
}
